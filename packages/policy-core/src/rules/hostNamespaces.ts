/**
 * Sharing the host network, PID and IPC namespaces must be disallowed.
 *
 * Restricted fields: `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`. Allowed values: undefined, false.
 *
 * No fix: a workload that shares a host namespace usually needs it; a person has to decide.
 */

import type { FindingLocation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

function hostNamespaces_1_0(pod: PodView): CheckResult {
  const { spec } = pod;
  if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) return ALLOWED;
  const set = FIELDS.filter((field) => spec[field] === true);
  const locations: FindingLocation[] = set.map((field) => ({ path: pointer(pod.specPath, field) }));
  return {
    allowed: false,
    reason: 'host namespaces',
    detail: set.map((field) => `${field}=true`).join(', '),
    locations,
  };
}

export const hostNamespaces = definePodRule({
  id: 'hostNamespaces',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['hostNetwork', 'hostPID', 'hostIPC'],
  messages: { hostNamespaces: 'host namespaces ({detail})' },
  description: 'Pods must not share the host network, PID or IPC namespace.',
  controls: [
    'PSS baseline: Host Namespaces',
    'CIS 5.2.3',
    'CIS 5.2.4',
    'CIS 5.2.5',
    'NSA/CISA: Kubernetes Pod security',
  ],
  fix: 'none',
  admission: {
    check: () => ({
      expression: `!(${FIELDS.map((field) => cel.valueOr('variables.spec', field, 'false')).join(' || ')})`,
      messageExpression: `'host namespaces (' + ${cel.joinNonEmpty(
        FIELDS.map((field) => `(${cel.valueOr('variables.spec', field, 'false')} ? '${field}=true' : '')`),
        ', ',
      )} + ')'`,
    }),
  },
  versions: [{ since: 'v1.0', check: hostNamespaces_1_0 }],
});
