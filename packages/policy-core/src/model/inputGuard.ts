/**
 * The shape every object the core takes must have: JSON data. Checked once at each public entry,
 * iteratively (no recursion, so no stack overflow), so that what follows may recurse freely and a
 * caller gets a `PodguardInputError` naming the place instead of a `RangeError` or `TypeError`.
 */
import { PodguardInputError } from './errors.js';

/**
 * How deep input may nest (objects and arrays). Kubernetes objects nest a few dozen levels; the
 * limit keeps every recursive walk of the core far from the stack's end.
 */
export const MAX_INPUT_DEPTH = 1000;

interface Frame {
  readonly value: object;
  readonly parent: Frame | undefined;
  readonly key: string;
  readonly depth: number;
  height: number;
  entered: boolean;
}

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

function pointerOf(frame: Frame | undefined, key?: string): string {
  const tokens: string[] = key === undefined ? [] : [key];
  for (let current = frame; current?.parent; current = current.parent) tokens.push(current.key);
  return tokens
    .reverse()
    .map((token) => `/${escapeToken(token)}`)
    .join('');
}

function shortPointer(pointer: string): string {
  return pointer.length > 120 ? `${pointer.slice(0, 120)}…` : pointer === '' ? '/' : pointer;
}

/** Nodes the allocation-free walk visits at most: past it, shared subtrees may be multiplying. */
const PLAIN_WALK_BUDGET = 200_000;

/**
 * Whether `value` is JSON data by a recursive walk that allocates nothing: plain objects whose
 * prototype is `Object.prototype` (or null), arrays, scalars. False when it cannot tell (anything
 * unusual, deeper than a tenth of the limit, more than {@link PLAIN_WALK_BUDGET} nodes): the full
 * walk decides then. A shared subtree is walked once per reference, within the budget.
 */
function isPlainTree(value: unknown): boolean {
  if (typeof value !== 'object') return isJsonLeaf(value);
  if (value === null) return true;
  plainWalkBudget = PLAIN_WALK_BUDGET;
  inheritedKeys = hasEnumerableKey(Object.prototype);
  dollarKeys = false;
  return isPlainNode(value, 0);
}

/** Whether the running walk met a key starting with `$` (a module variable: no closure per walk). */
let dollarKeys = false;

/** The object the last walk found to be JSON data without a key starting with `$`. */
let withoutDollarKeys: object | undefined;

/**
 * Whether `value` is the last input {@link checkJsonData} walked and it holds no key starting with
 * `$` anywhere (false when unsure). Strategic-merge-patch directives (`$patch`, `$retainKeys`...)
 * all start with `$`, so the engine looks for none in such input. Asked once, right after the
 * check: the answer is then forgotten, so that no reference to the input outlives its evaluation.
 */
export function takeWithoutDollarKeys(value: unknown): boolean {
  const known = value === withoutDollarKeys && value !== undefined;
  withoutDollarKeys = undefined;
  return known;
}

/** Whether `for...in` over a plain object may list inherited keys (someone added one to `Object.prototype`). */
let inheritedKeys = false;

function hasEnumerableKey(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/** Nodes {@link isPlainNode} may still visit in the running walk (a module variable: no closure per walk). */
let plainWalkBudget = 0;

/** Whether a value that is not an object is JSON data (or an `undefined` field). */
function isJsonLeaf(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}

/**
 * The walk over an object or array (not null). Leaves are judged in the loop, not by a call each:
 * most nodes of a manifest are leaves.
 */
function isPlainNode(node: object, depth: number): boolean {
  if (--plainWalkBudget < 0 || depth > MAX_INPUT_DEPTH / 10) return false;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (typeof child === 'object') {
        if (child !== null && !isPlainNode(child, depth + 1)) return false;
      } else if (!isJsonLeaf(child)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(node);
  // Other realms, Dates (when allowed) and everything else: the full walk decides.
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in node) {
    // Only keys of Object.prototype can be inherited here, and it has none unless polluted.
    if (inheritedKeys && !Object.hasOwn(node, key)) return false;
    if (key.charCodeAt(0) === 36) dollarKeys = true;
    const child: unknown = (node as Record<string, unknown>)[key];
    if (typeof child === 'object') {
      if (child !== null && !isPlainNode(child, depth + 1)) return false;
    } else if (!isJsonLeaf(child)) return false;
  }
  return true;
}

/** What a value that is not JSON data is, or undefined for JSON data (and `undefined`). */
function notJson(value: unknown, allowDates: boolean): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return 'a BigInt';
    case 'symbol':
      return 'a Symbol';
    case 'function':
      return 'a function';
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const proto = Object.getPrototypeOf(value) as object | null;
      // A plain object of any realm: its prototype is null or an Object.prototype (whose own is null).
      if (proto === null || Object.getPrototypeOf(proto) === null) return undefined;
      if (allowDates && value instanceof Date) return undefined;
      const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== '' && name !== 'Object'
        ? `a ${name}`
        : 'an object with an inherited prototype (its inherited fields would be read but not sent)';
    }
    default:
      return undefined;
  }
}

