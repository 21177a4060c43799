/**
 * Where the values of an Argo workflow's effective pod are written (argoWorkflows.ts builds the
 * pod, merging `templateDefaults` and `podSpecPatch`): a tree over the view's virtual pointers,
 * and the mapping of a finding's locations and fix back to the manifest.
 *
 * A location maps to the field that sets the value (the template, `templateDefaults`, the
 * workflow spec, or the podSpecPatch string). A fix maps to where it takes effect without
 * changing what the author wrote: a missing field is added to the template's own object (which
 * wins over `templateDefaults`) or to the pod-level carrier; a changed value is changed where it
 * is written; a value set by a podSpecPatch cannot be fixed (podguard does not rewrite the string).
 */

import type { JsonPatchOperation, JsonPointer } from '../model/types.js';
import type { AssembledPod, PodView } from '../model/views.js';
import { parsePointer, pointer } from './pointer.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a value of the effective pod is written. */
export type ArgoSource =
  /** In the manifest, at `path`. */
  | { readonly kind: 'authored'; readonly path: JsonPointer }
  /**
   * In the podSpecPatch string at `field`. `set`: the patch sets this value (a scalar, a list it
   * replaces, an item it adds, a field it deletes); false for an object it creates and fills.
   */
  | { readonly kind: 'patch'; readonly field: JsonPointer; readonly set: boolean };

/**
 * One node of the effective pod. `source` undefined: written at the parent's source plus this
 * node's token. `target`: where fields added under it are written (undefined: the parent's
 * target plus the token; null: nowhere, the node exists only through a patch or a list union).
 */
export interface SourceNode {
  source: ArgoSource | undefined;
  target: JsonPointer | null | undefined;
  children: Map<string, SourceNode> | undefined;
}

/** A field of the manifest podguard cannot judge before the controller runs. */
export interface UnjudgedField {
  readonly path: JsonPointer;
  readonly message: string;
}

/** How a view's virtual pointers map to the manifest. */
export interface ArgoSourceMap {
  /** The virtual pod spec, at the view's `specPath`. */
  readonly root: SourceNode;
  readonly specPath: JsonPointer;
  /** The pointer of the workflow object in the input (`/items/3` in a List), which `view.object` is. */
  readonly base: JsonPointer;
  readonly unjudged: readonly UnjudgedField[];
}

/**
 * How the findings of a workflow's effective pod map onto the manifest ({@link PodView.assembled}):
 * locations point where each value is written, fixes land where they take effect, a validation
 * message names the podSpecPatch that sets a value, and a podSpecPatch that cannot be read is
 * reported as unjudged. `view()` is the view the map belongs to (its object and spec).
 */
export function argoAssembled(map: ArgoSourceMap, view: () => PodView): AssembledPod {
  return {
    setElsewhere: [],
    unjudged: map.unjudged,
    locate: (path) => locateSource(map, path),
    name(path) {
      const source = sourceOf(map, path);
      return source.kind === 'patch'
        ? `${source.field} (its ${path.slice(map.specPath.length + 1)})`
        : source.path;
    },
    patch(operations) {
      const mapped = mapPatch(map, view(), operations);
      const unfixable =
        mapped.blockedBy !== undefined
          ? `a value is set by ${mapped.blockedBy}, a podSpecPatch string podguard does not rewrite: change it there`
          : mapped.unplaced
            ? 'part of the fix has no place in the workflow: change it by hand'
            : undefined;
      return unfixable === undefined ? { patch: mapped.patch } : { patch: mapped.patch, unfixable };
    },
  };
}

export function sourceNode(source: ArgoSource | undefined, target?: JsonPointer | null): SourceNode {
  return { source, target, children: undefined };
}

export function childNode(node: SourceNode, key: string): SourceNode | undefined {
  return node.children?.get(key);
}

export function setChild(node: SourceNode, key: string, child: SourceNode): SourceNode {
  node.children ??= new Map();
  node.children.set(key, child);
  return child;
}

