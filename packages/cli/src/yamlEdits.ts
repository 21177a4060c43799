/**
 * Minimal text edits that turn a YAML (or JSON) document into its fixed value. The fixed value
 * comes from the core (`harden`); this module only works out where in the source text it differs
 * from the scanned value and edits those places, using the `yaml` package's source ranges:
 * a missing key is inserted at the indentation of its siblings (or inside `{...}`), a changed
 * scalar has its range replaced, a removed key or item has its lines removed. Everything else
 * (comments, flow style, folded scalars, quoting, numbers the fix does not touch) stays as written.
 */

import { escapePointerToken } from '@podguard/policy-core';
import { type Document, type Node, type Pair, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { isAlias, isMap, isPair, isScalar, isSeq } from './yamlNodes.js';

/** Replace `text[start, end)` by `text`; `start === end` inserts. Offsets are in the document's text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A fix that cannot be written as a minimal edit (through an alias, say): the document is left alone. */
export class UneditableError extends Error {
  override readonly name = 'UneditableError';
  constructor(
    message: string,
    /** Offset in the document's text the problem is at. */
    readonly offset: number,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Structural equality of JSON-like values (what `toJS` and `harden` produce). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) if (!Object.hasOwn(b, key) || !jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

/** How the document indents: measured from its own text, so inserted lines look like their neighbours. */
interface Layout {
  /** Extra indentation of a nested block mapping under its key. */
  unit: number;
  /** Extra indentation of a block sequence's `-` under its key (0 for `key:\n- a`). */
  seq: number;
}

const PLAIN_UNSAFE =
  /^(?:[-?:,[\]{}#&*!|>'"%@`]|[-?:]\s)|[\s:#]$|: | #|^(?:true|false|null|yes|no|on|off|y|n|~)$/i;
const NUMBER_LIKE = /^[-+]?(?:\.?\d|\.(?:inf|nan)$|0[box])/i;

/** A string as a plain scalar when that reads back as the same string, else double-quoted (JSON). */
function plainOrQuoted(value: string): string {
  if (value === '' || PLAIN_UNSAFE.test(value) || NUMBER_LIKE.test(value) || /[\n\t\\"]/.test(value))
    return JSON.stringify(value);
  return value;
}

function scalarText(value: unknown, json: boolean): string {
  if (typeof value === 'string') return json ? JSON.stringify(value) : plainOrQuoted(value);
  if (value === null || value === undefined) return 'null';
  return String(value);
}

/** A value in flow style on one line: `{a: 1, b: [x]}`, or JSON when `json`. */
function flowText(value: unknown, json: boolean): string {
  if (Array.isArray(value)) return `[${value.map((item) => flowText(item, json)).join(', ')}]`;
  if (isObject(value)) {
    const members = Object.entries(value).map(
      ([key, member]) => `${scalarText(key, json)}: ${flowText(member, json)}`,
    );
    return `{${members.join(', ')}}`;
  }
  return scalarText(value, json);
}

const isBlockCollection = (value: unknown): boolean =>
  (Array.isArray(value) && value.length > 0) || (isObject(value) && Object.keys(value).length > 0);

/** Block-style lines for `value` (a non-empty map or sequence), indented relative to its first line. */
function relativeLines(value: unknown, layout: Layout): string[] {
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isBlockCollection(item)) {
        const [head, ...rest] = relativeLines(item, layout);
        lines.push(`- ${head}`, ...rest.map((line) => `  ${line}`));
      } else lines.push(`- ${flowText(item, false)}`);
    }
  } else if (isObject(value)) {
    for (const [key, member] of Object.entries(value)) lines.push(...memberLines(key, member, layout));
  }
  return lines;
}

/**
 * Block-style lines for `value`: the first without indentation (it follows `- ` or starts where
 * the replaced node started), the others indented from `column`.
 */
function blockLines(value: unknown, column: number, layout: Layout): string[] {
  const pad = ' '.repeat(column);
  return relativeLines(value, layout).map((line, i) => (i === 0 ? line : `${pad}${line}`));
}

/** `key: value` as block lines, indented relative to the key. */
function memberLines(key: string, value: unknown, layout: Layout): string[] {
  const head = `${scalarText(key, false)}:`;
  if (!isBlockCollection(value)) return [`${head} ${flowText(value, false)}`];
  const indent = ' '.repeat(Array.isArray(value) ? layout.seq : layout.unit);
  return [head, ...relativeLines(value, layout).map((line) => `${indent}${line}`)];
}

/** The first node of an entry: a pair's key, or the item itself. */
const entryStart = (entry: Pair | Node): Node => (isPair(entry) ? (entry.key as Node) : entry);
/** The last node of an entry: a pair's value (its key when it has none), or the item itself. */
const entryEnd = (entry: Pair | Node): Node =>
  isPair(entry) ? ((entry.value as Node | null) ?? (entry.key as Node)) : entry;

/** Edits one document. Offsets are into `text`, the document's source as parsed. */
class DocumentEditor {
  readonly edits: TextEdit[] = [];
  private readonly layout: Layout;

  constructor(
    private readonly text: string,
    private readonly json: boolean,
    contents: unknown,
  ) {
    this.layout = measureLayout(text, contents);
  }

  /** Column (0-based) of an offset. */
  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Nothing but spaces before `offset` on its line. */
  private startsLine(offset: number): boolean {
    return this.text.slice(this.lineStart(offset), offset).trim() === '';
  }

  /**
   * Where lines inserted after `node` go: the start of the line after its last content (a
   * trailing comment on that line stays with it), or the end of the text.
   */
  private afterLine(node: Node): number {
    const valueEnd = position(node, '')[1];
    if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
      // A block scalar's value ends at a line start; blank lines after it may be its own (`|+`).
      if (valueEnd > 0 && this.text[valueEnd - 1] === '\n') return valueEnd;
    }
    const newline = this.text.indexOf('\n', this.contentEnd(node) - 1);
    return newline === -1 ? this.text.length : newline + 1;
  }

  /** The offset after a node's last character of content (not its trailing comment or blank lines). */
  private contentEnd(node: Node): number {
    const [start, valueEnd] = position(node, '');
    let last = valueEnd - 1;
    while (last > start && /\s/.test(this.text[last] as string)) last--;
    return last + 1;
  }

  /** Inserts whole lines (given without newlines) after `node`. */
  private insertLinesAfter(node: Node, lines: string[]): void {
    const at = this.afterLine(node);
    const body = lines.join('\n');
    if (at === this.text.length && !this.text.endsWith('\n')) this.push(at, at, `\n${body}`);
    else this.push(at, at, `${body}\n`);
  }

  private push(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text });
  }

  /** Flow collections written JSON-style (`{"a": 1}`) get JSON-style insertions. */
  private jsonStyle(node: Node): boolean {
    if (this.json) return true;
    const first = isMap(node) ? node.items[0]?.key : isSeq(node) ? node.items[0] : null;
    return isScalar(first) && first.type === Scalar.QUOTE_DOUBLE;
  }

  /**
   * Edits `node` (whose value is `before`) so that it reads as `after`. `inFlow`: the node is an
   * entry of a flow collection, where only flow style may go.
   */
  diff(node: unknown, before: unknown, after: unknown, path: string, inFlow: boolean): void {
    if (jsonEqual(before, after)) return;
    if (isAlias(node)) {
      throw new UneditableError(
        `${path || '/'} comes from an alias (*${node.source}); the fix would change every use of it`,
        node.range?.[0] ?? 0,
      );
    }
    if (isMap(node) && isObject(before) && isObject(after)) this.diffMap(node, before, after, path);
    else if (isSeq(node) && Array.isArray(before) && Array.isArray(after)) {
      this.diffSeq(node, before, after, path);
    } else this.replace(node as Node, after, path, inFlow);
  }

  private diffMap(node: YAMLMap, before: JsonObject, after: JsonObject, path: string): void {
    const pairs = new Map<string, Pair>();
    for (const item of node.items) {
      if (isScalar(item.key) && !pairs.has(String(item.key.value))) pairs.set(String(item.key.value), item);
    }
    const removed = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
    const added: string[] = [];
    for (const [key, value] of Object.entries(after)) {
      const pair = pairs.get(key);
      if (!Object.hasOwn(before, key)) added.push(key);
      else if (jsonEqual(before[key], value)) continue;
      // A value that came from a merge key (`<<`) is overridden by a key of the map's own.
      else if (!pair) added.push(key);
      else
        this.diffMember(pair, before[key], value, `${path}/${escapePointerToken(key)}`, node.flow === true);
    }
    if (removed.length > 0) {
      const own = removed.map((key) => {
        const pair = pairs.get(key);
        if (!pair) {
          throw new UneditableError(
            `${path}/${escapePointerToken(key)} comes from a merge key (<<); removing it needs a hand edit`,
            node.range?.[0] ?? 0,
          );
        }
        return pair;
      });
      if (own.length === node.items.length && added.length > 0) {
        // Nothing of the mapping stays: it is written anew.
        this.replace(node, after, path, false);
        return;
      }
      if (own.length === node.items.length) {
        this.replaceBlock(node, '{}');
        return;
      }
      this.removeEntries(node, new Set(own), path);
    }
    if (added.length > 0) this.insertMembers(node, added, after, path);
  }

  private diffMember(pair: Pair, before: unknown, after: unknown, path: string, inFlow: boolean): void {
    const value = pair.value as Node | null;
    if (!inFlow && isBlockCollection(after) && (value === null || isScalar(value))) {
      // `key:`, `key: null` or `key: value` that becomes a block collection: on the following lines.
      const key = pair.key as Node;
      const [keyStart, keyEnd] = position(key, path);
      const colon = this.text.indexOf(':', keyEnd);
      const column = this.column(keyStart);
      const end = value ? this.contentEnd(value) : colon + 1;
      const lines = memberLines('x', after, this.layout).slice(1);
      this.push(colon + 1, end, lines.map((line) => `\n${' '.repeat(column)}${line}`).join(''));
      return;
    }
    if (value === null) {
      const [, keyEnd] = position(pair.key as Node, path);
      const colon = this.text.indexOf(':', keyEnd);
      this.push(colon + 1, colon + 1, ` ${flowText(after, this.json)}`);
      return;
    }
    this.diff(value, before, after, path, inFlow);
  }

  private diffSeq(node: YAMLSeq, before: unknown[], after: unknown[], path: string): void {
    if (after.length < before.length) {
      // Removed items (an unsafe fix dropping a capability, say): remove them if `after` is
      // `before` without some items, else rewrite the sequence.
      const kept = new Set<number>();
      let j = 0;
      for (let i = 0; i < before.length && j < after.length; i++) {
        if (jsonEqual(before[i], after[j])) {
          kept.add(i);
          j++;
        }
      }
      if (j < after.length) {
        this.replace(node, after, path, false);
        return;
      }
      if (after.length === 0) {
        this.replaceBlock(node, '[]');
        return;
      }
      this.removeEntries(node, new Set(node.items.filter((_, i) => !kept.has(i)) as Node[]), path);
      return;
    }
    for (let i = 0; i < before.length; i++) {
      this.diff(node.items[i], before[i], after[i], `${path}/${i}`, node.flow === true);
    }
    if (after.length > before.length) this.appendItems(node, after.slice(before.length));
  }

  /** Replaces a whole node (a scalar, or a collection whose shape changed) by `value`. */
  private replace(node: Node, value: unknown, path: string, inFlow: boolean): void {
    const [start, valueEnd] = position(node, path);
    const collection = isMap(node) || isSeq(node);
    if (!isBlockCollection(value)) {
      if (collection && node.flow !== true) this.replaceBlock(node, this.scalarLike(node, value));
      else this.push(start, isScalar(node) ? this.contentEnd(node) : valueEnd, this.scalarLike(node, value));
      return;
    }
    if (this.json || inFlow || (collection && node.flow === true)) {
      this.push(start, this.contentEnd(node), flowText(value, this.json || this.jsonStyle(node)));
      return;
    }
    if (isSeq(node) && !Array.isArray(value) && this.startsLine(start)) {
      // A sequence may sit at its key's column; a mapping in its place is indented past the key.
      const column = this.column(start) + this.layout.unit;
      const lines = blockLines(value, column, this.layout).join('\n');
      this.push(this.lineStart(start), this.contentEnd(node), `${' '.repeat(column)}${lines}`);
      return;
    }
    // A block collection (or a sequence item) starts where the node started: `- a: 1` or `a: 1`.
    this.push(start, this.contentEnd(node), blockLines(value, this.column(start), this.layout).join('\n'));
  }

  /**
   * A one-line value (`{}`, `[]`, a scalar) in the place of a block collection. One that starts a
   * line is indented past its key (a sequence may sit at its key's column; a scalar may not).
   */
  private replaceBlock(node: YAMLMap | YAMLSeq, text: string): void {
    const [start] = position(node, '');
    const end = this.contentEnd(node);
    if (node.flow !== true && this.startsLine(start)) {
      this.push(this.lineStart(start), end, `${' '.repeat(this.column(start) + 2)}${text}`);
    } else this.push(start, end, text);
  }

  /** A scalar in the place of `node`, keeping its quoting when the new value is a string. */
  private scalarLike(node: Node, value: unknown): string {
    if (Array.isArray(value) || isObject(value)) return flowText(value, this.json || this.jsonStyle(node));
    if (typeof value === 'string' && isScalar(node)) {
      if (node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
      if (node.type === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
    }
    return scalarText(value, this.json);
  }

  /** Removes some pairs of a mapping or items of a sequence (not all of them). */
  private removeEntries(parent: YAMLMap | YAMLSeq, removed: ReadonlySet<Pair | Node>, path: string): void {
    const items = parent.items as (Pair | Node)[];
    if (parent.flow) {
      // Each run of removed entries goes up to the next kept entry (`a: 1, `), or, at the end,
      // from the kept entry before it (`, a: 1`).
      for (let i = 0; i < items.length; i++) {
        if (!removed.has(items[i] as Pair | Node)) continue;
        let last = i;
        while (last + 1 < items.length && removed.has(items[last + 1] as Pair | Node)) last++;
        const next = items[last + 1];
        const previous = items[i - 1];
        const end = this.contentEnd(entryEnd(items[last] as Pair | Node));
        if (next)
          this.push(
            position(entryStart(items[i] as Pair | Node), path)[0],
            position(entryStart(next), path)[0],
            '',
          );
        else if (previous) this.push(this.contentEnd(entryEnd(previous)), end, '');
        i = last;
      }
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const entry = items[i] as Pair | Node;
      if (!removed.has(entry)) continue;
      const [start] = position(entryStart(entry), path);
      const from = isSeq(parent) ? this.text.lastIndexOf('-', start - 1) : start;
      if (this.startsLine(from)) {
        this.removeLines(from, entryEnd(entry));
        continue;
      }
      // The first key of a sequence item (`- name: a`): the first kept key moves up after the `- `.
      let kept = i + 1;
      while (kept < items.length && removed.has(items[kept] as Pair | Node)) kept++;
      const next = items[kept];
      if (!isMap(parent) || !next) {
        throw new UneditableError(`${path} shares its line with another entry; remove it by hand`, from);
      }
      this.push(start, position(entryStart(next), path)[0], '');
      i = kept;
    }
  }

  /** Removes the lines from `from`'s line to the end of `last`'s last line. */
  private removeLines(from: number, last: Node): void {
    const to = this.afterLine(last);
    // The last line of the text has no newline of its own: take the one before it.
    if (to === this.text.length && !this.text.endsWith('\n') && this.lineStart(from) > 0) {
      this.push(this.lineStart(from) - 1, to, '');
    } else this.push(this.lineStart(from), to, '');
  }

  /** Adds `keys` (with their values in `after`) at the end of a mapping. */
  private insertMembers(node: YAMLMap, keys: string[], after: JsonObject, path: string): void {
    if (node.flow) {
      this.insertFlow(
        node,
        keys.map((key) => ({ key, value: after[key] })),
        path,
      );
      return;
    }
    const first = node.items[0];
    const last = node.items[node.items.length - 1];
    if (!first || !last) throw new UneditableError(`${path || '/'} is an empty block mapping`, 0);
    const column = this.column(position(first.key as Node, path)[0]);
    const pad = ' '.repeat(column);
    const lines: string[] = [];
    for (const key of keys) {
      lines.push(...memberLines(key, after[key], this.layout).map((line) => `${pad}${line}`));
    }
    this.insertLinesAfter(entryEnd(last), lines);
  }

  /** Appends items to a sequence. */
  private appendItems(node: YAMLSeq, items: unknown[]): void {
    if (node.flow) {
      this.insertFlow(
        node,
        items.map((value) => ({ value })),
        '',
      );
      return;
    }
    const firstStart = position(node.items[0] as Node, '')[0];
    const dash = this.text.lastIndexOf('-', firstStart - 1);
    const dashColumn = this.column(dash);
    // `-   x` keeps its spacing: new items are written like the first one.
    const gap = firstStart - dash;
    const pad = ' '.repeat(dashColumn);
    const marker = `-${' '.repeat(gap - 1)}`;
    const lines: string[] = [];
    for (const item of items) {
      if (isBlockCollection(item)) {
        const [head, ...rest] = blockLines(item, dashColumn + gap, this.layout);
        lines.push(`${pad}${marker}${head}`, ...rest);
      } else lines.push(`${pad}${marker}${flowText(item, false)}`);
    }
    this.insertLinesAfter(node.items[node.items.length - 1] as Node, lines);
  }

  /**
   * Inserts entries into a flow collection. When its entries are on lines of their own (pretty
   * JSON), each new entry gets its own line and nested values are spread out the same way.
   */
  private insertFlow(node: YAMLMap | YAMLSeq, entries: FlowEntry[], path: string): void {
    const json = this.jsonStyle(node);
    const [start] = position(node, path);
    const items = node.items as (Pair | Node)[];
    const last = items[items.length - 1];
    const oneLine = (entry: FlowEntry) =>
      `${entry.key === undefined ? '' : `${scalarText(entry.key, json)}: `}${flowText(entry.value, json)}`;
    if (!last) {
      // `{}` or `[]`: right after the opening bracket.
      this.push(start + 1, start + 1, entries.map(oneLine).join(', '));
      return;
    }
    const end = this.contentEnd(entryEnd(last));
    const lastStart = position(entryStart(last), path)[0];
    if (this.lineStart(lastStart) > start && this.startsLine(lastStart)) {
      const column = this.column(lastStart);
      const pad = ' '.repeat(column);
      // Pretty JSON (the closing bracket on a line of its own) spreads nested values too.
      const closing = position(node, path)[1] - 1;
      const pretty = this.startsLine(closing);
      const unit = Math.max(1, column - this.column(closing));
      const spread = (entry: FlowEntry) => {
        const value = pretty
          ? prettyFlow(entry.value, json, unit).replaceAll('\n', `\n${pad}`)
          : flowText(entry.value, json);
        return `${entry.key === undefined ? '' : `${scalarText(entry.key, json)}: `}${value}`;
      };
      this.push(end, end, entries.map((entry) => `,\n${pad}${spread(entry)}`).join(''));
    } else this.push(end, end, entries.map((entry) => `, ${oneLine(entry)}`).join(''));
  }
}

interface FlowEntry {
  key?: string;
  value: unknown;
}

/** A value in flow style spread over lines, as `JSON.stringify(value, null, unit)` prints JSON. */
function prettyFlow(value: unknown, json: boolean, unit: number): string {
  const pad = ' '.repeat(unit);
  const inner = (text: string) => text.replaceAll('\n', `\n${pad}`);
  if (Array.isArray(value) && value.length > 0) {
    return `[\n${pad}${value.map((item) => inner(prettyFlow(item, json, unit))).join(`,\n${pad}`)}\n]`;
  }
  if (isObject(value) && Object.keys(value).length > 0) {
    const members = Object.entries(value).map(
      ([key, member]) => `${scalarText(key, json)}: ${inner(prettyFlow(member, json, unit))}`,
    );
    return `{\n${pad}${members.join(`,\n${pad}`)}\n}`;
  }
  return flowText(value, json);
}

/** A node's source range; a node without one (never in parsed documents) cannot be edited. */
function position(node: Node, path: string): [number, number, number] {
  if (!node.range) throw new UneditableError(`${path || '/'} has no source position`, 0);
  return node.range;
}

/** Indentation of nested mappings and sequences, as the document writes them (2 and 0/2 when unknown). */
function measureLayout(text: string, contents: unknown): Layout {
  let unit: number | undefined;
  let seq: number | undefined;
  const column = (offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  const visit = (node: unknown, depth: number): void => {
    if ((unit !== undefined && seq !== undefined) || depth > 50) return;
    if (isMap(node) && !node.flow) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        const keyStart = key?.range?.[0];
        if (keyStart === undefined || !value) continue;
        if (isMap(value) && !value.flow && unit === undefined) {
          const child = (value.items[0]?.key as Node | undefined)?.range?.[0];
          if (child !== undefined) unit = column(child) - column(keyStart);
        }
        if (isSeq(value) && !value.flow && seq === undefined) {
          const item = (value.items[0] as Node | undefined)?.range?.[0];
          if (item !== undefined) seq = column(text.lastIndexOf('-', item - 1)) - column(keyStart);
        }
        visit(value, depth + 1);
      }
    } else if (isSeq(node) && !node.flow) {
      for (const item of node.items) visit(item, depth + 1);
    }
  };
  visit(contents, 0);
  const measuredUnit = unit !== undefined && unit > 0 ? unit : 2;
  return { unit: measuredUnit, seq: seq !== undefined && seq >= 0 ? seq : measuredUnit };
}

/**
 * The edits that turn `document` (parsed from `text`, whose value is `before`) into `after`.
 * `json` writes inserted text as JSON (for `.json` files). Throws {@link UneditableError} when a
 * change cannot be made as a local edit.
 */
export function documentEdits(
  document: Document,
  text: string,
  before: unknown,
  after: unknown,
  json = false,
): TextEdit[] {
  const editor = new DocumentEditor(text, json, document.contents);
  editor.diff(document.contents, before, after, '', false);
  return editor.edits;
}

/** Edits for one node of a document (an item of a `kind: List`, say), with the document's layout. */
export function nodeEdits(
  document: Document,
  text: string,
  node: unknown,
  before: unknown,
  after: unknown,
  path: string,
  json = false,
): TextEdit[] {
  const editor = new DocumentEditor(text, json, document.contents);
  editor.diff(node, before, after, path, false);
  return editor.edits;
}

/** Applies edits to a text (for checking the result: the file itself is edited byte by byte). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** Edits in text order (stable for insertions at one place); overlapping edits are a bug, reported. */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || a.order - b.order)
    .map(({ edit }) => edit);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as TextEdit;
    if ((sorted[i] as TextEdit).start < previous.end) {
      throw new UneditableError('two fixes edit the same text', previous.start);
    }
  }
  return sorted;
}

export type { Json };
