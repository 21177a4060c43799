/**
 * Reads the items of a List (what `kubectl get -o yaml|json` prints) one at a time, so a cluster
 * dump of any size is evaluated in memory bounded by its largest object, not by the dump.
 *
 * A document is read as a List when its first top-level keys are `apiVersion` (and `kind`) and the
 * next one is `items` with a sequence: the order kubectl prints (keys sorted: apiVersion, items,
 * kind, metadata). Anything else is decided "plain" on its first lines and read whole, as before.
 * Each item keeps its lines: its text parses alone, and its positions are those of the file.
 */
import { parse } from 'yaml';
import { InputProblem } from './inputProblem.js';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
} from './jsonIndex.js';

/** One item of a List, as text with its place in the file. */
export interface ListItem {
  /** Index of the item in the List's `items`. */
  index: number;
  text: string;
  /** 1-based line of the item's first line. */
  firstLine: number;
  lastLine: number;
  /**
   * Where the item's value is in the parsed text: YAML items keep their `- ` and parse as a
   * one-element sequence (`/0`); JSON items parse as the value itself (``).
   */
  pointer: '' | '/0';
  /** Columns before the item's text on its first line (JSON items start mid-line). */
  columnOffset: number;
  /**
   * JSON items: the object members (`"key":`) counted while scanning, when every one was seen. The
   * parsed value has as many unless a key repeats, so a reader checks repeats only then.
   */
  members?: number;
}

/** What a scanner decided about its document: a List read item by item, or a plain document. */
export type ListDecision = 'list' | 'plain' | undefined;

/** Reads one document's lines as a List, once it has decided the document is one. */
export interface ListScanner {
  /** Takes the document's next line; says what was decided, once it is known. */
  push(line: string, lineNumber: number): ListDecision;
  /** Ends the document: emits the last item, checks the List's kind. @throws InputProblem */
  close(lastLine: number): void;
  /** Items emitted so far. */
  readonly items: number;
}

/** Lines a scanner may look at before it must decide (a List says so in its first lines). */
export const DECISION_LINES = 64;

const isContent = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');
const HEADER_KEYS = new Set(['apiVersion', 'kind']);

/** Checks what a List read item by item says of itself once it has ended. */
function checkEnvelope(kind: unknown, apiVersion: unknown, line: number): void {
  if (typeof apiVersion === 'string' && typeof kind === 'string' && kind.endsWith('List')) return;
  throw new InputProblem(
    `a document that starts with apiVersion and items is read as a List (kubectl get), but its kind is ${
      typeof kind === 'string' ? `"${kind}"` : 'missing'
    }`,
    line,
    1,
  );
}

/** A YAML List in block style: `items:` at column 0, its items `- ` at one indentation. */
export class YamlListScanner implements ListScanner {
  items = 0;
  private state: 'header' | 'items' | 'trailer' = 'header';
  private readonly header: string[] = [];
  private readonly trailer: string[] = [];
  private readonly keys = new Set<string>();
  private indent: number | undefined;
  private item: { lines: string[]; firstLine: number } | undefined;
  private seen = 0;
  private firstLine = 0;

  constructor(private readonly emit: (item: ListItem) => void) {}

