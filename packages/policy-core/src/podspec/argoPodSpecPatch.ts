/**
 * Argo Workflows' `podSpecPatch`: a JSON or YAML string that the controller applies to the pod
 * spec it built, as a Kubernetes strategic merge patch (workflow/util `ApplyPodSpecPatch`):
 * objects merge field by field, `containers`, `initContainers`, `ephemeralContainers` and
 * `volumes` merge by `name` (an item with a new name is added), other lists and scalars are
 * replaced, and `null` deletes a field.
 *
 * The core has no YAML dependency, so a YAML patch is read by a small reader for what such
 * patches are written in: block mappings and sequences, plain and quoted scalars (resolved as
 * go-yaml v2 does: `yes`/`on` are true), JSON flow collections. Anything else (anchors, tags,
 * block scalars, `$patch` directives), and any `{{...}}` expression (Argo substitutes it when the
 * pod is created), makes the patch unjudgeable: the caller reports it, never a silent pass.
 */

import type { JsonPointer } from '../model/types.js';
import {
  type ArgoSource,
  CONTAINER_MERGE_KEYS,
  childNode,
  type SourceNode,
  setChild,
  setOwn,
  sourceNode,
} from './argoSources.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Patches longer than this are not read (a pod spec patch is a few lines). */
const MAX_PATCH_LENGTH = 100_000;

/** The patch as an object, or why it cannot be judged before the controller runs. */
export function readPodSpecPatch(
  value: unknown,
  field: JsonPointer,
): { patch: Record<string, unknown> } | { problem: string } {
  const cannot = (why: string) => ({
    problem: `${field} cannot be judged before Argo runs it (${why}); what it sets is not checked`,
  });
  if (typeof value !== 'string') return cannot('it is not a string');
  if (value.length > MAX_PATCH_LENGTH) return cannot(`it is longer than ${MAX_PATCH_LENGTH} characters`);
  if (value.includes('{{')) return cannot('it contains an Argo {{...}} expression');
  let parsed: unknown;
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === undefined) {
    const yaml = readBlockYaml(value);
    if ('problem' in yaml) return cannot(yaml.problem);
    parsed = yaml.value;
  }
  if (parsed === null) return { patch: {} };
  if (!isRecord(parsed)) return cannot('it is not a pod spec object');
  if (depthOf(parsed, 0) > MAX_PATCH_DEPTH) return cannot(`it nests deeper than ${MAX_PATCH_DEPTH} levels`);
  if (hasDirective(parsed))
    return cannot('it uses a strategic merge directive ($patch, $setElementOrder...)');
  return { patch: parsed };
}

/** Deeper than any pod spec: such a patch is not read (and never recursed into further). */
const MAX_PATCH_DEPTH = 64;

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_PATCH_DEPTH) return depth;
  let deepest = depth;
  const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  for (const item of items) {
    deepest = Math.max(deepest, depthOf(item, depth + 1));
    if (deepest > MAX_PATCH_DEPTH) break;
  }
  return deepest;
}

function hasDirective(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => hasDirective(item));
  if (!isRecord(value)) return false;
  return Object.keys(value).some((key) => key.startsWith('$') || hasDirective(value[key]));
}

/** The lists of a PodSpec merged by key, by the key (corev1.PodSpec's patchMergeKey tags). */
const POD_MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};
const CONTAINER_GROUPS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * Applies a patch to the effective pod `spec` (copying what it changes, never the authored
 * objects), recording in `root` that the values it sets come from `field`.
 */
export function applyPodSpecPatch(
  spec: Record<string, unknown>,
  root: SourceNode,
  patch: Record<string, unknown>,
  field: JsonPointer,
): void {
  mergeInto(spec, root, patch, field, POD_MERGE_KEYS, true);
}

function setBy(field: JsonPointer): ArgoSource {
  return { kind: 'patch', field, set: true };
}

