/**
 * Privileged containers disable most security mechanisms and must be disallowed.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged`.
 * Allowed values: false, undefined/null.
 *
 * No fix: dropping `privileged` changes what the workload can do; a person has to decide.
 */

import type { ContainerRef, PodView } from '../model/views.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation } from '../rulekit/patch.js';
import { describeContainers } from '../rulekit/wording.js';

const isPrivileged = (ref: ContainerRef): boolean => ref.container.securityContext?.privileged === true;

function privileged_1_0(pod: PodView): CheckResult {
  const bad = containersWhere(pod, isPrivileged);
  if (bad.length === 0) return ALLOWED;
  return {
    allowed: false,
    reason: 'privileged',
    detail: `${describeContainers(bad.map((ref) => ref.name))} must not set securityContext.privileged=true`,
    locations: bad.map((ref) => containerLocation(ref, ['securityContext', 'privileged'])),
  };
}

export const privileged = definePodRule({
  id: 'privileged',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.privileged'],
  messages: { privileged: 'privileged ({detail})' },
  description: 'Containers must not run privileged (securityContext.privileged=true).',
  controls: ['PSS baseline: Privileged Containers', 'CIS 5.2.2', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => ({
      variables: {
        bad: `variables.containers.filter(c, ${cel.valueOr('c', 'securityContext.privileged', 'false')}).map(c, c.name)`,
      },
      expression: 'size($bad) == 0',
      messageExpression: `'privileged (' + ${cel.describeContainers('$bad')} + ' must not set securityContext.privileged=true)'`,
    }),
  },
  versions: [{ since: 'v1.0', check: privileged_1_0 }],
});
