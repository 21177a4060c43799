/**
 * From v1.35 the restricted policy keeps requiring the default /proc masks even for pods in a
 * user namespace, which the baseline `procMount` check then exempts; it replaces `procMount`.
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount`.
 * Allowed values: undefined/null, `Default`.
 *
 * Fix: forbidden values become `Default` (none for Windows pods).
 */
import { definePodRule } from '../rulekit/define.js';
import { procMount_1_0, procMountAdmission } from '../rulekit/procMountCheck.js';

export const procMount_restricted = definePodRule({
  id: 'procMount_restricted',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.procMount', 'hostUsers'],
  messages: { procMount_restricted: 'procMount ({detail})' },
  description: 'Containers must use the default /proc mount, also in a user namespace.',
  controls: ['PSS restricted: /proc Mount Type', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'unsafe',
  admission: { check: () => procMountAdmission(false) },
  versions: [{ since: 'v1.35', check: procMount_1_0, overrides: ['procMount'] }],
});
