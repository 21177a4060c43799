/**
 * Building blocks for rule fixes and finding locations. Fixes are RFC 6902 patches against the
 * original object, using the same JSON pointers as the findings; they create missing parent
 * objects with whole-object values, so a patch applies to the object exactly as the user wrote it.
 */

import type { FindingLocation, Fix, JsonPatchOperation, JsonPointer } from '../model/types.js';
import type { ContainerRef } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { escapePointerToken, pointer } from '../podspec/pointer.js';

/** `value` wrapped in objects for `keys[from..]`: nest(['a', 'b'], 0, 1) is { a: { b: 1 } }. */
function nest(keys: readonly string[], from: number, value: unknown): unknown {
  let out = value;
  for (let i = keys.length - 1; i >= from; i--) out = { [keys[i] as string]: out };
  return out;
}

/**
 * The one operation that sets `base.keys[0].keys[1]... = value`, where `base` is the object at
 * `basePath` (a container or pod spec). The first missing (or null) object on the way is added
 * whole, e.g. `add <container>/securityContext {"allowPrivilegeEscalation": false}`; an existing
 * member is replaced.
 */
export function setField(
  base: object,
  basePath: JsonPointer,
  keys: readonly string[],
  value: unknown,
): JsonPatchOperation {
  if (keys.length === 0) throw new Error('setField needs at least one key');
  let current = base as Record<string, unknown>;
  let path = basePath;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const child = current[key];
    path = `${path}/${escapePointerToken(key)}`;
    if (i === keys.length - 1 || !isRecord(child)) {
      return {
        op: Object.hasOwn(current, key) ? 'replace' : 'add',
        path,
        value: nest(keys, i + 1, value),
      };
    }
    current = child;
  }
  // Unreachable: the loop returns at the last key.
  throw new Error('setField: no key');
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

/** A fix, or undefined when there is nothing to patch. */
export function fixOf(description: string, patch: readonly JsonPatchOperation[]): Fix | undefined {
  return patch.length === 0 ? undefined : { description, patch: [...patch] };
}
