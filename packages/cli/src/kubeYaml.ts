/**
 * YAML read as Kubernetes reads it. `kubectl`, Helm and the API server's YAML decoder all go
 * through sigs.k8s.io/yaml, which decodes with go-yaml v2 (YAML 1.1) and converts to JSON. This
 * module gives the `yaml` package's documents the same meaning:
 *
 * - plain scalars resolved as go-yaml v2's `resolve()`: booleans `y`/`Y`/`yes`/`on`/`n`/`no`/`off`…,
 *   integers through Go's `strconv.ParseInt(s, 0, 64)` after removing `_` (`0755` and `0o755` are
 *   octal, `0x1F` hex, `0b101` binary), floats, `~`/`null`/empty as null; timestamps and
 *   sexagesimals (`1:30`) stay strings, as go-yaml gives them to an `interface{}`;
 * - merge keys (`<<`) applied in go-yaml v2's order: the mapping's entries are applied one after the
 *   other, so a merge overrides the keys before it and the keys after it override the merge; in a
 *   merged sequence the first mapping wins; a mapping may hold several merge keys (go-yaml checks
 *   no merge key for repeats);
 * - map keys written as JSON strings (`true`, `1`), as sigs.k8s.io/yaml does;
 * - aliasing bounded as go-yaml v2 bounds it ("document contains excessive aliasing"), counted on
 *   the parsed tree in one pass, before anything is expanded.
 */
import {
  type Document,
  type DocumentOptions,
  type Node,
  type Pair,
  type ParsedNode,
  Scalar,
  type ScalarTag,
  type SchemaOptions,
  type Tags,
  type YAMLMap,
} from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq } from './yamlNodes.js';

const MERGE_KEY = '<<';

/** go-yaml v2's `yamlStyleFloat`. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint`, for text without `_`: the value, or undefined. */
function parseGoInteger(text: string): number | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const [, sign, digits = ''] = match;
  let magnitude: bigint;
  const prefix = digits.slice(0, 2).toLowerCase();
  if (prefix === '0x' || prefix === '0o' || prefix === '0b')
    magnitude = BigInt(`0${prefix[1]}${digits.slice(2)}`);
  else if (digits.length > 1 && digits.startsWith('0')) magnitude = BigInt(`0o${digits.slice(1)}`);
  else magnitude = BigInt(digits);
  const value = sign === '-' ? -magnitude : magnitude;
  // int64, or uint64 for a positive number past it (ParseUint); beyond that the text is a float or a string.
  if (value < -(2n ** 63n) || value >= 2n ** 64n) return undefined;
  return Number(value);
}

/** The value go-yaml v2 resolves an untagged plain scalar to (strings for everything else). */
export function resolveGoYamlPlain(text: string): unknown {
  switch (text) {
    case 'y':
    case 'Y':
    case 'yes':
    case 'Yes':
    case 'YES':
    case 'true':
    case 'True':
    case 'TRUE':
    case 'on':
    case 'On':
    case 'ON':
      return true;
    case 'n':
    case 'N':
    case 'no':
    case 'No':
    case 'NO':
    case 'false':
    case 'False':
    case 'FALSE':
    case 'off':
    case 'Off':
    case 'OFF':
      return false;
    case '':
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return Number.NaN;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Number.POSITIVE_INFINITY;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return Number.NEGATIVE_INFINITY;
  }
  const first = text[0] ?? '';
  if (first === '.') {
    // Go's ParseFloat on the text as written.
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  }
  if (!/[-+0-9]/.test(first)) return text;
  const plain = text.replaceAll('_', '');
  const integer = parseGoInteger(plain);
  if (integer !== undefined) return integer;
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  return text;
}

/**
 * Whether go-yaml v2 reads a plain scalar as something other than a string. Used as the `test` of
 * the tag below: the `yaml` package only calls `test(text)`, so a function stands in for a regular
 * expression (go-yaml's rules are a resolve table and Go's number parsers, not one pattern).
 */
