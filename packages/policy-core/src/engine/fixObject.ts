/**
 * Fix rounds on one object, the loop under harden(): evaluate it, apply every fix of the round
 * together (the patches of different findings compose, see `JsonPatchOperation.ifMissing`), and
 * evaluate again until no failing finding carries a fix not tried yet. The bound is per object, so
 * hardening a List of 10,000 workloads costs 10,000 times hardening one.
 */

import type { Finding, Fix, FixKind, JsonPatchOperation, JsonPointer } from '../model/types.js';
import { escapePointerToken, parsePointer, pointer } from '../podspec/pointer.js';
import { ruleRegistry } from '../rules/index.js';
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

/** A finding whose fix a harden run may apply. */
type FixableFinding = Finding & { fix: Fix };

function fixKey(finding: FixableFinding): string {
  return JSON.stringify([finding.rule, finding.path, finding.fix.patch]);
}

/** Whether a harden run applies `finding`'s fix: failing, with a fix of an allowed kind. */
export function takesFix(finding: Finding, unsafe: boolean): finding is FixableFinding {
  return finding.status === 'fail' && finding.fix !== undefined && (unsafe || finding.fix.kind === 'safe');
}

const CONTAINER_GROUPS = new Set(['initContainers', 'containers', 'ephemeralContainers']);

/** A field a rule reads (`securityContext.runAsUser`, `containers[].image`) as pointer tokens; `*` any. */
function fieldPattern(field: string): string[] {
  return field.split('.').flatMap((part) => (part.endsWith('[]') ? [part.slice(0, -2), '*'] : [part]));
}

/** The fields a rule reads, as patterns, from its `reads` (asked only of suppressed findings' rules). */
function patternsOf(ruleId: string): string[][] {
  return (ruleRegistry.get(ruleId)?.reads ?? []).map(fieldPattern);
}

/**
 * Whether `tokens` ends with `pattern`: `*` stands for any token, `containers` for every
 * container group, as the container visitor reads them.
 */
function endsWith(tokens: readonly string[], pattern: readonly string[]): boolean {
  const start = tokens.length - pattern.length;
  if (start < 0) return false;
  return pattern.every((want, i) => {
    const have = tokens[start + i] as string;
    return want === '*' || want === have || (want === 'containers' && CONTAINER_GROUPS.has(have));
  });
}

/** Whether `tokens` (a pointer into the object) is the field `pattern` of a pod spec or template. */
function isField(tokens: readonly string[], pattern: readonly string[]): boolean {
  if (!endsWith(tokens, pattern)) return false;
  // A pod-level field sits right under a pod spec (`…/spec/hostNetwork`); metadata anywhere.
  const first = pattern[0];
  if (first === 'metadata' || first === 'containers') return true;
  const start = tokens.length - pattern.length;
  return start === 0 || tokens[start - 1] === 'spec';
}

/** The length of the longest prefix of `tokens` that `test` accepts, or 0. */
function longestPrefix(tokens: readonly string[], test: (prefix: readonly string[]) => boolean): number {
  return tokens.findLastIndex((_, last) => test(tokens.slice(0, last + 1))) + 1;
}

/** Every pointer a patch writes: each operation's path and, for an object or array value, its leaves. */
function writtenPointers(patch: readonly JsonPatchOperation[]): string[] {
  const out: string[] = [];
  const walk = (pointer: string, value: unknown): void => {
    out.push(pointer);
    // An array's entries are its indexes.
    if (typeof value === 'object' && value !== null)
      for (const [key, item] of Object.entries(value)) walk(`${pointer}/${escapePointerToken(key)}`, item);
  };
  for (const op of patch) walk(op.path, 'value' in op ? op.value : undefined);
  return out;
}

/**
 * What suppressed findings protect, added to `rules` and `places`. A suppression says "leave this
 * alone" (runAsUserRange suppressed for a vendor image's pinned UID), so no other rule's fix may
 * write what the suppressed rule judges (issue 19): every field its rule reads (the patterns of
 * `rules`), and the values it judged where they are such fields (`places`), which hold wherever
 * the pod sits (an Argo template's `container`, a Tekton step), where the patterns cannot name
 * them all.
 */
function addProtected(findings: readonly Finding[], rules: Set<string>, places: string[]): void {
  for (const finding of findings) {
    if (finding.status !== 'suppressed') continue;
    rules.add(finding.rule);
    // A container field's place is its path below the container (the container may sit anywhere).
    const tails = patternsOf(finding.rule)
      .map((pattern) => (pattern[1] === '*' ? pattern.slice(2) : pattern))
      .filter((tail) => tail.length > 0);
    // The field a location is at or inside (`…/capabilities/add/0` is in `capabilities.add`).
    for (const location of finding.locations) {
      const tokens = parsePointer(location.path);
      const length = longestPrefix(tokens, (prefix) => tails.some((tail) => endsWith(prefix, tail)));
      if (length > 0) places.push(pointer('', ...tokens.slice(0, length)));
    }
  }
}