/** `object[key] = value` as an own property, also for a key such as `__proto__` (input is untrusted). */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Strategic-merge keys of a Kubernetes Container's lists (corev1.Container's patchMergeKey tags). */
export const CONTAINER_MERGE_KEYS: Readonly<Record<string, string>> = {
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

/** The tokens of `path` below the map's spec, or undefined when it is not a virtual pointer. */
function virtualTokens(map: ArgoSourceMap, path: JsonPointer): string[] | undefined {
  if (path === map.specPath) return [];
  if (!path.startsWith(`${map.specPath}/`)) return undefined;
  return parsePointer(path.slice(map.specPath.length));
}

/** Where the value at a virtual pointer is written. */
export function sourceOf(map: ArgoSourceMap, path: JsonPointer): ArgoSource {
  const tokens = virtualTokens(map, path);
  if (tokens === undefined) return { kind: 'authored', path };
  let node: SourceNode | undefined = map.root;
  let source = map.root.source as ArgoSource;
  let rest = 0;
  for (let i = 0; i < tokens.length && node !== undefined; i++) {
    node = childNode(node, tokens[i] as string);
    if (node?.source !== undefined) {
      source = node.source;
      rest = i + 1;
    }
  }
  if (source.kind === 'patch') return source;
  return { kind: 'authored', path: pointer(source.path, ...tokens.slice(rest)) };
}

/** The manifest pointer a finding location at `path` stands for (the podSpecPatch field for a patched value). */
export function locateSource(map: ArgoSourceMap, path: JsonPointer): JsonPointer {
  const source = sourceOf(map, path);
  return source.kind === 'patch' ? source.field : source.path;
}

/** The podSpecPatch that sets the value at `path` or one of its parents, if any. */
function patchSetting(map: ArgoSourceMap, tokens: readonly string[]): JsonPointer | undefined {
  let node: SourceNode | undefined = map.root;
  for (let i = 0; i < tokens.length && node !== undefined; i++) {
    node = childNode(node, tokens[i] as string);
    if (node?.source?.kind === 'patch' && node.source.set) return node.source.field;
  }
  return undefined;
}

/** Where a field added at the virtual `tokens` is written, or null when nowhere. */
function targetOf(map: ArgoSourceMap, tokens: readonly string[]): JsonPointer | null {
  let node: SourceNode | undefined = map.root;
  let target = map.root.target ?? null;
  let rest = 0;
  for (let i = 0; i < tokens.length && node !== undefined; i++) {
    node = childNode(node, tokens[i] as string);
    if (node?.target !== undefined) {
      target = node.target;
      rest = i + 1;
    }
  }
  return target === null ? null : pointer(target, ...tokens.slice(rest));
}

function valueAt(root: unknown, tokens: readonly string[]): unknown {
  let current = root;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isRecord(current)) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

/** `add {}` (ifMissing) for each parent of `target` the object lacks. */
function parentsOf(object: unknown, base: JsonPointer, target: JsonPointer): JsonPatchOperation[] {
  const tokens = parsePointer(target.slice(base.length));
  const ops: JsonPatchOperation[] = [];
  let current: unknown = object;
  let path = base;
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i] as string;
    path = pointer(path, token);
    current = Array.isArray(current)
      ? current[Number(token)]
      : isRecord(current)
        ? current[token]
        : undefined;
    if (current === undefined || current === null) ops.push({ op: 'add', path, value: {}, ifMissing: true });
  }
  return ops;
}

/** Lists merged by key (Argo's template lists, Kubernetes' strategic-merge lists): an own item is added to them. */
const KEYED_LISTS = new Set([
  'volumes',
  'volumeMounts',
  'volumeDevices',
  'env',
  'ports',
  'initContainers',
  'sidecars',
]);

/**
 * A fix's patch, computed on the view's virtual pointers, as a patch of the manifest. Operations
 * on values a podSpecPatch sets are left out (podguard does not rewrite that string); `blockedBy`
 * names the patch then. `unplaced`: an operation had no place in the manifest and was left out.
 */
export function mapPatch(
  map: ArgoSourceMap,
  view: PodView,
  patch: readonly JsonPatchOperation[],
): { patch: JsonPatchOperation[]; blockedBy: JsonPointer | undefined; unplaced: boolean } {
  const out: JsonPatchOperation[] = [];
  const seen = new Set<string>();
  let blockedBy: JsonPointer | undefined;
  let unplaced = false;
  const emit = (op: JsonPatchOperation) => {
    const key = JSON.stringify(op);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(op);
  };
  for (const op of patch) {
    const tokens = virtualTokens(map, op.path);
    if (tokens === undefined) {
      emit(op);
      continue;
    }
    const blocked = patchSetting(map, tokens);
    if (blocked !== undefined) {
      blockedBy ??= blocked;
      continue;
    }
    if (op.op !== 'add') {
      const source = sourceOf(map, op.path);
      if (source.kind === 'patch') blockedBy ??= source.field;
      else emit({ ...op, path: source.path });
      continue;
    }
    const append = tokens[tokens.length - 1] === '-';
    const at = append ? tokens.slice(0, -1) : tokens;
    const target = targetOf(map, at);
    if (target === null) {
      // A new item of the pod's container lists: no template field makes one.
      unplaced = true;
      continue;
    }
    for (const parent of parentsOf(view.object, map.base, target)) emit(parent);
    if (!append) {
      emit({ ...op, path: target });
      continue;
    }
    const list = valueAt(view.spec, at);
    const source = sourceOf(map, pointer(map.specPath, ...at));
    if (source.kind === 'patch' && Array.isArray(list)) {
      blockedBy ??= source.field;
      continue;
    }
    if (KEYED_LISTS.has(at[at.length - 1] as string)) {
      // Merged by key: the template's own item joins the others.
      emit({ op: 'add', path: target, value: [], ifMissing: true });
    } else if (Array.isArray(list) && (source.kind !== 'authored' || source.path !== target)) {
      // A list from templateDefaults: the template's own copy replaces it, as Argo's merge does,
      // so it keeps the defaults' items.
      emit({ op: 'add', path: target, value: structuredCloneJson(list), ifMissing: true });
    }
    emit({ ...op, path: `${target}/-` });
  }
  return { patch: out, blockedBy, unplaced };
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
