/**
 * HostPort ports must be forbidden.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].ports[*].hostPort`.
 * Allowed values: undefined, 0.
 *
 * No fix: removing a host port changes how clients reach the pod (use a Service instead).
 */

import type { FindingLocation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { describeContainers, pluralize, sortedSet } from '../rulekit/wording.js';

const usesHostPort = (port: { hostPort?: number | null } | null | undefined): boolean =>
  (port?.hostPort ?? 0) !== 0;
const hasHostPort = (ref: ContainerRef): boolean => ref.container.ports?.some(usesHostPort) === true;

function hostPorts_1_0(pod: PodView): CheckResult {
  if (containersWhere(pod, hasHostPort).length === 0) return ALLOWED;
  const badContainers: string[] = [];
  const ports: string[] = [];
  const locations: FindingLocation[] = [];
  for (const ref of pod.containers) {
    let valid = true;
    (ref.container.ports ?? []).forEach((port, index) => {
      const hostPort = port?.hostPort ?? 0;
      if (hostPort !== 0) {
        valid = false;
        ports.push(String(hostPort));
        locations.push({ path: pointer(ref.path, 'ports', index, 'hostPort'), container: ref.name });
      }
    });
    if (!valid) badContainers.push(ref.name);
  }
  if (badContainers.length === 0) return ALLOWED;
  // Upstream sorts the ports as strings (a sets.String), so "10" < "9".
  const forbidden = sortedSet(ports);
  return {
    allowed: false,
    reason: 'hostPort',
    detail: `${describeContainers(badContainers)} ${pluralize('uses', 'use', badContainers.length)} ${pluralize('hostPort', 'hostPorts', forbidden.length)} ${forbidden.join(', ')}`,
    locations,
  };
}

export const hostPorts = definePodRule({
  id: 'hostPorts',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].ports'],
  messages: { hostPorts: 'hostPort ({detail})' },
  description: 'Containers must not bind host ports.',
  controls: ['PSS baseline: Host Ports', 'CIS 5.2.13', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => ({
      variables: {
        bad: `variables.containers.filter(c, ${cel.valueOr('c', 'ports', '[]')}.exists(p, ${cel.valueOr('p', 'hostPort', '0')} != 0)).map(c, c.name)`,
        ...cel.sortedSetVariables(
          'ports',
          `variables.containers.map(c, ${cel.valueOr('c', 'ports', '[]')}.filter(p, ${cel.valueOr('p', 'hostPort', '0')} != 0).map(p, string(p.hostPort)))`,
        ),
      },
      expression: 'size($bad) == 0',
      messageExpression: `'hostPort (' + ${cel.describeContainers('$bad')} + ' ' + ${cel.pluralize('uses', 'use', 'size($bad)')} + ' ' + ${cel.pluralize('hostPort', 'hostPorts', 'size($ports)')} + ' ' + $ports.join(', ') + ')'`,
    }),
  },
  versions: [{ since: 'v1.0', check: hostPorts_1_0 }],
});