  push(line: string, lineNumber: number): ListDecision {
    if (this.state === 'header') {
      if (this.seen++ === 0) this.firstLine = lineNumber;
      if (!isContent(line)) {
        this.header.push(line);
        return this.seen > DECISION_LINES ? 'plain' : undefined;
      }
      const match = /^([A-Za-z]+):(.*)$/.exec(line);
      if (!match) return 'plain';
      const key = match[1] as string;
      const rest = (match[2] as string).trim();
      if (key === 'items' && (rest === '' || rest.startsWith('#'))) {
        if (!this.keys.has('apiVersion')) return 'plain';
        this.state = 'items';
        return 'list';
      }
      if (!HEADER_KEYS.has(key) || rest === '' || this.seen > DECISION_LINES) return 'plain';
      // `kind` before `items` must name a List (`kind: List`, `kind: PodList`).
      if (key === 'kind' && !/^["']?[A-Za-z]*List["']?\s*(#.*)?$/.test(rest)) return 'plain';
      this.keys.add(key);
      this.header.push(line);
      return undefined;
    }
    if (this.state === 'trailer') {
      this.trailer.push(line);
      return undefined;
    }
    if (!isContent(line)) {
      this.item?.lines.push(line);
      return undefined;
    }
    const indent = line.length - line.trimStart().length;
    const dash = line[indent] === '-' && (line.length === indent + 1 || line[indent + 1] === ' ');
    if (indent === 0 && !dash) {
      this.flush();
      this.state = 'trailer';
      this.trailer.push(line);
      return undefined;
    }
    if (this.indent === undefined && dash) this.indent = indent;
    if (dash && indent === this.indent) {
      this.flush();
      this.item = { lines: [line], firstLine: lineNumber };
      return undefined;
    }
    if (this.item === undefined)
      throw new InputProblem('the items of a List must be a sequence (- item)', lineNumber, indent + 1);
    this.item.lines.push(line);
    return undefined;
  }

  close(): void {
    this.flush();
    const envelope = parse([...this.header, 'items: []', ...this.trailer].join('\n'), { logLevel: 'error' });
    const record = typeof envelope === 'object' && envelope !== null ? envelope : {};
    checkEnvelope(record.kind, record.apiVersion, this.firstLine);
  }

  private flush(): void {
    const item = this.item;
    if (item === undefined) return;
    this.item = undefined;
    // Comments and blank lines after an item belong to the next one, or to nothing.
    let end = item.lines.length;
    while (end > 1 && !isContent(item.lines[end - 1] as string)) end--;
    this.emit({
      index: this.items++,
      text: item.lines.slice(0, end).join('\n'),
      firstLine: item.firstLine,
      lastLine: item.firstLine + end - 1,
      pointer: '/0',
      columnOffset: 0,
    });
  }
}

const trailingBackslashes = (line: string) => {
  let count = 0;
  while (line.charCodeAt(line.length - 1 - count) === BACKSLASH) count++;
  return count;
};
const NEWLINE = 10;
const isSpace = (code: number) => code === 32 || code === 9 || code === 13 || code === 10 || code === 0xfeff;

/**
 * A JSON List, in any layout (kubectl's indented JSON, or one line): a small tokenizer tracks
 * strings and nesting, the top-level keys, and where each item of `items` starts and ends.
 */
export class JsonListScanner implements ListScanner {
  items = 0;
  private state: 'probe' | 'items' | 'after' = 'probe';
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Start (in the current line) of the string being read at depth 1, for keys and header values. */
  private stringStart = -1;
  private lastString: string | undefined;
  /** The top-level key whose value comes next. */
  private key: string | undefined;
  private readonly values = new Map<string, string>();
  private readonly keys = new Set<string>();
  private item: { parts: string[]; firstLine: number; column: number; members: number } | undefined;
  private seen = 0;
  private firstLine = 0;
  /** Where the last token was, for an input that ends inside the List. */
  private lastLine = 1;
  private lastColumn = 1;

  constructor(private readonly emit: (item: ListItem) => void) {}

  push(line: string, lineNumber: number): ListDecision {
    if (this.seen++ === 0) this.firstLine = lineNumber;
    return this.scan(line, lineNumber);
  }

  /**
   * Takes several lines at once (joined by `\n`, no `\r`), once the scanner has decided: a cluster
   * dump is read a block at a time, without a string per line.
   */
  pushBlock(block: string, firstLineNumber: number): ListDecision {
    if (this.seen === 0) this.firstLine = firstLineNumber;
    this.seen += 2;
    return this.scan(block, firstLineNumber);
  }

  /** Scans one line, or a block of lines joined by `\n`, the first of which is `lineNumber`. */
  private scan(text: string, firstLineNumber: number): ListDecision {
    let decision: ListDecision;
    let lineNumber = firstLineNumber;
    let lineStart = 0;
    let from = this.item === undefined ? -1 : 0;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      if (!this.inString && this.depth > 2 && this.state === 'items') {
        // Inside an item: only strings, nesting and line breaks matter until the item's own `}`,
        // which the code below handles. Most of a cluster dump is read by this loop.
        let depth = this.depth;
        let members = 0;
        let j = i;
        for (; j < length; j++) {
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            const end = stringEnd(text, j);
            if (end >= length) break; // the string goes on in the next block: read below
            j = end;
            // A key: its string is followed by `:` (kubectl prints none between).
            let next = j + 1;
            while (isSpace(text.charCodeAt(next)) && text.charCodeAt(next) !== NEWLINE) next++;
            if (text.charCodeAt(next) === COLON) members++;
          } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            if (depth === 3) break;
            depth--;
          } else if (c === NEWLINE) {
            lineNumber++;
            lineStart = j + 1;
          }
        }
        this.depth = depth;
        if (this.item !== undefined) this.item.members += members;
        if (j >= length) break;
        i = j;
      }
      let code = text.charCodeAt(i);
      if (this.inString && !this.escape && code !== QUOTE && code !== BACKSLASH) {
        // Jump to the string's end (strings never span lines in JSON).
        const end = stringEnd(text, i - 1);
        if (end >= text.length) {
          this.escape = text.charCodeAt(text.length - 1) === BACKSLASH && trailingBackslashes(text) % 2 === 1;
          break;
        }
        i = end;
        code = QUOTE;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (code === BACKSLASH) this.escape = true;
        else if (code === QUOTE) {
          this.inString = false;
          if (this.stringStart >= 0) {
            this.lastString = text.slice(this.stringStart, i);
            this.stringStart = -1;
            if (this.key !== undefined && HEADER_KEYS.has(this.key)) {
              this.values.set(this.key, this.lastString);
              // `kind` before `items` must name a List (`"kind": "List"`).
              if (this.state === 'probe' && this.key === 'kind' && !this.lastString.endsWith('List'))
                return 'plain';
              this.key = undefined;
            }
          }
        }
        continue;
      }
      if (isSpace(code)) {
        if (code === NEWLINE) {
          lineNumber++;
          lineStart = i + 1;
        }
        continue;
      }
      this.lastLine = lineNumber;
      this.lastColumn = i - lineStart + 1;
      if (this.state === 'items' && this.depth === 2 && this.item === undefined) {
        if (code !== COMMA && code !== CLOSE_BRACKET) {
          this.item = { parts: [], firstLine: lineNumber, column: i - lineStart + 1, members: 0 };
          from = i;
        }
      }
      switch (code) {
        case QUOTE:
          this.inString = true;
          this.stringStart = this.depth === 1 ? i + 1 : -1;
          // A string of an item read here (it goes on into the next block): its members are not all counted.
          if (this.item !== undefined && this.depth > 2) this.item.members = Number.NaN;
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (this.state === 'probe' && this.depth === 1) {
            if (this.key === 'items' && code === OPEN_BRACKET && this.keys.has('apiVersion')) {
              this.state = 'items';
              decision = 'list';
            } else decision = 'plain';
          } else if (this.depth === 0 && code !== OPEN_BRACE) decision = 'plain';
          if (this.depth === 1) this.key = undefined;
          this.depth++;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (this.item !== undefined && this.depth === 2) {
            this.endItem(text, from, i, lineNumber); // a scalar item, ended by `]`
            from = -1;
          }
          this.depth--;
          if (this.item !== undefined && this.depth === 2) {
            this.endItem(text, from, i + 1, lineNumber);
            from = -1;
          }
          if (this.state === 'items' && this.depth === 1) this.state = 'after';
          break;
        case COMMA:
          if (this.item !== undefined && this.depth === 2) {
            this.endItem(text, from, i, lineNumber);
            from = -1;
          }
          if (this.depth === 1) this.key = undefined;
          break;
        case COLON:
          if (this.depth === 1 && this.lastString !== undefined) {
            this.key = this.lastString;
            this.keys.add(this.key);
            if (this.state === 'probe' && this.key !== 'items' && !HEADER_KEYS.has(this.key))
              decision = 'plain';
            this.lastString = undefined;
          }
          break;
        default:
          // A scalar value at the top level: `items: null` is no List to stream.
          if (this.state === 'probe' && this.depth === 1 && this.key === 'items') decision = 'plain';
      }
      if (decision === 'plain') return decision;
    }
    if (this.item !== undefined && from >= 0) this.item.parts.push(text.slice(from));
    if (decision === undefined && this.state === 'probe' && this.seen > DECISION_LINES) return 'plain';
    return decision;
  }

  close(lastLine: number): void {
    if (this.item !== undefined) {
      // The input ended inside an item: it is reported (its parse names the place), the List not.
      this.endItem('', -1, 0, lastLine);
      return;
    }
    if (this.depth !== 0 || this.inString) {
      throw new InputProblem(
        'invalid JSON: the input ends before the List is closed',
        this.lastLine,
        this.lastColumn,
      );
    }
    checkEnvelope(this.values.get('kind'), this.values.get('apiVersion'), this.firstLine);
  }

  private endItem(line: string, from: number, to: number, lineNumber: number): void {
    const item = this.item as NonNullable<JsonListScanner['item']>;
    this.item = undefined;
    if (from >= 0) item.parts.push(line.slice(from, to));
    const text = item.parts.join('\n').trimEnd();
    this.emit({
      index: this.items++,
      text,
      firstLine: item.firstLine,
      lastLine: Math.max(item.firstLine, lineNumber),
      pointer: '',
      columnOffset: item.column - 1,
      ...(Number.isNaN(item.members) ? {} : { members: item.members }),
    });
  }
}