const goYamlNonString = {
  test: (text: string): boolean => typeof resolveGoYamlPlain(text) !== 'string',
} as unknown as RegExp;

/**
 * Plain scalars go-yaml reads as booleans, numbers or null resolve through this tag; every other
 * plain scalar is a string. When a document is written back (Helm post-render), a string this test
 * matches (`"on"`, `"0755"`) is quoted, so go-yaml reads it back as a string.
 */
const goYamlPlain: ScalarTag = {
  tag: 'tag:podguard.dev,2026:go-yaml-plain',
  default: true,
  test: goYamlNonString,
  resolve: (text: string) => new Scalar(resolveGoYamlPlain(text)),
};

const SCALAR_TYPES = new Set([
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:null',
]);

/** `!!bool yes`, `!!int 0755`: explicitly tagged scalars, resolved as go-yaml resolves plain ones. */
const explicitTags: ScalarTag[] = [...SCALAR_TYPES].map((tag) => ({
  tag,
  default: false,
  resolve: (text: string) => new Scalar(resolveGoYamlPlain(text)),
}));

/** Options for `parseDocument`: YAML 1.1 as go-yaml v2 reads it. */
export const KUBERNETES_YAML_OPTIONS: DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'core',
  // Collections and strings as the core schema has them; plain scalars resolved by go-yaml's rules.
  // The core schema's bool, int, float and null tags stay only to write values (`identify`): without
  // a test they never resolve a plain scalar nor make a string look like them (and yaml, which
  // tries the tests of default tags in turn on every plain scalar, runs none for them).
  customTags: (tags: Tags): Tags => {
    const kept: Tags = [];
    const writers: Tags = [];
    for (const tag of tags) {
      const { collection, tag: name } = tag as { collection?: string; tag?: string };
      if (collection === 'map' || collection === 'seq' || name === 'tag:yaml.org,2002:str') kept.push(tag);
      else if (name !== undefined && SCALAR_TYPES.has(name))
        writers.push({ ...(tag as ScalarTag), test: undefined });
    }
    return [...kept, goYamlPlain, ...explicitTags, ...writers];
  },
  merge: false,
  resolveKnownTags: true,
};

/** go-yaml v2's `allowedAliasRatio`. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - (0.89 * (decodeCount - 400_000)) / 3_600_000;
}

/** Thrown for a document Kubernetes would not decode either. */
export class KubernetesYamlError extends Error {
  override readonly name = 'KubernetesYamlError';
  constructor(
    message: string,
    /** Offset in the document's text. */
    readonly offset: number,
  ) {
    super(message);
  }
}

const isMergeKeyNode = (key: unknown): boolean =>
  isScalar(key) && key.value === MERGE_KEY && (key.type === Scalar.PLAIN || key.type === undefined);

const isMergeKey = (pair: Pair): boolean => isMergeKeyNode(pair.key);

/**
 * Whether two keys of one mapping are the same key (`uniqueKeys`): as the YAML library compares
 * them, except merge keys, which go-yaml v2 applies one after the other however many there are.
 */
export function sameKey(a: ParsedNode, b: ParsedNode): boolean {
  if (a === b) return true;
  if (!isScalar(a) || !isScalar(b) || a.value !== b.value) return false;
  return !(isMergeKeyNode(a) && isMergeKeyNode(b));
}

/**
 * Rejects excessive aliasing as go-yaml v2 does: it counts decoded nodes, and those decoded through
 * an alias, and fails once more than 100 aliased nodes make up more than the allowed ratio of more
 * than 1,000 (99% up to 400,000 nodes, falling to 10% at 4,000,000). The sizes of anchored nodes
 * are computed once, so a billion laughs is refused after a walk of its text, not its expansion.
 */
