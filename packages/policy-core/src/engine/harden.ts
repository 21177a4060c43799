/**
 * harden(): applies every mechanical fix the profile's failing findings carry and reports what
 * it changed and what it could not fix.
 *
 * Fixes are patches against the object they were computed on. Two rules may patch the same
 * parent (both adding `securityContext`), so harden applies one finding's fix at a time and
 * evaluates again: each fix is computed against the object as it is at that moment, and the
 * fixes compose. It stops when no failing finding carries a fix; a fix that does not clear its
 * finding (or that cannot be applied) is applied at most once and its finding stays in
 * `remaining`, so harden always terminates.
 */

import type { EvaluateOptions } from '../model/options.js';
import type { Finding, JsonPatchOperation, JsonPointer } from '../model/types.js';
import { evaluate } from './evaluate.js';
import { applyJsonPatch, cloneJson, JsonPatchError } from './jsonPatch.js';
import { resolveEvaluation } from './resolveOptions.js';

/** One fix harden applied. */
export interface HardenChange {
  /** The rule whose finding the fix resolved. */
  rule: string;
  /** Index of the object in the input array (0 for a single object), as on findings. */
  objectIndex: number;
  /** JSON pointer of the finding (the first offending field, or where it belongs). */
  path: JsonPointer;
  description: string;
  /** The RFC 6902 operations applied to that object, as it was at that step. */
  patch: JsonPatchOperation[];
}

/** The result of {@link harden}. */
export interface HardenResult<T = unknown> {
  /** A new object with the fixes applied; the input is not modified. */
  object: T;
  /** Fixes applied, in order. Empty when nothing needed fixing. */
  changes: HardenChange[];
  /**
   * Findings still failing (or errors) after hardening: those without a mechanical fix
   * (hostPath volumes, host namespaces, privileged containers, named image users...) and any whose fix
   * did not apply. Suppressed findings are not listed: a suppression says leave it alone.
   */
  remaining: Finding[];
}

/** Upper bound on fix rounds; each round applies one fix, and a pod has at most a few dozen. */
const MAX_ROUNDS = 500;

function fixKey(finding: Finding): string {
  return JSON.stringify([finding.rule, finding.objectIndex, finding.path, finding.fix?.patch]);
}

/**
 * Returns a hardened copy of a Kubernetes object (a Pod, any workload kind, a Namespace, a
 * `List` of them, or an array of objects as evaluate() takes) with every mechanical fix of the
 * profile's failing findings applied.
 *
 * With the default `hardened` profile that means, where missing or wrong: `runAsNonRoot: true`,
 * `runAsUser: 1000` and `runAsGroup: 1000` at pod level (`defaultUser`/`defaultGroup`; the
 * `openshift` profile leaves runAsUser to the platform), `allowPrivilegeEscalation: false`,
 * `capabilities.drop: [ALL]` (keeping `NET_BIND_SERVICE` in `add`),
 * `seccompProfile: RuntimeDefault`, `readOnlyRootFilesystem: true`,
 * `automountServiceAccountToken: false`, and the namespace's enforce label. Windows pods
 * (`spec.os.name: windows`) never get a Linux-only field; with `runAsNonRoot` they get
 * `windowsOptions.runAsUserName: ContainerUser` where no name is set and the image's user is
 * not known to be another non-administrator. Idempotent:
 * `harden(harden(x).object).object` equals `harden(x).object`.
 *
 * @param object The object to harden; not modified.
 * @param options The same options as {@link evaluate}; invalid options throw `PodguardInputError`.
 */
export function harden<T>(object: T, options?: EvaluateOptions): HardenResult<T> {
  resolveEvaluation(options);
  let current: unknown = cloneJson(object);
  const changes: HardenChange[] = [];
  const tried = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const result = evaluate(current, options);
    const next = result.findings.find(
      (finding) => finding.status === 'fail' && finding.fix !== undefined && !tried.has(fixKey(finding)),
    );
    if (next?.fix === undefined) {
      return {
        object: current as T,
        changes,
        remaining: result.findings.filter((finding) => finding.status !== 'suppressed'),
      };
    }
    tried.add(fixKey(next));
    // Own copies of the values, so later edits of the result never reach the reported patches.
    const patch = cloneJson(next.fix.patch);
    try {
      // Finding paths are relative to their object; an array input holds several.
      if (Array.isArray(current)) {
        const items = [...current];
        items[next.objectIndex] = applyJsonPatch(items[next.objectIndex], cloneJson(patch));
        current = items;
      } else current = applyJsonPatch(current, cloneJson(patch));
    } catch (error) {
      if (error instanceof JsonPatchError) continue;
      throw error;
    }
    changes.push({
      rule: next.rule,
      objectIndex: next.objectIndex,
      path: next.path,
      description: next.fix.description,
      patch,
    });
  }
  throw new Error(`harden did not converge after ${MAX_ROUNDS} fixes; this is a podguard bug`);
}
