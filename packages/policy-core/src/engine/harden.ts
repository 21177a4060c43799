/**
 * harden(): applies the mechanical fixes the profile's failing findings carry, safe ones by
 * default, and reports what it changed and what it left.
 *
 * It hardens object by object (each item of a List or array on its own), in rounds: evaluate the
 * object, apply every fix of the round together (the patches of different findings compose), and
 * evaluate again until no failing finding carries a fix it may apply; the bound is per object, so
 * the cost is linear in the number of objects. Cross-object facts (ServiceAccounts, the pods of a
 * namespace) come from the whole input, collected first.
 */

import { PodguardInputError } from '../model/errors.js';
import { checkJsonData, describeArgument } from '../model/inputGuard.js';
import type { EvaluateOptions } from '../model/options.js';
import type { Finding, FixKind, JsonPatchOperation, JsonPointer } from '../model/types.js';
import { flattenLists, isList } from '../podspec/extract.js';
import { parsePointer } from '../podspec/pointer.js';
import { evaluate, sessionOf } from './evaluate.js';
import { fixObject } from './fixObject.js';
import { cloneJson } from './jsonPatch.js';
import { type ResolvedEvaluation, resolveEvaluation } from './resolveOptions.js';

/** Options of {@link harden}: those of `evaluate()`, plus which kinds of fix to apply. */
export interface HardenOptions extends EvaluateOptions {
  /**
   * Also apply unsafe fixes: those that change or remove a value the author wrote (an explicit
   * `runAsUser: 999`, `readOnlyRootFilesystem: false`, an added capability, an existing namespace
   * label...). Default false: only safe fixes, which add what is missing.
   */
  unsafe?: boolean;
}

/** One fix harden applied. */
export interface HardenChange {
  /** The rule whose finding the fix resolved. */
  rule: string;
  /** `safe` (added what was missing) or `unsafe` (changed or removed what the author wrote). */
  kind: FixKind;
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
   * (hostPath volumes, host namespaces, privileged containers, named image users...), those whose
   * fix is unsafe when `unsafe` is not set (each shows its unsafe fix), and any whose fix did not
   * apply. Suppressed findings are not listed: a suppression says leave it alone.
   */
  remaining: Finding[];
}

/**
 * Returns a hardened copy of a Kubernetes object (a Pod, any workload kind, a Namespace, a
 * `List` of them, or an array of objects as evaluate() takes) with the mechanical fixes of the
 * profile's failing findings applied: safe fixes by default, unsafe ones too with
 * `{ unsafe: true }` (see docs/fixes.md for every rule's).
 *
 * With the default `hardened` profile the safe fixes add, where missing: `runAsNonRoot: true`,
 * `runAsUser`/`runAsGroup` at pod level (`defaultUser`/`defaultGroup` when inside the ranges,
 * else the ranges' lower bounds), `allowPrivilegeEscalation: false` on each container that can
 * take it, `capabilities.drop: [ALL]`, a seccomp profile (`RuntimeDefault`, or the `Localhost`
 * profile a deprecated annotation names), `readOnlyRootFilesystem: true` with an `emptyDir` at
 * `/tmp`, `automountServiceAccountToken: false` for pods of the default ServiceAccount, and a
 * missing namespace enforce label at a level every pod of the namespace in the input passes.
 * Pods that run on Windows (`spec.os.name`, or a `kubernetes.io/os: windows` node selector)
 * never get a Linux-only field. Idempotent: `harden(harden(x).object).object` equals
 * `harden(x).object`.
 *
 * @param object The object to harden; not modified.
 * @param options The same options as {@link evaluate}, plus `unsafe`; invalid options throw
 *   `PodguardInputError`.
 */
export function harden<T>(object: T, options?: HardenOptions): HardenResult<T> {
  const { unsafe, evaluateOptions, resolved } = resolveHardening(options);
  checkJsonData(object, 'input');
  const session = hardeningOf(resolved, unsafe);
  session.learn(object);
  const { object: hardened, changes } = session.harden(object);
  const remaining = evaluate(hardened, evaluateOptions).findings.filter(
    (finding) => finding.status !== 'suppressed',
  );
  return { object: hardened as T, changes, remaining };
}

/** One piece hardened by a {@link HardeningSession}. */
export interface HardenedPiece<T = unknown> {
  /** A new object with the fixes applied; the piece is not modified. */
  object: T;
  /** Fixes applied, in order; `objectIndex` counts from the piece's `firstIndex`. */
  changes: HardenChange[];
}

