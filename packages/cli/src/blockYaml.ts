/**
 * A fast reader for the YAML that tools print and most people write: kubectl, Helm and the `yaml`
 * package's `stringify` give block mappings and sequences of single-line plain and quoted scalars,
 * with single-line flow collections (`{app: web}`, `[ALL]`) and comments. For such a document it
 * gives exactly what the `yaml` package gives through kubeYaml.ts (the same value, go-yaml v2's
 * scalars, the same node offsets for JSON pointers, the same line and column), several times
 * faster and with a fraction of the allocations; for anything else it gives undefined, and the
 * caller parses with the `yaml` package, which reports what is invalid. Left to it: anchors,
 * aliases, tags, merge keys, block scalars (`|`, `>`), scalars over several lines, escapes in
 * double quotes, tabs, repeated keys, unusual keys, and any indentation it does not expect.
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  QUOTE as DOUBLE_QUOTE,
  lineColumn,
  OPEN_BRACE,
  OPEN_BRACKET,
} from './jsonIndex.js';
import { jsonKey, resolveGoYamlPlain, setKey } from './kubeYaml.js';
import { unescapeToken } from './sourceMap.js';

/** A document read by {@link readBlockYaml}. */
export interface BlockYaml {
  readonly value: unknown;
  /**
   * The offset of the node a JSON pointer names, or of its nearest existing ancestor; of a mapping
   * member, its key's (as sourceMap.ts `offsetOf` gives it from the `yaml` package's ranges).
   */
  offsetOf(pointer: string): number;
  /** The 1-based line and column of an offset (as the `yaml` package's `LineCounter.linePos`). */
  linePos(offset: number): { line: number; col: number };
}

/** Thrown inside the reader for anything it leaves to the `yaml` package. */
const UNREAD = new Error('not plain block YAML');

interface Line {
  /** Column of its first character. */
  indent: number;
  /** Offsets of its first and past its last non-blank character. */
  start: number;
  end: number;
}

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const SINGLE_QUOTE = 39;

/** A character a plain key may start with here: letters, digits, `_ . / $`, and anything beyond ASCII. */
function plainKeyStart(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 46 ||
    code === 47 ||
    code === 36 ||
    code > 127
  );
}

/**
 * Whether a plain scalar may start with this character here: not a YAML indicator (`-` only when
 * the next character, a space at the end of the line, is not a space).
 */
function plainStart(code: number, next: number): boolean {
  switch (code) {
    case DASH:
      return next !== SPACE;
    case 63: // ?
    case COLON:
    case COMMA:
    case OPEN_BRACKET:
    case CLOSE_BRACKET:
    case OPEN_BRACE:
    case CLOSE_BRACE:
    case HASH:
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case SINGLE_QUOTE:
    case DOUBLE_QUOTE:
    case 37: // %
    case 64: // @
    case 96: // `
      return false;
    default:
      return true;
  }
}

