/**
 * Applies the core's harden() to Pulumi resource inputs, which may hold Outputs and Promises.
 *
 * harden() works on plain JSON. Inputs are JSON with opaque values in places (an image built in
 * the same program, a namespace name from another resource). When the opaque values cannot change
 * a verdict (images, names, env...: the pack's classification of unknowns), harden runs on a
 * skeleton of the inputs without them and its patches are applied to the inputs themselves, so
 * Outputs keep their dependencies and secretness. When an Output hides what harden must see (a
 * container list, a security context), `metadata` and `spec` are hardened inside
 * `pulumi.output(...).apply` instead: correct once the values are known, unknown during preview.
 */
import {
  applyJsonPatch,
  type Finding,
  type HardenChange,
  type HardenOptions,
  harden,
  JsonPatchError,
  parsePointer,
  pointer,
} from '@podguard/policy-core';
import * as pulumi from '@pulumi/pulumi';
import { classifyUnknowns } from '../pack/unknowns.js';

/** How to treat values the user wrote. */
export type HardenMode =
  /** Fill in what is missing; a user value that fails is an error (secure components). */
  | 'fill'
  /** Fix what fails, as harden() does (stack-wide hardening of resources you do not own). */
  | 'fix';

/** A user-written value that breaks the profile, in `fill` mode. */
export interface HardenConflict {
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

export interface HardenedInputs {
  readonly props: Record<string, unknown>;
  /**
   * True when Outputs hide what harden needs to see (a container list, a security context): then
   * `metadata` and `spec` are hardened inside `pulumi.output(...).apply`, once their values are
   * known, and `changes`, `remaining` and `conflicts` are empty because they cannot be known yet.
   */
  readonly deferred: boolean;
  /** JSON pointers of the Outputs (and Promises) in the props. */
  readonly opaque: readonly string[];
  readonly changes: readonly HardenChange[];
  /** Failing findings harden has no fix for (hostPath volumes, host namespaces...), on the skeleton. */
  readonly remaining: readonly Finding[];
  readonly conflicts: readonly HardenConflict[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isOpaque(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isPlainObject(value);
}

/** A copy of the inputs without opaque values; records where they were (as token paths). */
function skeletonOf(value: unknown, tokens: string[], opaque: string[][]): unknown {
  if (Array.isArray(value)) {
    // An opaque element would shift indices if left out, so the whole array is opaque.
    if (value.some(isOpaque)) {
      opaque.push([...tokens]);
      return undefined;
    }
    return value.map((item, index) => skeletonOf(item, [...tokens, String(index)], opaque));
  }
  if (isOpaque(value)) {
    opaque.push([...tokens]);
    return undefined;
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const skeleton = skeletonOf(item, [...tokens, key], opaque);
    if (skeleton !== undefined) copy[key] = skeleton;
  }
  return copy;
}

function isPrefix(prefix: readonly string[], tokens: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((token, i) => token === tokens[i]);
}

function exists(root: unknown, tokens: readonly string[]): boolean {
  let node = root;
  for (const token of tokens) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) return false;
    node = (node as Record<string, unknown>)[token];
  }
  return true;
}

/**
 * Hardens resource inputs with the core's harden(). In `fix` mode, the fixes `options` allow (safe
 * ones; unsafe ones too with `unsafe: true`). In `fill` mode, patches that would change a value
 * the user wrote (the unsafe fixes) are not applied and are returned as conflicts.
 */
export function hardenInputs(
  props: Record<string, unknown>,
  options: HardenOptions | undefined,
  mode: HardenMode,
): HardenedInputs {
  const opaque: string[][] = [];
  const skeleton = skeletonOf(props, [], opaque) as Record<string, unknown>;
  const opaquePointers = opaque.map((tokens) => pointer('', ...tokens));
  const hidden = classifyUnknowns(
    skeleton,
    opaque.map((tokens) => ({ tokens, sentinel: '', type: 'Object' })),
  ).some(({ relevance }) => relevance === 'all');
  if (hidden) {
    const hardened = pulumi
      .output(props)
      .apply((resolved) => harden(resolved, options).object as Record<string, unknown>);
    return {
      props: {
        ...props,
        metadata: hardened.apply((object) => object.metadata),
        spec: hardened.apply((object) => object.spec),
      },
      deferred: true,
      opaque: opaquePointers,
      changes: [],
      remaining: [],
      conflicts: [],
    };
  }
  // Fill mode computes unsafe fixes too, only to report them as conflicts: it applies none.
  const result = harden(skeleton, mode === 'fill' ? { ...options, unsafe: true } : options);
  const remaining = result.remaining.filter(
    (finding) => finding.status === 'error' || (finding.status === 'fail' && finding.severity === 'error'),
  );
  const conflicts: HardenConflict[] = [];
  const applied: HardenChange[] = [];
  let current: unknown = skeleton;
  let throughOpaque = false;
  const touched = new Set<string>();
  for (const change of result.changes) {
    const conflict = change.patch.find((op) => {
      const tokens = parsePointer(op.path);
      if (op.op === 'test') return false;
      // Writing where an opaque value sits would overwrite the user's Output.
      if (opaque.some((path) => isPrefix(path, tokens) && path.length === tokens.length)) return true;
      if (mode === 'fix') return false;
      // A parent created only when missing (ifMissing) never overwrites what the user wrote.
      return (
        op.op !== 'add' ||
        (op.ifMissing !== true && tokens[tokens.length - 1] !== '-' && exists(current, tokens))
      );
    });
    if (conflict) {
      conflicts.push({ rule: change.rule, path: conflict.path, description: change.description });
      continue;
    }
    try {
      current = applyJsonPatch(current, change.patch);
    } catch (error) {
      // Computed against an object with a skipped change applied: report it rather than guess.
      if (!(error instanceof JsonPatchError)) throw error;
      conflicts.push({ rule: change.rule, path: change.path, description: change.description });
      continue;
    }
    applied.push(change);
    for (const op of change.patch) {
      const tokens = parsePointer(op.path);
      if (opaque.some((path) => isPrefix(path, tokens))) throughOpaque = true;
      if (tokens[0] !== undefined) touched.add(tokens[0]);
    }
  }
  const base = { deferred: false, opaque: opaquePointers, remaining, conflicts };
  if (applied.length === 0) return { ...base, props, changes: applied };
  if (throughOpaque) {
    const hardened = pulumi
      .output(props)
      .apply((resolved) => harden(resolved, options).object as Record<string, unknown>);
    const next: Record<string, unknown> = { ...props };
    for (const key of touched) next[key] = hardened.apply((object) => object[key]);
    return { ...base, props: next, changes: applied };
  }
  let next: unknown = props;
  for (const change of applied) next = applyJsonPatch(next, change.patch);
  return { ...base, props: next as Record<string, unknown>, changes: applied };
}
