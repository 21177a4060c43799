/**
 * The fix shared by the rules that want a non-root numeric user: write the profile's
 * `defaultUser` where the effective `runAsUser` is set, or at pod level when nothing sets it.
 */

import type { Fix } from '../model/types.js';
import type { PodView, RuleContext } from '../model/views.js';
import type { EffectiveValue } from './effectiveSecurityContext.js';
import { setField } from './patch.js';

/**
 * Unsafe: `replace` the offending `runAsUser` (container or pod level) with `defaultUser`, or `add` it
 * to the pod's securityContext when no level sets one (safe). Undefined when the profile has no
 * default user (OpenShift assigns one at admission).
 */
export function defaultUserFix(
  pod: PodView,
  context: RuleContext,
  effective: EffectiveValue<number> | undefined,
): Fix | undefined {
  const uid = context.options.defaultUser;
  if (uid === undefined) return undefined;
  if (effective !== undefined) {
    // The author wrote this value: replacing it is unsafe.
    return {
      kind: 'unsafe',
      description: `Set securityContext.runAsUser to ${uid} instead of ${effective.value}.`,
      patch: [{ op: 'replace', path: effective.path, value: uid }],
    };
  }
  return {
    kind: 'safe',
    description: `Set securityContext.runAsUser=${uid} on the pod so no container depends on the image's USER.`,
    patch: setField(pod.spec, pod.specPath, ['securityContext', 'runAsUser'], uid),
  };
}