/** Reads `text` (one document, no markers) when it is plain block YAML; else undefined. */
export function readBlockYaml(text: string): BlockYaml | undefined {
  // Tabs, a byte order mark, and what YAML 1.1 counts as line breaks besides LF.
  if (/[\t\r\ufeff\u0085\u2028\u2029]/.test(text)) return undefined;
  const lineStarts: number[] = [];
  const lines: Line[] = [];
  for (let start = 0; ; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineStarts.push(start);
    let first = start;
    while (first < end && text.charCodeAt(first) === SPACE) first++;
    if (first < end && text.charCodeAt(first) !== HASH) {
      let last = end;
      while (text.charCodeAt(last - 1) === SPACE) last--;
      lines.push({ indent: first - start, start: first, end: last });
    }
    if (end === text.length) break;
    start = end + 1;
  }
  const root = lines[0];
  if (root === undefined) return undefined;
  /** Per mapping, its keys' offsets; per sequence, its items'. */
  const offsets = new WeakMap<object, Map<string, number> | number[]>();
  let at = 0;

  const isEntry = (line: Line) =>
    text.charCodeAt(line.start) === DASH &&
    (line.end === line.start + 1 || text.charCodeAt(line.start + 1) === SPACE);

  /** Past the closing quote of a quoted scalar starting at `start`, on its line; -1 if none (or an escape). */
  function quotedEnd(start: number, end: number): number {
    const quote = text.charCodeAt(start);
    for (let i = start + 1; i < end; i++) {
      const code = text.charCodeAt(i);
      if (quote === DOUBLE_QUOTE && code === BACKSLASH) return -1;
      if (code !== quote) continue;
      if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE && i + 1 < end) {
        i++;
        continue;
      }
      return i + 1;
    }
    return -1;
  }

  function quoted(start: number, close: number): string {
    const inner = text.slice(start + 1, close - 1);
    return text.charCodeAt(start) === SINGLE_QUOTE ? inner.replaceAll("''", "'") : inner;
  }

  /** The offset of the `:` that ends the key a line starts with, or -1 if it starts with none. */
  function keyEnd(line: Line): number {
    const first = text.charCodeAt(line.start);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const close = quotedEnd(line.start, line.end);
      if (close < 0 || text.charCodeAt(close) !== COLON) return -1;
      return close + 1 === line.end || text.charCodeAt(close + 1) === SPACE ? close : -1;
    }
    if (!plainKeyStart(first)) return -1;
    for (let i = line.start + 1; i < line.end; i++) {
      const code = text.charCodeAt(i);
      if (code === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
      if (code !== COLON) continue;
      // A key with a `:` of its own, or spaces before its `:`: left to the yaml package.
      if (i + 1 < line.end && text.charCodeAt(i + 1) !== SPACE) return -1;
      return text.charCodeAt(i - 1) === SPACE ? -1 : i;
    }
    return -1;
  }

  function keyOf(start: number, colon: number): string {
    const first = text.charCodeAt(start);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) return quoted(start, colon);
    return jsonKey(resolveGoYamlPlain(text.slice(start, colon)));
  }

  function node(indent: number): unknown {
    return isEntry(lines[at] as Line) ? sequence(indent) : mapping(indent);
  }

  function mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, number>();
    offsets.set(out, keys);
    while (at < lines.length) {
      const line = lines[at] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent || isEntry(line)) throw UNREAD;
      const colon = keyEnd(line);
      if (colon < 0) throw UNREAD;
      const key = keyOf(line.start, colon);
      if (keys.has(key)) throw UNREAD;
      keys.set(key, line.start);
      let start = colon + 1;
      while (start < line.end && text.charCodeAt(start) === SPACE) start++;
      at++;
      const next = lines[at];
      let value: unknown = null;
      if (start === line.end || text.charCodeAt(start) === HASH) {
        if (next !== undefined && next.indent > indent) value = node(next.indent);
        else if (next !== undefined && next.indent === indent && isEntry(next)) value = sequence(indent);
      } else {
        value = inline(start, line.end);
        // A scalar continued on the next lines: left to the yaml package.
        if (next !== undefined && next.indent > indent) throw UNREAD;
      }
      setKey(out, key, value);
    }
    return out;
  }

  function sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    const starts: number[] = [];
    offsets.set(out, starts);
    while (at < lines.length) {
      const line = lines[at] as Line;
      if (line.indent < indent) break;
      if (line.indent > indent) throw UNREAD;
      // A key at the sequence's column: the mapping that holds it goes on.
      if (!isEntry(line)) break;
      if (line.end === line.start + 1) throw UNREAD;
      let item = line.start + 1;
      while (text.charCodeAt(item) === SPACE) item++;
      const first = text.charCodeAt(item);
      if (
        first === HASH ||
        (first === DASH && (item + 1 === line.end || text.charCodeAt(item + 1) === SPACE))
      )
        throw UNREAD;
      starts.push(item);
      const column = line.indent + item - line.start;
      const compact: Line = { indent: column, start: item, end: line.end };
      if (keyEnd(compact) >= 0) {
        // `- name: web`: a mapping whose keys are at the item's column.
        lines[at] = compact;
        out.push(mapping(column));
        continue;
      }
      at++;
      out.push(inline(item, line.end));
      const next = lines[at];
      if (next !== undefined && next.indent > indent) throw UNREAD;
    }
    return out;
  }

  /** A value that ends its line (before a comment): a quoted or plain scalar, or a flow collection. */
  function inline(start: number, end: number): unknown {
    const first = text.charCodeAt(start);
    let value: unknown;
    let after: number;
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      after = quotedEnd(start, end);
      if (after < 0) throw UNREAD;
      value = quoted(start, after);
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      [value, after] = flow(start, end);
    } else {
      if (!plainStart(first, start + 1 < end ? text.charCodeAt(start + 1) : SPACE)) throw UNREAD;
      let stop = start + 1;
      while (stop < end && !(text.charCodeAt(stop) === HASH && text.charCodeAt(stop - 1) === SPACE)) stop++;
      while (text.charCodeAt(stop - 1) === SPACE) stop--;
      const raw = text.slice(start, stop);
      if (raw.includes(': ') || raw.endsWith(':')) throw UNREAD;
      return resolveGoYamlPlain(raw);
    }
    let rest = after;
    while (rest < end && text.charCodeAt(rest) === SPACE) rest++;
    if (rest < end && !(text.charCodeAt(rest) === HASH && rest > after)) throw UNREAD;
    return value;
  }

  const skip = (from: number, end: number) => {
    let i = from;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    return i;
  };

  /** A flow collection on one line: its value and the offset past it. */
  function flow(start: number, end: number): [unknown, number] {
    let i = skip(start + 1, end);
    if (text.charCodeAt(start) === OPEN_BRACKET) {
      const out: unknown[] = [];
      const starts: number[] = [];
      offsets.set(out, starts);
      if (text.charCodeAt(i) === CLOSE_BRACKET) return [out, i + 1];
      for (;;) {
        starts.push(i);
        const [value, past] = flowValue(i, end);
        out.push(value);
        i = skip(past, end);
        const code = text.charCodeAt(i);
        if (code === CLOSE_BRACKET) return [out, i + 1];
        if (code !== COMMA) throw UNREAD;
        i = skip(i + 1, end);
      }
    }
    const out: Record<string, unknown> = {};
    const keys = new Map<string, number>();
    offsets.set(out, keys);
    if (text.charCodeAt(i) === CLOSE_BRACE) return [out, i + 1];
    for (;;) {
      const keyStart = i;
      const first = text.charCodeAt(i);
      let key: string;
      if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
        const close = quotedEnd(i, end);
        if (close < 0) throw UNREAD;
        key = quoted(i, close);
        i = close;
      } else {
        if (!plainKeyStart(first)) throw UNREAD;
        while (i < end && !isFlowStop(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i - 1) === SPACE) throw UNREAD;
        key = jsonKey(resolveGoYamlPlain(text.slice(keyStart, i)));
      }
      if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SPACE || keys.has(key)) throw UNREAD;
      keys.set(key, keyStart);
      const [value, past] = flowValue(skip(i + 2, end), end);
      setKey(out, key, value);
      i = skip(past, end);
      const code = text.charCodeAt(i);
      if (code === CLOSE_BRACE) return [out, i + 1];
      if (code !== COMMA) throw UNREAD;
      i = skip(i + 1, end);
    }
  }

  function flowValue(start: number, end: number): [unknown, number] {
    if (start >= end) throw UNREAD;
    const first = text.charCodeAt(start);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) return flow(start, end);
    if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
      const close = quotedEnd(start, end);
      if (close < 0) throw UNREAD;
      return [quoted(start, close), close];
    }
    if (!plainStart(first, start + 1 < end ? text.charCodeAt(start + 1) : SPACE)) throw UNREAD;
    let i = start;
    while (i < end && !isFlowStop(text.charCodeAt(i))) i++;
    const stop = text.charCodeAt(i);
    // `a: b` in a sequence, `http://x`, a comment, a nested opening: left to the yaml package.
    if (stop === COLON || stop === HASH || stop === OPEN_BRACE || stop === OPEN_BRACKET || i >= end)
      throw UNREAD;
    let last = i;
    while (text.charCodeAt(last - 1) === SPACE) last--;
    return [resolveGoYamlPlain(text.slice(start, last)), i];
  }

  let value: unknown;
  try {
    value = node(root.indent);
  } catch (error) {
    // Nested past the stack: the yaml package reports it.
    if (error === UNREAD || error instanceof RangeError) return undefined;
    throw error;
  }
  if (at !== lines.length) return undefined;

  return {
    value,
    offsetOf(pointer: string): number {
      let current: unknown = value;
      let offset = root.start;
      if (pointer === '') return offset;
      for (const raw of pointer.slice(1).split('/')) {
        const table = typeof current === 'object' && current !== null ? offsets.get(current) : undefined;
        if (table === undefined) break;
        const token = unescapeToken(raw);
        if (Array.isArray(table)) {
          const index = Number(token);
          const at = Number.isInteger(index) ? table[index] : undefined;
          if (at === undefined) break;
          offset = at;
          current = (current as unknown[])[index];
        } else {
          const at = table.get(token);
          if (at === undefined) break;
          offset = at;
          current = (current as Record<string, unknown>)[token];
        }
      }
      return offset;
    },
    linePos(offset: number) {
      const { line, column } = lineColumn(lineStarts, offset);
      return { line, col: column };
    },
  };
}

/** Characters that end a plain scalar or key in a flow collection (or a comment, or a nested one). */
function isFlowStop(code: number): boolean {
  return (
    code === COMMA ||
    code === COLON ||
    code === CLOSE_BRACE ||
    code === CLOSE_BRACKET ||
    code === OPEN_BRACE ||
    code === OPEN_BRACKET ||
    code === HASH
  );
}