/**
 * Whether a fix writes a field a suppression protects: the field itself, a value inside it, or
 * (for `places`) a place that holds it.
 */
export function writesProtectedField(
  patch: readonly JsonPatchOperation[],
  fields: readonly string[][],
  places: readonly string[] = [],
): boolean {
  if (fields.length === 0 && places.length === 0) return false;
  return (
    // The field itself or a value inside it (`…/capabilities/add/0` is inside `capabilities.add`).
    writtenPointers(patch).some(
      (written) =>
        longestPrefix(parsePointer(written), (prefix) => fields.some((pattern) => isField(prefix, pattern))) >
        0,
    ) || patch.some((operation) => places.some((place) => touches(operation, place)))
  );
}

const isAtOrInside = (pointer: string, place: string) => pointer === place || pointer.startsWith(`${place}/`);

/**
 * Whether an operation changes the value at `place`: it writes there or inside, or replaces or
 * removes a value that holds it (an `ifMissing` add of a parent that is there changes nothing).
 */
function touches(operation: JsonPatchOperation, place: string): boolean {
  if (operation.op === 'test') return false;
  if (isAtOrInside(operation.path, place)) return true;
  return isAtOrInside(place, operation.path) && !(operation.op === 'add' && operation.ifMissing);
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
  /** The suppressed rules seen so far, the fields they read, and the places their findings judged. */
  const suppressed = new Set<string>();
  let guarded: string[][]; // set at the start of every round, before a fix is judged
  const places: string[] = [];
  /** Whether this run may apply a finding's fix: one it takes, writing nothing a suppression protects. */
  const mayApply = (finding: Finding): finding is FixableFinding =>
    takesFix(finding, unsafe) && !writesProtectedField(finding.fix.patch, guarded, places);
  let findings = evaluateOne(current);
  // The rules that fail on the object as given: a fix may leave them failing, never add one it
  // cannot fix (runAsNonRoot: true adds kubeletRunAsNonRoot's runAsUserName on Windows, which is fine).
  const failing = new Set(
    findings.filter((finding) => finding.status === 'fail').map((finding) => finding.rule),
  );
  // A rule that held and now fails, with no fix this run may apply: the fixes broke it.
  const breaksARule = (after: readonly Finding[]) =>
    after.some((finding) => finding.status === 'fail' && !failing.has(finding.rule) && !mayApply(finding));
  for (let round = 0; ; round++) {
    addProtected(findings, suppressed, places);
    guarded = [...suppressed].flatMap(patternsOf);
    // Suppressions bind fixes: a fix writing a field a suppressed finding's rule reads is not applied.
    const pending = findings.filter((finding): finding is FixableFinding => {
      if (!mayApply(finding)) return false;
      const key = fixKey(finding);
      if (tried.has(key)) return false;
      tried.add(key);
      return true;
    });
    if (pending.length === 0) return { object: current, applied };
    if (round === MAX_ROUNDS_PER_OBJECT)
      throw new Error(
        `harden did not settle ${describe()} within ${MAX_ROUNDS_PER_OBJECT} rounds of fixes; this is a podguard bug`,
      );
    const start = current;
    const mark = applied.length;
    current = applyFixes(current, pending, applied);
    findings = evaluateOne(current);
    if (breaksARule(findings)) {
      // A fix of this round breaks a rule that held: an unsafe runAsNonRoot: true beside the
      // runAsUser: 0 a suppression keeps, which the kubelet refuses. The round again, one fix at a
      // time, without the fixes that break one (rare, so the usual round costs one evaluation).
      current = start;
      applied.length = mark;
      for (const finding of pending) {
        // A fix that does not apply leaves `current`, which breaks no rule, as it is.
        const candidate = applyFixes(current, [finding], applied);
        const after = evaluateOne(candidate);
        if (breaksARule(after)) applied.pop();
        else current = candidate;
      }
      findings = evaluateOne(current);
    }
  }
}

/** Applies the findings' fixes to `object` (not modified), recording each one that applies in `applied`. */
function applyFixes(object: unknown, findings: readonly FixableFinding[], applied: AppliedFix[]): unknown {
  let current = object;
  for (const finding of findings) {
    const fix = finding.fix;
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
  return current;
}
