/**
 * Pods and containers must not run as Windows HostProcess containers, which have full access
 * to the Windows node.
 *
 * Restricted fields: `spec.securityContext.windowsOptions.hostProcess` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.windowsOptions.hostProcess`.
 * Allowed values: undefined, false.
 *
 * No fix: a HostProcess workload exists to administer the node; a person has to decide.
 */

import type { FindingLocation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation } from '../rulekit/patch.js';
import { describeContainers } from '../rulekit/wording.js';

const HOST_PROCESS = ['securityContext', 'windowsOptions', 'hostProcess'];

const isHostProcess = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.windowsOptions?.hostProcess === true;

function windowsHostProcess_1_0(pod: PodView): CheckResult {
  const bad = containersWhere(pod, isHostProcess);
  const podForbidden = pod.spec.securityContext?.windowsOptions?.hostProcess === true;
  if (!podForbidden && bad.length === 0) return ALLOWED;
  const setters: string[] = [];
  const locations: FindingLocation[] = [];
  if (podForbidden) {
    setters.push('pod');
    locations.push({ path: pointer(pod.specPath, ...HOST_PROCESS) });
  }
  if (bad.length > 0) {
    setters.push(describeContainers(bad.map((ref) => ref.name)));
    locations.push(...bad.map((ref) => containerLocation(ref, HOST_PROCESS)));
  }
  return {
    allowed: false,
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    locations,
  };
}

export const windowsHostProcess = definePodRule({
  id: 'windowsHostProcess',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'securityContext.windowsOptions.hostProcess',
    'containers[].securityContext.windowsOptions.hostProcess',
  ],
  messages: { windowsHostProcess: 'hostProcess ({detail})' },
  description: 'Pods and containers must not run as Windows HostProcess containers.',
  controls: ['PSS baseline: HostProcess', 'CIS 5.2.11', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => ({
      variables: {
        pod: `${cel.present('variables.spec', 'securityContext.windowsOptions.hostProcess')} && variables.spec.securityContext.windowsOptions.hostProcess == true`,
        bad: `variables.containers.filter(c, ${cel.present('c', 'securityContext.windowsOptions.hostProcess')} && c.securityContext.windowsOptions.hostProcess == true).map(c, c.name)`,
      },
      expression: '!$pod && size($bad) == 0',
      messageExpression: `'hostProcess (' + ${cel.joinNonEmpty(["($pod ? 'pod' : '')", `(size($bad) > 0 ? ${cel.describeContainers('$bad')} : '')`], ' and ')} + ' must not set securityContext.windowsOptions.hostProcess=true)'`,
    }),
  },
  versions: [{ since: 'v1.0', check: windowsHostProcess_1_0 }],
});
