/**
 * Building blocks for rule fixes and finding locations. Fixes are RFC 6902 patches against the
 * original object, using the same JSON pointers as the findings. They are leaf-level: a parent is
 * created (empty, `ifMissing`) only when missing, so every finding's patch applies alone and after
 * any other finding's patch on the same object, in any order.
 */

import type { FindingLocation, Fix, FixKind, JsonPatchOperation, JsonPointer } from '../model/types.js';
import type { ContainerRef } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { escapePointerToken, pointer } from '../podspec/pointer.js';

/**
 * The leaf-level operations that set `base.keys[0].keys[1]... = value`, where `base` is the
 * object at `basePath` (a container or pod spec): each missing (or null) parent is created empty
 * with `ifMissing`, then the leaf is added (or replaced, when the author wrote a value there).
 * So two fixes that both create `securityContext` compose: the second leaves the first's fields.
 */
export function setField(
  base: object,
  basePath: JsonPointer,
  keys: readonly string[],
  value: unknown,
): JsonPatchOperation[] {
  if (keys.length === 0) throw new Error('setField needs at least one key');
  const ops: JsonPatchOperation[] = [];
  let current: Record<string, unknown> | undefined = base as Record<string, unknown>;
  let path = basePath;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const child: unknown = current?.[key];
    path = `${path}/${escapePointerToken(key)}`;
    if (i === keys.length - 1) {
      const present = current !== undefined && Object.hasOwn(current, key) && child != null;
      ops.push(present ? { op: 'replace', path, value } : { op: 'add', path, value });
    } else if (isRecord(child)) current = child;
    else {
      ops.push({ op: 'add', path, value: {}, ifMissing: true });
      current = undefined;
    }
  }
  return ops;
}

/**
 * The operations that append `value` to the array `base.keys...`, creating the array (and its
 * parents) when missing; the append itself is `ifMissing`, so two fixes appending the same
 * element add it once.
 */
export function appendOnce(
  base: object,
  basePath: JsonPointer,
  keys: readonly string[],
  value: unknown,
): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  let current: unknown = base;
  let path = basePath;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const child: unknown = isRecord(current) ? current[key] : undefined;
    path = `${path}/${escapePointerToken(key)}`;
    const last = i === keys.length - 1;
    if (last ? !Array.isArray(child) : !isRecord(child)) {
      ops.push({ op: 'add', path, value: last ? [] : {}, ifMissing: true });
    }
    current = child;
  }
  ops.push({ op: 'add', path: `${path}/-`, value, ifMissing: true });
  return ops;
}

/**
 * JSON pointer of the field `base.keys...` if it is present, else of the deepest object that
 * exists on the way (the one that should hold it), e.g. `<container>/securityContext` when
 * `allowPrivilegeEscalation` is missing, or the container itself when `securityContext` is.
 */
export function locateField(base: object, basePath: JsonPointer, keys: readonly string[]): JsonPointer {
  let current: unknown = base;
  let path = basePath;
  for (const key of keys) {
    if (!isRecord(current)) break;
    const child = current[key];
    if (child === undefined || child === null) break;
    current = child;
    path = pointer(path, key);
  }
  return path;
}

/** Location of a container field (see {@link locateField}), naming the container. */
export function containerLocation(ref: ContainerRef, keys: readonly string[]): FindingLocation {
  return { path: locateField(ref.container, ref.path, keys), container: ref.name };
}

/** A fix of `kind`, or undefined when there is nothing to patch. */
export function fixOf(
  kind: FixKind,
  description: string,
  patch: readonly JsonPatchOperation[],
): Fix | undefined {
  return patch.length === 0 ? undefined : { kind, description, patch: [...patch] };
}

/** `patch` as the plain data property it becomes once read or written. */
function settle(fix: Fix, patch: JsonPatchOperation[]): JsonPatchOperation[] {
  Object.defineProperty(fix, 'patch', { value: patch, writable: true, enumerable: true, configurable: true });
  return patch;
}

/**
 * A fix whose patch is built when first read (see {@link lazyFixOf}). The builder and its input
 * are private fields: JSON, spreads, `Object.keys` and equality see `kind`, `description` and
 * `patch` only, in that order, as on any other fix.
 */
class LazyFix<Input> implements Fix {
  readonly kind: FixKind;
  readonly description: string;
  declare patch: JsonPatchOperation[];
  #build: ((input: Input) => JsonPatchOperation[]) | undefined;
  #input: Input | undefined;
  #patch: JsonPatchOperation[] | undefined;

  constructor(
    kind: FixKind,
    description: string,
    build: (input: Input) => JsonPatchOperation[],
    input: Input,
  ) {
    this.kind = kind;
    this.description = description;
    Object.defineProperty(this, 'patch', LAZY_PATCH);
    this.#build = build;
    this.#input = input;
  }

  /** The patch, built on the first call; the fix then forgets its builder and input. */
  static build(fix: LazyFix<unknown>): JsonPatchOperation[] {
    let patch = fix.#patch;
    if (patch === undefined) {
      patch = fix.#build?.(fix.#input) ?? [];
      fix.#patch = patch;
      fix.#build = undefined;
      fix.#input = undefined;
    }
    // A plain data property from now on, unless the fix was frozen or sealed before this read.
    return Object.isExtensible(fix) ? settle(fix, patch) : patch;
  }
}

// One getter and one setter for every lazy fix, so that all of them share one object shape.
const LAZY_PATCH: PropertyDescriptor = {
  get(this: LazyFix<unknown>): JsonPatchOperation[] {
    return LazyFix.build(this);
  },
  set(this: LazyFix<unknown>, patch: JsonPatchOperation[]): void {
    settle(this, patch);
  },
  enumerable: true,
  configurable: true,
};

/**
 * A fix whose patch is built when first read, by `build(input)`: a failing pod's findings are
 * often only counted or printed, and their patches were most of what evaluating it kept. Pass a
 * module-level `build` and the pod view as `input`, so that no closure is made per finding.
 * `patch` is an own enumerable property (JSON, spreads and equality see it as any other), so the
 * fix reads exactly as {@link fixOf}'s. `build` must give at least one operation; it reads the
 * object as it is then (the engine applies patches to copies, never to what it evaluated).
 */
export function lazyFixOf<Input>(
  kind: FixKind,
  description: string,
  build: (input: Input) => JsonPatchOperation[],
  input: Input,
): Fix {
  return new LazyFix(kind, description, build, input);
}