/** Merges `patch` into `target` (already a copy) in place. */
function mergeInto(
  target: Record<string, unknown>,
  node: SourceNode,
  patch: Record<string, unknown>,
  field: JsonPointer,
  keys: Readonly<Record<string, string>>,
  podLevel: boolean,
): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    const current = target[key];
    if (value === null) {
      delete target[key];
      setChild(node, key, sourceNode(setBy(field)));
      continue;
    }
    const mergeKey = keys[key];
    if (mergeKey !== undefined && Array.isArray(value) && Array.isArray(current)) {
      const listNode = childNode(node, key) ?? setChild(node, key, sourceNode(undefined));
      const itemKeys = podLevel && CONTAINER_GROUPS.has(key) ? CONTAINER_MERGE_KEYS : {};
      setOwn(target, key, mergeList(current, listNode, value, field, mergeKey, itemKeys));
    } else if (isRecord(value) && isRecord(current)) {
      const copy = { ...current };
      setOwn(target, key, copy);
      const child = childNode(node, key) ?? setChild(node, key, sourceNode(undefined));
      mergeInto(copy, child, value, field, {}, false);
    } else if (isRecord(value)) {
      // A new object: its fields are the patch's; fields added under it go to the authored place.
      const copy: Record<string, unknown> = {};
      setOwn(target, key, copy);
      const child = setChild(node, key, sourceNode({ kind: 'patch', field, set: false }));
      mergeInto(copy, child, value, field, {}, false);
    } else {
      setOwn(target, key, value);
      setChild(node, key, sourceNode(setBy(field), null));
    }
  }
}

function mergeList(
  current: readonly unknown[],
  listNode: SourceNode,
  patch: readonly unknown[],
  field: JsonPointer,
  mergeKey: string,
  itemKeys: Readonly<Record<string, string>>,
): unknown[] {
  const merged = [...current];
  const byKey = new Map<unknown, number>();
  merged.forEach((existing, index) => {
    if (isRecord(existing) && existing[mergeKey] !== undefined && !byKey.has(existing[mergeKey]))
      byKey.set(existing[mergeKey], index);
  });
  for (const item of patch) {
    const key = isRecord(item) ? item[mergeKey] : undefined;
    const index = key === undefined ? undefined : byKey.get(key);
    if (index !== undefined && isRecord(item)) {
      const copy = { ...(merged[index] as Record<string, unknown>) };
      merged[index] = copy;
      const child =
        childNode(listNode, String(index)) ?? setChild(listNode, String(index), sourceNode(undefined));
      mergeInto(copy, child, item, field, itemKeys, false);
    } else {
      // An item the pod does not have: the patch adds it; nothing can be added to it elsewhere.
      setChild(listNode, String(merged.length), sourceNode(setBy(field), null));
      if (key !== undefined) byKey.set(key, merged.length);
      merged.push(item);
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// A reader for the block YAML that pod spec patches are written in.

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly number: number;
}

class Unsupported extends Error {}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const INTEGER = /^[-+]?(0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?([0-9][0-9_]*)?\.[0-9]*([eE][-+]?[0-9]+)?$/;

/** A plain scalar as go-yaml v2 resolves it. */
function plainScalar(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (INTEGER.test(text) || (FLOAT.test(text) && /[0-9]/.test(text))) return Number(text.replace(/_/g, ''));
  const first = text[0];
  if (first === '&' || first === '*' || first === '!' || first === '|' || first === '>' || first === '%')
    throw new Unsupported(`"${first}" (anchors, aliases, tags, block scalars)`);
  if (first === '@' || first === '`') throw new Unsupported(`a scalar may not start with "${first}"`);
  return text;
}

/** A scalar or flow collection after `key:` or `- `. */
function scalar(text: string): unknown {
  const first = text[0];
  if (first === '"') {
    if (!text.endsWith('"') || text.length < 2) throw new Unsupported('a multi-line quoted scalar');
    return JSON.parse(text);
  }
  if (first === "'") {
    if (!text.endsWith("'") || text.length < 2) throw new Unsupported('a multi-line quoted scalar');
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text);
    } catch {
      throw new Unsupported('a flow collection that is not JSON');
    }
  }
  return plainScalar(text);
}

/** The text without a comment (`#` at the start or after a space, outside quotes). */
function withoutComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      if (i === 0 || text[i - 1] === ' ' || text[i - 1] === ':' || text[i - 1] === '-') quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ')) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

/** The index of the `:` that ends a mapping key, or -1. */
function keyEnd(text: string): number {
  if (text[0] === '"' || text[0] === "'") {
    const close = text.indexOf(text[0], 1);
    if (close < 0) return -1;
    return text[close + 1] === ':' && (close + 2 === text.length || text[close + 2] === ' ') ? close + 1 : -1;
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return i;
  }
  return -1;
}

function keyText(raw: string): string {
  if (raw[0] === '"') return JSON.parse(raw) as string;
  if (raw[0] === "'") return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

class BlockReader {
  index = 0;
  constructor(readonly lines: Line[]) {}

  depth = 0;

  block(indent: number): unknown {
    if (++this.depth > MAX_PATCH_DEPTH)
      throw new Unsupported(`nesting deeper than ${MAX_PATCH_DEPTH} levels`);
    try {
      return this.collection(indent);
    } finally {
      this.depth--;
    }
  }

  collection(indent: number): unknown {
    const line = this.lines[this.index];
    if (line === undefined || line.indent < indent) return null;
    if (line.text === '-' || line.text.startsWith('- ')) return this.sequence(line.indent);
    return this.mapping(line.indent);
  }

  sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let line = this.lines[this.index]; line !== undefined; line = this.lines[this.index]) {
      if (line.indent < indent) break;
      if (line.indent > indent) throw new Unsupported(`unexpected indentation at line ${line.number}`);
      if (!(line.text === '-' || line.text.startsWith('- '))) break;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        this.index++;
        const next = this.lines[this.index];
        out.push(next !== undefined && next.indent > indent ? this.block(next.indent) : null);
      } else if (rest === '-' || rest.startsWith('- ') || keyEnd(rest) >= 0) {
        // A compact nested collection: read it as if it started on a line of its own.
        const column = line.indent + (line.text.length - rest.length);
        this.lines[this.index] = { indent: column, text: rest, number: line.number };
        out.push(this.block(column));
      } else {
        this.index++;
        out.push(scalar(rest));
        this.noContinuation(indent);
      }
    }
    return out;
  }

  mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let line = this.lines[this.index]; line !== undefined; line = this.lines[this.index]) {
      if (line.indent < indent) break;
      if (line.indent > indent) throw new Unsupported(`unexpected indentation at line ${line.number}`);
      if (line.text === '-' || line.text.startsWith('- ')) break;
      const end = keyEnd(line.text);
      if (end < 0) throw new Unsupported(`line ${line.number} is not "key: value"`);
      const rawKey = line.text.slice(0, end).trim();
      if (rawKey === '' || '?{[&*!|>%@`'.includes(rawKey[0] as string) || rawKey === '<<')
        throw new Unsupported(`the key at line ${line.number}`);
      const key = keyText(rawKey);
      const rest = line.text.slice(end + 1).trim();
      this.index++;
      if (Object.hasOwn(out, key)) throw new Unsupported(`key "${key}" is repeated`);
      let value: unknown;
      if (rest !== '') {
        value = scalar(rest);
        this.noContinuation(indent);
      } else {
        const next = this.lines[this.index];
        if (next !== undefined && next.indent > indent) value = this.block(next.indent);
        else if (
          next !== undefined &&
          next.indent === indent &&
          (next.text === '-' || next.text.startsWith('- '))
        )
          value = this.sequence(indent);
        else value = null;
      }
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** A scalar continued on a more indented line is a multi-line scalar, which this reader leaves out. */
  noContinuation(indent: number): void {
    const next = this.lines[this.index];
    if (next !== undefined && next.indent > indent)
      throw new Unsupported(`a multi-line scalar at line ${next.number}`);
  }
}