export function checkAliasing(document: Document): void {
  const sizes = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const target = (alias: Node): Node => {
    const resolved = isAlias(alias) ? alias.resolve(document) : undefined;
    if (!resolved)
      throw new KubernetesYamlError(
        `unknown anchor '${isAlias(alias) ? alias.source : ''}' referenced`,
        alias.range?.[0] ?? 0,
      );
    return resolved as Node;
  };
  // Decoded nodes under `node`, aliases expanded (memoised: each node is sized once).
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (inProgress.has(node))
      throw new KubernetesYamlError('anchor refers to itself', (node as Node).range?.[0] ?? 0);
    inProgress.add(node);
    let total = 1;
    if (isAlias(node)) total += size(target(node));
    else if (isMap(node)) for (const pair of node.items) total += size(pair.key) + size(pair.value);
    else if (isSeq(node)) for (const item of node.items) total += size(item);
    inProgress.delete(node);
    // Sums can pass 2^53 only after the ratio check has failed: cap them well below.
    sizes.set(node, Math.min(total, Number.MAX_SAFE_INTEGER / 4));
    return sizes.get(node) as number;
  };
  let decoded = 0;
  let aliased = 0;
  const walk = (node: unknown): void => {
    decoded++;
    if (isAlias(node)) {
      const expansion = size(target(node));
      decoded += expansion;
      aliased += expansion;
      if (aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded)) {
        throw new KubernetesYamlError('document contains excessive aliasing', node.range?.[0] ?? 0);
      }
    } else if (isMap(node)) {
      for (const pair of node.items) {
        walk(pair.key);
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(document.contents);
}

/** The JSON key sigs.k8s.io/yaml makes of a decoded YAML key. */
export function jsonKey(key: unknown): string {
  if (key === null || key === undefined) return 'null';
  return String(key);
}

/** Sets a member of a decoded mapping (`__proto__` too, as a plain member). */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // `__proto__` would set the prototype by assignment: defined as a plain property instead.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** The mappings a merge value stands for, in the order go-yaml applies them (last to first). */
function mergeSources(document: Document, value: unknown): YAMLMap[] {
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(document) : node);
  const source = resolve(value);
  const fail = (): never => {
    throw new KubernetesYamlError(
      'map merge requires map or sequence of maps as the value',
      (value as Node | null)?.range?.[0] ?? 0,
    );
  };
  if (isMap(source)) return [source];
  if (!isSeq(source)) return fail();
  return source.items
    .map(resolve)
    .map((item) => (isMap(item) ? item : fail()))
    .reverse();
}

/**
 * The document's value as sigs.k8s.io/yaml turns it into JSON. Call {@link checkAliasing} first:
 * aliases are expanded by sharing, but merges copy keys.
 */
export function kubernetesValue(document: Document): unknown {
  const convert = (node: unknown): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(document));
    if (isScalar(node)) return node.value;
    if (isSeq(node)) return node.items.map(convert);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      applyMap(node, out);
      return out;
    }
    return null;
  };
  const applyMap = (map: YAMLMap, out: Record<string, unknown>): void => {
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      if (isMergeKey(pair)) {
        for (const source of mergeSources(document, pair.value)) applyMap(source, out);
        continue;
      }
      setKey(out, jsonKey(convert(pair.key)), convert(pair.value));
    }
  };
  return convert(document.contents);
}

/**
 * The node that gives a mapping's `key` its value, following merges as go-yaml applies them: the
 * last entry that sets the key wins, a merge setting it through its first mapping that has it.
 */
export function memberOf(document: Document, map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    if (isMergeKey(pair)) {
      let sources: YAMLMap[];
      try {
        sources = mergeSources(document, pair.value);
      } catch {
        continue;
      }
      // Applied last to first: the first source that has the key is the one left standing.
      for (const source of [...sources].reverse()) {
        const member = memberOf(document, source, key);
        if (member) {
          found = member;
          break;
        }
      }
      continue;
    }
    if (isScalar(pair.key) ? jsonKey(pair.key.value) === key : false) found = pair;
  }
  return found;
}