/** Options of one piece of a {@link HardeningSession}. */
export interface HardenPieceOptions {
  /** The piece's objects are partial (patches): fixes never add a field to them. */
  partial?: boolean;
  /** Index of the piece's first object, for the changes' `objectIndex` (default 0). */
  firstIndex?: number;
}

/**
 * Hardening over input that arrives in pieces (files, documents, the items of a List): what
 * {@link harden} does for one input, for a stream of them, in memory bounded by the largest piece
 * (the CLI's `--fix` hardens a cluster dump item by item). Cross-object facts (ServiceAccounts,
 * the pods of a namespace) are those of the pieces learned or met so far.
 */
export interface HardeningSession {
  /**
   * Records the cross-object facts of one piece without hardening it. Call it for every piece
   * before hardening any, so that a ServiceAccount that comes after its pods still counts.
   */
  learn(input: unknown): void;
  /**
   * Records the facts of a piece met in a stream that is not hardened (nothing in it to fix), as
   * {@link EvaluationSession.evaluate} does: pods are kept only for namespaces known to need them.
   */
  observe(input: unknown): void;
  /**
   * Hardens one piece (an object, a `List`, or an array of them) with the facts known so far; the
   * piece's own facts are observed first. The piece is not modified.
   */
  harden<T>(input: T, piece?: HardenPieceOptions): HardenedPiece<T>;
}

/**
 * Starts a hardening whose input arrives in pieces (see {@link HardeningSession}).
 * @throws PodguardInputError for invalid options.
 */
export function createHardening(options?: HardenOptions): HardeningSession {
  const { unsafe, resolved } = resolveHardening(options);
  return hardeningOf(resolved, unsafe);
}

function resolveHardening(options: HardenOptions | undefined) {
  const { unsafe = false, ...evaluateOptions } = options ?? {};
  if (typeof unsafe !== 'boolean') {
    throw new PodguardInputError(
      `invalid option unsafe: expected true or false, got ${describeArgument(unsafe)}`,
      'unsafe',
    );
  }
  return { unsafe, evaluateOptions, resolved: resolveEvaluation(evaluateOptions) };
}

function hardeningOf(resolved: ResolvedEvaluation, unsafe: boolean): HardeningSession {
  // Facts come from the input as written; evaluating a fixed copy must not add to them.
  const session = sessionOf(resolved, false);
  return {
    learn: (input) => session.learn(input),
    observe: (input) => session.observe(input),
    harden<T>(piece: T, options: HardenPieceOptions = {}): HardenedPiece<T> {
      checkJsonData(piece, 'input');
      // The facts of the piece as written (learned already, it is not counted twice).
      session.observe(piece);
      const input: unknown = cloneJson(piece);
      const changes: HardenChange[] = [];
      const partial = options.partial === true ? { partial: true } : undefined;
      const firstIndex = options.firstIndex ?? 0;
      const hardenOne = (item: unknown, base: JsonPointer, objectIndex: number): unknown => {
        const { object: fixed, applied } = fixObject(
          item,
          (candidate) => session.evaluate(candidate, objectIndex, partial).findings,
          unsafe,
          () => `object ${objectIndex}${base === '' ? '' : ` at ${base}`}`,
        );
        for (const fix of applied) {
          changes.push({
            rule: fix.rule,
            kind: fix.kind,
            objectIndex,
            path: base + fix.path,
            description: fix.description,
            patch: fix.patch.map((op) => ({ ...op, path: base + op.path })),
          });
        }
        return fixed;
      };
      const hardenElement = (element: unknown, objectIndex: number): unknown => {
        if (!isList(element)) return hardenOne(element, '', objectIndex);
        for (const item of flattenLists(element)) {
          setAt(element, item.base, hardenOne(item.object, item.base, objectIndex));
        }
        return element;
      };
      const object = Array.isArray(input)
        ? input.map((element, index) => hardenElement(element, firstIndex + index))
        : hardenElement(input, firstIndex);
      return { object: object as T, changes };
    },
  };
}

/**
 * Replaces the value at `path` inside `root`, our own copy: a List item's pointer from
 * flattenLists (`/items/2`, `/items/0/items/1`), which always leads through `items` arrays.
 */
function setAt(root: unknown, path: JsonPointer, value: unknown): void {
  const tokens = parsePointer(path);
  let parent = root as Record<string, unknown>;
  for (const token of tokens.slice(0, -1)) parent = parent[token] as Record<string, unknown>;
  parent[tokens[tokens.length - 1] as string] = value;
}
