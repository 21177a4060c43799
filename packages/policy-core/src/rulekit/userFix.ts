/**
 * The fix shared by the rules that want a non-root numeric user: write the profile's
 * `defaultUser` where the effective `runAsUser` is set, or at pod level when nothing sets it.
 */

import type { Fix } from '../model/types.js';
import type { PodView, RuleContext } from '../model/views.js';
import type { EffectiveValue } from './effectiveSecurityContext.js';
import { identityFixRisk, podIdentityFix } from './identityFixes.js';
import { missingIds } from './idPolicy.js';
import { setField } from './patch.js';

/** A user fix, and why it is not safe when a safe one could be expected: fields of a failed result. */
export interface UserFix {
  readonly fix?: Fix;
  readonly unfixable?: string;
}

const NO_USER_FIX: UserFix = Object.freeze({});

/**
 * Unsafe: `replace` the offending `runAsUser` (container or pod level) with `defaultUser`. Safe:
 * `add` it to the pod's securityContext when no level sets one, unless a container it reaches
 * runs as root on purpose (privileged, adding capabilities or writing to a host path, see {@link identityFixRisk}): then the same addition is
 * unsafe, and `unfixable` says why. No fix when the profile has no default user (OpenShift assigns
 * one at admission).
 */
export function defaultUserFix(
  pod: PodView,
  context: RuleContext,
  effective: EffectiveValue<number> | undefined,
): UserFix {
  const uid = context.options.defaultUser;
  if (uid === undefined) return NO_USER_FIX;
  if (effective !== undefined) {
    // The author wrote this value: replacing it is unsafe.
    return {
      fix: {
        kind: 'unsafe',
        description: `Set securityContext.runAsUser to ${uid} instead of ${effective.value}.`,
        patch: [{ op: 'replace', path: effective.path, value: uid }],
      },
    };
  }
  const action = `Set securityContext.runAsUser=${uid} on the pod`;
  return podIdentityFix(
    setField(pod.spec, pod.specPath, ['securityContext', 'runAsUser'], uid),
    action,
    `${action} so no container depends on the image's USER.`,
    identityFixRisk(pod, missingIds(pod, 'runAsUser')),
  );
}
