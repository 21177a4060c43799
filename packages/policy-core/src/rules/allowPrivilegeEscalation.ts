/**
 * Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed.
 *
 * Restricted field: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation`.
 * Allowed value: false. Unset allows escalation: the runtime then does not set no_new_privs.
 * From v1.25 Windows pods (`spec.os.name: windows`) are exempt.
 *
 * Fix, per container: safe `allowPrivilegeEscalation: false` on each container that leaves it
 * unset (creating `securityContext` when missing); unsafe, replacing an explicit `true`. None
 * for a container where the API server would reject it (privileged, or adding CAP_SYS_ADMIN:
 * validation forbids false with either; and SYS_ADMIN: validation accepts that spelling, but
 * no_new_privs is no boundary for a process holding the capability), nor for pods that run on
 * Windows; the finding says why in `unfixable`. The other containers still get theirs.
 */

import type { JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation, lazyFixOf, setField } from '../rulekit/patch.js';
import { exemptWindowsPods, runsOnWindows } from '../rulekit/podRelaxations.js';
import { describeContainers } from '../rulekit/wording.js';

const FIELD = ['securityContext', 'allowPrivilegeEscalation'];

/**
 * Why `allowPrivilegeEscalation: false` cannot go on this container (the API server rejects it,
 * or it would mean nothing), or undefined when it can.
 */
function cannotDisallowEscalation(ref: ContainerRef): string | undefined {
  const context = ref.container.securityContext;
  if (context?.privileged === true) {
    return 'privileged containers cannot set allowPrivilegeEscalation=false; drop privileged first (unsafe)';
  }
  // Read for the fix only, not declared in `reads` (the verdict does not depend on it): it may be
  // of any type here, validation reports that.
  const added: unknown = context?.capabilities?.add;
  if (
    Array.isArray(added) &&
    added.some((capability) => capability === 'CAP_SYS_ADMIN' || capability === 'SYS_ADMIN')
  ) {
    return 'containers that add SYS_ADMIN cannot set allowPrivilegeEscalation=false; remove SYS_ADMIN from capabilities.add first (unsafe)';
  }
  return undefined;
}

const mayEscalate = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.allowPrivilegeEscalation !== false;

/**
 * The operations that set `allowPrivilegeEscalation: false` on each container that may escalate
 * and can take it: those that leave it unset (`unset`, the safe fix) or those that set `true`.
 */
function disallowEscalation(pod: PodView, unset: boolean): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  for (const ref of pod.containers) {
    if (!mayEscalate(ref) || cannotDisallowEscalation(ref) !== undefined) continue;
    if ((ref.container.securityContext?.allowPrivilegeEscalation == null) === unset)
      ops.push(...setField(ref.container, ref.path, FIELD, false));
  }
  return ops;
}
const disallowUnsetEscalation = (pod: PodView) => disallowEscalation(pod, true);
const disallowExplicitEscalation = (pod: PodView) => disallowEscalation(pod, false);

function allowPrivilegeEscalation_1_8(pod: PodView): CheckResult {
  const bad = containersWhere(pod, mayEscalate);
  if (bad.length === 0) return ALLOWED;
  // Per container: each one that can take the fix gets it; the others keep the finding, with why.
  // How many containers each fix sets the field on; the patches are built from the pod when read.
  let safe = 0;
  let unsafe = 0;
  const reasons: string[] = [];
  const blocked: string[] = [];
  if (runsOnWindows(pod)) {
    reasons.push('Windows pods cannot set allowPrivilegeEscalation (a Linux-only field)');
  } else {
    for (const ref of bad) {
      const why = cannotDisallowEscalation(ref);
      if (why !== undefined) {
        blocked.push(ref.name);
        if (!reasons.includes(why)) reasons.push(why);
      } else if (ref.container.securityContext?.allowPrivilegeEscalation == null) safe++;
      else unsafe++;
    }
  }
  const fix =
    safe > 0
      ? lazyFixOf(
          'safe',
          'Set securityContext.allowPrivilegeEscalation=false on each container that leaves it unset.',
          disallowUnsetEscalation,
          pod,
        )
      : unsafe > 0
        ? lazyFixOf(
            'unsafe',
            'Replace securityContext.allowPrivilegeEscalation=true with false.',
            disallowExplicitEscalation,
            pod,
          )
        : undefined;
  if (safe > 0 && unsafe > 0) {
    reasons.push('containers that set allowPrivilegeEscalation=true get false only from an unsafe fix');
  }
  const unfixable =
    reasons.length === 0
      ? undefined
      : blocked.length > 0
        ? `${describeContainers(blocked)}: ${reasons.join('; ')}`
        : reasons.join('; ');
  return {
    allowed: false,
    reason: 'allowPrivilegeEscalation != false',
    detail: `${describeContainers(bad.map((ref) => ref.name))} must set securityContext.allowPrivilegeEscalation=false`,
    locations: bad.map((ref) => containerLocation(ref, FIELD)),
    ...(fix ? { fix } : {}),
    ...(unfixable ? { unfixable } : {}),
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
  fix: 'mixed',
  admission: {
    check: () => ({
      variables: {
        bad: `variables.containers.filter(c, !(${cel.present('c', 'securityContext.allowPrivilegeEscalation')} && c.securityContext.allowPrivilegeEscalation == false)).map(c, c.name)`,
      },
      expression: 'variables.windowsPod || size($bad) == 0',
      messageExpression: `'allowPrivilegeEscalation != false (' + ${cel.describeContainers('$bad')} + ' must set securityContext.allowPrivilegeEscalation=false)'`,
    }),
  },
  versions: [
    { since: 'v1.8', check: allowPrivilegeEscalation_1_8 },
    { since: 'v1.25', check: exemptWindowsPods(allowPrivilegeEscalation_1_8) },
  ],
});