/** Reads block YAML, or says what in it this reader does not read. */
export function readBlockYaml(text: string): { value: unknown } | { problem: string } {
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const line = (raw[i] as string).replace(/\r$/, '');
    const content = withoutComment(line);
    const body = content.trimStart();
    if (body === '') continue;
    const indentText = content.slice(0, content.length - body.length);
    if (indentText.includes('\t')) return { problem: `a tab in the indentation at line ${i + 1}` };
    if (body === '---' || body.startsWith('--- ') || body === '...')
      return { problem: `a document marker at line ${i + 1}` };
    lines.push({ indent: indentText.length, text: body, number: i + 1 });
  }
  if (lines.length === 0) return { value: null };
  const reader = new BlockReader(lines);
  try {
    const first = lines[0] as Line;
    const value =
      lines.length === 1 && keyEnd(first.text) < 0 && !first.text.startsWith('-')
        ? scalar(first.text)
        : reader.block(first.indent);
    if (lines.length > 1 || keyEnd(first.text) >= 0 || first.text.startsWith('-')) {
      const left = reader.lines[reader.index];
      if (left !== undefined) return { problem: `unexpected text at line ${left.number}` };
    }
    return { value };
  } catch (error) {
    if (error instanceof Unsupported) return { problem: `YAML podguard does not read: ${error.message}` };
    if (error instanceof SyntaxError) return { problem: `YAML podguard does not read: ${error.message}` };
    throw error;
  }
}
