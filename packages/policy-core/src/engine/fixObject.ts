/**
 * Fix rounds on one object, the loop under harden(): evaluate it, apply every fix of the round
 * together (the patches of different findings compose, see `JsonPatchOperation.ifMissing`), and
 * evaluate again until no failing finding carries a fix not tried yet. The bound is per object, so
 * hardening a List of 10,000 workloads costs 10,000 times hardening one.
 */

import type { Finding, FixKind, JsonPatchOperation, JsonPointer } from '../model/types.js';
import { applyJsonPatch, cloneJson, JsonPatchError } from './jsonPatch.js';

/** One fix applied to an object. */
export interface AppliedFix {
  rule: string;
  kind: FixKind;
  /** Finding path, relative to the object the rounds ran on. */
  path: JsonPointer;
  description: string;
  patch: JsonPatchOperation[];
}

/**
 * Rounds per object. A round applies every pending fix; a fix can make another rule's fix
 * possible (removing SYS_ADMIN lets allowPrivilegeEscalation=false in), so a few rounds happen,
 * never more than a handful.
 */
export const MAX_ROUNDS_PER_OBJECT = 16;

function fixKey(finding: Finding): string {
  return JSON.stringify([finding.rule, finding.path, finding.fix?.patch]);
}

/** Whether a harden run applies `finding`'s fix: failing, with a fix of an allowed kind. */
export function takesFix(finding: Finding, unsafe: boolean): boolean {
  return finding.status === 'fail' && finding.fix !== undefined && (unsafe || finding.fix.kind === 'safe');
}

/**
 * Applies fix rounds to `object` (not modified) and returns the fixed copy and the fixes applied.
 * `evaluateOne` evaluates one object and returns its findings, paths relative to it.
 * @throws Error when the object does not settle within {@link MAX_ROUNDS_PER_OBJECT} rounds (a podguard bug).
 */
export function fixObject(
  object: unknown,
  evaluateOne: (object: unknown) => readonly Finding[],
  unsafe: boolean,
  describe: () => string,
): { object: unknown; applied: AppliedFix[] } {
  let current = object;
  const applied: AppliedFix[] = [];
  const tried = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS_PER_OBJECT; round++) {
    const pending = evaluateOne(current).filter((finding) => {
      if (!takesFix(finding, unsafe)) return false;
      const key = fixKey(finding);
      if (tried.has(key)) return false;
      tried.add(key);
      return true;
    });
    if (pending.length === 0) return { object: current, applied };
    for (const finding of pending) {
      const fix = finding.fix;
      if (fix === undefined) continue;
      // Own copies of the values, so later edits of the result never reach the reported patches.
      const patch = cloneJson(fix.patch);
      try {
        current = applyJsonPatch(current, cloneJson(patch));
      } catch (error) {
        // A patch that no longer applies leaves its finding for the next evaluation to report.
        if (error instanceof JsonPatchError) continue;
        throw error;
      }
      applied.push({
        rule: finding.rule,
        kind: fix.kind,
        path: finding.path,
        description: fix.description,
        patch,
      });
    }
  }
  throw new Error(
    `harden did not settle ${describe()} within ${MAX_ROUNDS_PER_OBJECT} rounds of fixes; this is a podguard bug`,
  );
}