/** The input {@link withCheckedInput} vouches for: checked already within the running call. */
let checkedInput: object | undefined;

/**
 * Runs `run` with `value`, which {@link checkJsonData} has just passed, taken as checked: a public
 * entry whose steps each check their input (a session's `learn`, then its `evaluate`) walks it
 * once. Nothing in between may change it: the core never changes the objects it is given.
 */
export function withCheckedInput<T>(value: unknown, run: () => T): T {
  if (typeof value !== 'object' || value === null) return run();
  const outer = checkedInput;
  checkedInput = value;
  try {
    return run();
  } finally {
    checkedInput = outer;
  }
}

/**
 * Throws {@link PodguardInputError} unless `value` is JSON data: plain objects (own properties
 * only), arrays, strings, numbers, booleans, null (and `undefined` fields), no cycle, nested at
 * most {@link MAX_INPUT_DEPTH} levels. Shared subtrees (YAML aliases) are walked once.
 * @param what How messages name the value: `input`, `options`.
 */
export function checkJsonData(value: unknown, what: string, allowDates = false): void {
  if (value === checkedInput && value !== undefined) return;
  withoutDollarKeys = undefined;
  // The usual input (plain data, no shared subtree, shallow) passes a walk that allocates nothing;
  // anything else is walked again below, which names the place of a problem.
  if (isPlainTree(value)) {
    if (!dollarKeys && typeof value === 'object' && value !== null) withoutDollarKeys = value;
    return;
  }
  const fail = (message: string, pointer: string): never => {
    throw new PodguardInputError(`${what} ${message}`, pointer);
  };
  const rootProblem = notJson(value, allowDates);
  if (rootProblem) fail(`is not JSON data: ${rootProblem}`, '');
  if (typeof value !== 'object' || value === null || value instanceof Date) return;
  // Height (levels below) of subtrees already checked, so shared ones are not walked again.
  const heights = new WeakMap<object, number>();
  const onPath = new Set<object>();
  const stack: Frame[] = [{ value, parent: undefined, key: '', depth: 0, height: 0, entered: false }];
  const finish = (frame: Frame, height: number) => {
    if (frame.parent) frame.parent.height = Math.max(frame.parent.height, height + 1);
  };
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.entered) {
      stack.pop();
      onPath.delete(frame.value);
      heights.set(frame.value, frame.height);
      finish(frame, frame.height);
      continue;
    }
    frame.entered = true;
    const known = heights.get(frame.value);
    if (known !== undefined) {
      stack.pop();
      if (frame.depth + known > MAX_INPUT_DEPTH)
        fail(`is nested deeper than ${MAX_INPUT_DEPTH} levels`, shortPointer(pointerOf(frame)));
      finish(frame, known);
      continue;
    }
    if (onPath.has(frame.value)) {
      fail(`has a cycle: ${shortPointer(pointerOf(frame))} contains itself`, pointerOf(frame));
    }
    if (frame.depth >= MAX_INPUT_DEPTH) {
      fail(`is nested deeper than ${MAX_INPUT_DEPTH} levels`, shortPointer(pointerOf(frame)));
    }
    onPath.add(frame.value);
    const entries: [string, unknown][] = Array.isArray(frame.value)
      ? frame.value.map((item, index) => [String(index), item])
      : Object.keys(frame.value).map((key) => [key, (frame.value as Record<string, unknown>)[key]]);
    for (const [key, child] of entries) {
      const problem = notJson(child, allowDates);
      if (problem) {
        const pointer = pointerOf(frame, key);
        fail(`is not JSON data: ${problem} at ${shortPointer(pointer)}`, pointer);
      }
      if (typeof child === 'object' && child !== null && !(child instanceof Date)) {
        stack.push({ value: child, parent: frame, key, depth: frame.depth + 1, height: 0, entered: false });
      }
    }
  }
}

/** Throws {@link PodguardInputError} naming `field` unless `value` is a string. */
export function requireString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new PodguardInputError(`${field} must be a string, got ${describeArgument(value)}`, field);
  }
}

/** A short description of any value, safe for every type (no JSON.stringify of a BigInt or a cycle). */
export function describeArgument(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
    case 'boolean':
      return `${typeof value === 'number' ? 'a number' : 'a boolean'} (${String(value)})`;
    case 'bigint':
      return 'a BigInt';
    case 'symbol':
      return 'a Symbol';
    case 'function':
      return 'a function';
    case 'undefined':
      return 'undefined';
    default:
      return 'an object';
  }
}
