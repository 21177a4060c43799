/**
 * Turns the properties @pulumi/policy hands a policy into a plain Kubernetes object, and finds the
 * values that are unknown during preview.
 *
 * @pulumi/policy wraps properties in proxies: `unknownCheckingProxy` throws `UnknownValueError`
 * when a policy reads an unknown output (the engine sends unknowns as sentinel strings), and during
 * remediation `secretsPreservingProxy` unwraps `Secret` values. The proxies trap only `get`, so
 * reading own property descriptors sees the raw values: that is how this module copies the whole
 * object without tripping either proxy, and records where the unknowns are.
 */
import { Secret, UnknownValueError, unknownCheckingProxy } from '@pulumi/policy';
import type { KubernetesType } from '../resourceTypes.js';

/** An unknown value found in the properties: where it is, and the engine's sentinel for it. */
export interface UnknownField {
  /** Property path, e.g. `['spec', 'template', 'spec', 'containers', '0', 'image']`. */
  readonly tokens: readonly string[];
  /** The sentinel string the engine sent. */
  readonly sentinel: string;
  /** What kind of value is unknown: `string`, `number`, `boolean`, `Array`, `Object`, `asset`, `archive`. */
  readonly type: string;
}

/** The properties as plain JSON data, without their unknowns (list elements: placeholders). */
export interface ReadProperties {
  readonly object: Record<string, unknown>;
  readonly unknowns: readonly UnknownField[];
}

/** Engine sentinels are UUID strings; checking the length first keeps ordinary strings cheap. */
const SENTINEL_LENGTH = 36;

const sentinelCache = new Map<string, boolean>();

/**
 * Whether a string is one of the engine's unknown-value sentinels. Asks @pulumi/policy's own
 * proxy rather than copying its (internal) sentinel constants, so a new sentinel is still caught.
 */
export function isUnknownSentinel(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== SENTINEL_LENGTH) return false;
  const cached = sentinelCache.get(value);
  if (cached !== undefined) return cached;
  let unknown = false;
  try {
    void unknownCheckingProxy({ value }).value;
  } catch (error) {
    unknown = error instanceof UnknownValueError;
  }
  // Only sentinels are worth remembering; a cache of arbitrary 36-character strings would grow.
  if (unknown) sentinelCache.set(value, true);
  return unknown;
}

/** The type of an unknown: UnknownValueError's message starts with it ("number value at ..."). */
function unknownType(sentinel: string): string {
  return new UnknownValueError(sentinel, []).message.split(' ')[0] ?? 'string';
}

/**
 * A placeholder of the unknown's type for a list element (leaving it out would shift the indices
 * of the elements after it). An unknown object property is left out instead: absent is always
 * well typed, whatever type the engine's sentinel claims. Either way, the rules that read an
 * unknown field are not decided on it (see unknowns.ts).
 */
function placeholderFor(type: string): unknown {
  switch (type) {
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'Array':
      return [];
    case 'Object':
      return {};
    default:
      return '(unknown during preview)';
  }
}

function ownValue(target: object, key: string): unknown {
  return Reflect.getOwnPropertyDescriptor(target, key)?.value;
}

/**
 * Copies a value through the policy proxies. `secrets: 'unwrap'` reads secret values (validation
 * sees plaintext, as @pulumi/policy intends); `secrets: 'keep'` keeps `Secret` instances, so that a
 * remediation returns secrets as secrets.
 */
function copy(
  value: unknown,
  tokens: string[],
  unknowns: UnknownField[] | undefined,
  secrets: 'unwrap' | 'keep',
): unknown {
  if (value instanceof Secret) {
    return secrets === 'keep' ? value : copy(value.value, tokens, unknowns, secrets);
  }
  if (isUnknownSentinel(value)) {
    if (!unknowns) return value;
    const type = unknownType(value);
    unknowns.push({ tokens: [...tokens], sentinel: value, type });
    return placeholderFor(type);
  }
  if (typeof value !== 'object' || value === null) return value;
  const isArray = Array.isArray(value);
  const keys = Object.keys(value);
  const result: Record<string, unknown> | unknown[] = isArray ? [] : {};
  for (const key of keys) {
    tokens.push(key);
    const own = ownValue(value, key);
    const item = copy(own, tokens, unknowns, secrets);
    tokens.pop();
    if (isArray) (result as unknown[]).push(item);
    else if (unknowns && isUnknownSentinel(own)) continue;
    // `__proto__` would set the prototype by assignment: defined as a plain property instead.
    else if (key === '__proto__')
      Object.defineProperty(result, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else (result as Record<string, unknown>)[key] = item;
  }
  return result;
}

/**
 * Reads resource properties as a plain Kubernetes object. `apiVersion` and `kind` come from the
 * Pulumi type, which decides what the provider creates: properties may lack them (resources read
 * from state) or hold something else, which the provider ignores.
 */
export function readProperties(props: unknown, type: KubernetesType): ReadProperties {
  const unknowns: UnknownField[] = [];
  const copied = copy(props, [], unknowns, 'unwrap');
  const object = typeof copied === 'object' && copied !== null && !Array.isArray(copied) ? copied : {};
  const record = object as Record<string, unknown>;
  record.apiVersion = type.apiVersion;
  record.kind = type.kind;
  return { object: record, unknowns };
}

/** Copies properties for a remediation: proxies removed, secrets and unknown sentinels kept as they are. */
export function copyForRemediation(props: unknown): Record<string, unknown> {
  const copied = copy(props, [], undefined, 'keep');
  return typeof copied === 'object' && copied !== null && !Array.isArray(copied)
    ? (copied as Record<string, unknown>)
    : {};
}
