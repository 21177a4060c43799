/**
 * Containers must not set `runAsUser: 0`, unless (from v1.35) the pod runs in a user namespace
 * (`hostUsers: false`).
 *
 * Restricted fields: `spec.securityContext.runAsUser` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.runAsUser`.
 * Allowed values: non-zero, undefined/null; any value with `hostUsers: false` from v1.35.
 *
 * No fix: which UID the workload should run as is a decision (podguard's `runAsUserRange` rule
 * and `harden()` handle the UID).
 */

import type { FindingLocation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation } from '../rulekit/patch.js';
import { relaxForUserNamespaces } from '../rulekit/podRelaxations.js';
import { describeContainers } from '../rulekit/wording.js';

const FIELD = ['securityContext', 'runAsUser'];

const runsAsUid0 = (ref: ContainerRef): boolean => ref.container.securityContext?.runAsUser === 0;

function runAsUser_1_23(pod: PodView): CheckResult {
  const podRoot = pod.spec.securityContext?.runAsUser === 0;
  const bad = containersWhere(pod, runsAsUid0);
  if (!podRoot && bad.length === 0) return ALLOWED;
  const setters: string[] = [];
  const locations: FindingLocation[] = [];
  if (podRoot) {
    setters.push('pod');
    locations.push({ path: pointer(pod.specPath, ...FIELD) });
  }
  if (bad.length > 0) {
    setters.push(describeContainers(bad.map((ref) => ref.name)));
    locations.push(...bad.map((ref) => containerLocation(ref, FIELD)));
  }
  return {
    allowed: false,
    reason: 'runAsUser=0',
    detail: `${setters.join(' and ')} must not set runAsUser=0`,
    locations,
  };
}

export const runAsUser = definePodRule({
  id: 'runAsUser',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: ['securityContext.runAsUser', 'containers[].securityContext.runAsUser', 'hostUsers'],
  messages: { runAsUser: 'runAsUser=0 ({detail})' },
  description: 'Pods and containers must not set runAsUser=0.',
  controls: [
    'PSS restricted: Running as Non-root user',
    'CIS 5.2.7',
    'NSA/CISA: Kubernetes Pod security',
    'ISO 27001:2013 A.9.4.4',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  fix: 'none',
  admission: {
    check: () => ({
      variables: {
        pod: `${cel.present('variables.spec', 'securityContext.runAsUser')} && variables.spec.securityContext.runAsUser == 0`,
        bad: `variables.containers.filter(c, ${cel.present('c', 'securityContext.runAsUser')} && c.securityContext.runAsUser == 0).map(c, c.name)`,
      },
      expression: 'variables.userNamespace || (!$pod && size($bad) == 0)',
      messageExpression: `'runAsUser=0 (' + ${cel.joinNonEmpty(["($pod ? 'pod' : '')", `(size($bad) > 0 ? ${cel.describeContainers('$bad')} : '')`], ' and ')} + ' must not set runAsUser=0)'`,
    }),
  },
  versions: [
    { since: 'v1.23', check: runAsUser_1_23 },
    { since: 'v1.35', check: relaxForUserNamespaces(runAsUser_1_23) },
  ],
});
