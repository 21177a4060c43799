/**
 * RFC 6902 JSON Patch (`add`, `remove`, `replace`, `test`) over plain JSON values, as fixes use it.
 * Pure: the input is never modified; the result shares untouched subtrees with it.
 */

import { PodguardInputError } from '../model/errors.js';
import { checkJsonData, describeArgument } from '../model/inputGuard.js';
import type { JsonPatchOperation } from '../model/types.js';
import { isRecord } from '../podspec/extract.js';
import { parsePointer } from '../podspec/pointer.js';

/** A patch that cannot be applied: a missing parent, a bad array index, a failed `test`. */
export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError';
  /** Index of the failing operation in the patch. */
  readonly operation: number;
  constructor(message: string, operation: number) {
    super(message);
    this.operation = operation;
  }
}

/**
 * Deep copy of a JSON value (objects, arrays, primitives). Manifests are JSON data, so this is all
 * the core needs, and it keeps the core free of host APIs such as `structuredClone`.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isRecord(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // Plain assignment for every key but `__proto__`, which would set the prototype instead.
      if (key === '__proto__') setOwn(copy, key, cloneJson(value[key]));
      else copy[key] = cloneJson(value[key]);
    }
    return copy as T;
  }
  return value;
}

/** Sets an own property, even `__proto__`, without touching the prototype chain. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number | undefined {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index < length || (allowEnd && index === length) ? index : undefined;
}

/** Returns a copy of `root` with the value at `tokens` transformed; copies only the path. */
function update(root: unknown, tokens: readonly string[], op: JsonPatchOperation, index: number): unknown {
  const fail = (message: string): never => {
    throw new JsonPatchError(`${op.op} ${op.path}: ${message}`, index);
  };
  if (tokens.length === 0) {
    if (op.op === 'remove') fail('cannot remove the whole document');
    return op.value;
  }
  const [head, ...rest] = tokens as [string, ...string[]];
  const last = rest.length === 0;
  if (Array.isArray(root)) {
    const position = arrayIndex(head, root.length, last && op.op === 'add');
    if (position === undefined) return fail(`no array element "${head}"`);
    const copy = [...root];
    if (!last) copy[position] = update(root[position], rest, op, index);
    else if (op.op === 'add') copy.splice(position, 0, op.value);
    else if (op.op === 'remove') copy.splice(position, 1);
    else copy[position] = op.value;
    return copy;
  }
  if (!isRecord(root)) return fail(`parent of "${head}" is not an object or array`);
  const exists = Object.hasOwn(root, head);
  if (!last) {
    if (!exists) return fail(`no member "${head}"`);
    return { ...root, [head]: update(root[head], rest, op, index) };
  }
  if (op.op !== 'add' && !exists) return fail(`no member "${head}"`);
  const copy: Record<string, unknown> = { ...root };
  if (op.op === 'remove') delete copy[head];
  else setOwn(copy, head, op.value);
  return copy;
}

/** What {@link valueAt} returns for a path that leads nowhere. */
const MISSING: unique symbol = Symbol('missing');

function valueAt(root: unknown, tokens: readonly string[]): unknown {
  let current = root;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const position = arrayIndex(token, current.length, false);
      if (position === undefined) return MISSING;
      current = current[position];
    } else if (isRecord(current) && Object.hasOwn(current, token)) current = current[token];
    else return MISSING;
  }
  return current;
}

/**
 * For an `ifMissing` add: true when the member is there (and not null), or, for an append
 * (`.../-`), when the array already holds an equal element.
 */
function alreadyThere(root: unknown, tokens: readonly string[], value: unknown): boolean {
  if (tokens.length === 0) return false;
  const last = tokens[tokens.length - 1];
  if (last === '-') {
    const array = valueAt(root, tokens.slice(0, -1));
    return Array.isArray(array) && array.some((item) => jsonEqual(item, value));
  }
  const found = valueAt(root, tokens);
  return found !== MISSING && found !== null && found !== undefined;
}

/**
 * Applies an RFC 6902 patch (`add`, `remove`, `replace`, `test`) and returns the new document.
 * An `add` marked `ifMissing` is skipped when its target is already there (see
 * `JsonPatchOperation.ifMissing`). The input is not modified. Values are inserted by reference, so callers that later mutate the
 * result should clone it first.
 *
 * @throws JsonPatchError naming the failing operation when a path does not exist, an array index
 *   is out of range, or a `test` does not hold. Operations are atomic as a whole: on error nothing
 *   is returned.
 */
export function applyJsonPatch<T>(document: T, patch: readonly JsonPatchOperation[]): T {
  // The document is walked only along the patch's paths, so it is not checked as a whole: adapters
  // patch around values they must keep as they are (Pulumi Outputs).
  if (!Array.isArray(patch)) {
    throw new PodguardInputError(
      `patch must be an array of operations, got ${describeArgument(patch)}`,
      'patch',
    );
  }
  patch.forEach((op: unknown, index) => {
    // Anything but an object with these two strings: null, a scalar, an array, a wrong type.
    const record = op as { op?: unknown; path?: unknown } | null | undefined;
    if (typeof record?.op !== 'string' || typeof record.path !== 'string') {
      throw new PodguardInputError(
        `patch[${index}] must be an operation object with string op and path, got ${describeArgument(op)}`,
        `patch[${index}]`,
      );
    }
  });
  checkJsonData(patch, 'patch');
  let current: unknown = document;
  patch.forEach((op, index) => {
    let tokens: string[];
    try {
      tokens = parsePointer(op.path);
    } catch {
      throw new JsonPatchError(`${op.op} ${op.path}: invalid JSON pointer`, index);
    }
    switch (op.op) {
      case 'test': {
        const found = valueAt(current, tokens);
        if (found === MISSING || !jsonEqual(found, op.value)) {
          throw new JsonPatchError(`test ${op.path}: value differs from ${JSON.stringify(op.value)}`, index);
        }
        return;
      }
      case 'add':
        if (op.ifMissing === true && alreadyThere(current, tokens, op.value)) return;
        if (!Object.hasOwn(op, 'value')) throw new JsonPatchError(`add ${op.path}: missing value`, index);
        current = update(current, tokens, op, index);
        return;
      case 'replace':
        if (!Object.hasOwn(op, 'value'))
          throw new JsonPatchError(`${op.op} ${op.path}: missing value`, index);
        current = update(current, tokens, op, index);
        return;
      case 'remove':
        current = update(current, tokens, op, index);
        return;
      default:
        throw new JsonPatchError(
          `unsupported operation ${JSON.stringify((op as { op: unknown }).op)}`,
          index,
        );
    }
  });
  return current as T;
}
