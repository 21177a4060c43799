/**
 * Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed.
 *
 * Restricted field: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation`.
 * Allowed value: false. Unset allows escalation: the runtime then does not set no_new_privs.
 * From v1.25 Windows pods (`spec.os.name: windows`) are exempt.
 *
 * Fix: `allowPrivilegeEscalation: false` on each offending container, creating `securityContext`
 * when missing. None when the API server would reject it: for Windows pods, and when an
 * offending container is privileged or adds CAP_SYS_ADMIN (validation forbids false with either).
 * Also none for SYS_ADMIN: validation accepts that spelling, but no_new_privs is no boundary for
 * a process holding the capability, so the "fix" would only hide the finding.
 */

import type { ContainerRef, PodView } from '../model/views.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation, fixOf, setField } from '../rulekit/patch.js';
import { exemptWindowsPods, isWindowsPod } from '../rulekit/podRelaxations.js';
import { describeContainers } from '../rulekit/wording.js';

const FIELD = ['securityContext', 'allowPrivilegeEscalation'];

/** Whether `allowPrivilegeEscalation: false` is accepted by the API server and means something. */
function canDisallowEscalation(ref: ContainerRef): boolean {
  const context = ref.container.securityContext;
  if (context?.privileged === true) return false;
  const added = context?.capabilities?.add ?? [];
  return !added.some((capability) => capability === 'CAP_SYS_ADMIN' || capability === 'SYS_ADMIN');
}

const mayEscalate = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.allowPrivilegeEscalation !== false;

function allowPrivilegeEscalation_1_8(pod: PodView): CheckResult {
  const bad = containersWhere(pod, mayEscalate);
  if (bad.length === 0) return ALLOWED;
  const fixable = !isWindowsPod(pod) && bad.every(canDisallowEscalation);
  const fix = fixable
    ? fixOf(
        'Set securityContext.allowPrivilegeEscalation=false on each container.',
        bad.map((ref) => setField(ref.container, ref.path, FIELD, false)),
      )
    : undefined;
  return {
    allowed: false,
    reason: 'allowPrivilegeEscalation != false',
    detail: `${describeContainers(bad.map((ref) => ref.name))} must set securityContext.allowPrivilegeEscalation=false`,
    locations: bad.map((ref) => containerLocation(ref, FIELD)),
    ...(fix ? { fix } : {}),
  };
}

export const allowPrivilegeEscalation = definePodRule({
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.allowPrivilegeEscalation', 'os.name'],
  messages: { allowPrivilegeEscalation: 'allowPrivilegeEscalation != false ({detail})' },
  description: 'Containers must set securityContext.allowPrivilegeEscalation=false.',
  controls: ['PSS restricted: Privilege Escalation', 'CIS 5.2.6', 'NSA/CISA: Kubernetes Pod security'],
  versions: [
    { since: 'v1.8', check: allowPrivilegeEscalation_1_8 },
    { since: 'v1.25', check: exemptWindowsPods(allowPrivilegeEscalation_1_8) },
  ],
});
