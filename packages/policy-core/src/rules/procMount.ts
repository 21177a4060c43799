/**
 * The default /proc masks reduce the attack surface and are required by the baseline policy,
 * unless (from v1.35) the pod runs in a user namespace (`hostUsers: false`).
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount`.
 * Allowed values: undefined/null, `Default` (any value with `hostUsers: false` from v1.35).
 *
 * Fix: forbidden values become `Default`. None for Windows pods, where procMount is invalid.
 */

import { definePodRule } from '../rulekit/define.js';
import { relaxForUserNamespaces } from '../rulekit/podRelaxations.js';
import { procMount_1_0, procMountAdmission } from '../rulekit/procMountCheck.js';

export const procMount = definePodRule({
  id: 'procMount',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.procMount', 'hostUsers'],
  messages: { procMount: 'procMount ({detail})' },
  description: 'Containers must use the default /proc mount, unless the pod runs in a user namespace.',
  controls: ['PSS baseline: /proc Mount Type', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'unsafe',
  admission: { check: () => procMountAdmission(true) },
  versions: [
    { since: 'v1.0', check: procMount_1_0 },
    { since: 'v1.35', check: relaxForUserNamespaces(procMount_1_0) },
  ],
});
