/**
 * Reads YAML streams one document at a time, so a 50 MB `kubectl get -A -o yaml` dump is never
 * held whole: a document marker (`---` or `...` at column 0) always ends a document in YAML, so
 * splitting on it is exact. Each document is parsed with the `yaml` package, keeping node ranges
 * for line/column mapping, and read as Kubernetes reads it (go-yaml v2, YAML 1.1: see kubeYaml.ts),
 * with aliasing bounded as go-yaml bounds it (no billion laughs).
 */

import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { readBlockYaml } from './blockYaml.js';
import { InputProblem } from './inputProblem.js';
import {
  DECISION_LINES,
  JsonListScanner,
  type ListItem,
  type ListScanner,
  YamlListScanner,
} from './listItems.js';

export { InputProblem };

import {
  checkAliasing,
  KUBERNETES_YAML_OPTIONS,
  KubernetesYamlError,
  kubernetesValue,
  sameKey,
} from './kubeYaml.js';
import { offsetOf } from './sourceMap.js';

/** One document's text and where it starts. */
export interface DocumentChunk {
  /**
   * 0-based index of the document in the YAML stream, as `parseAllDocuments` and yq's
   * `documentIndex` count: empty and comment-only documents count.
   */
  index: number;
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  firstLine: number;
  /** 1-based line of the chunk's last line in the file. */
  lastLine: number;
  /** The `---` line that opened the document, when it had one of its own. */
  marker?: string;
  /** The document started on its marker line (`--- {a: 1}`): its text cannot be rewritten line by line. */
  inline?: boolean;
  /** The chart template named by a Helm `# Source:` comment in the chunk. */
  template?: string;
  /**
   * One item of a List read item by item (a `kubectl get` dump): its index in `items`, where its
   * value is in the parsed text, and the columns before it on its first line.
   */
  item?: Pick<ListItem, 'index' | 'pointer' | 'members'>;
  /**
   * Columns before the chunk's text on its first line: 3 for a document on its marker line
   * (`--- {a: 1}`), the item's column for a JSON List item that starts mid-line. Positions in
   * the chunk's first line are shifted by it to be the file's.
   */
  columnOffset?: number;
  /** The whole of a `.json` file: it must be strict JSON (no comments, no trailing commas). */
  json?: boolean;
}

/** A position in a chunk's text (1-based line of the file, column of the text) as the file's. */
export function filePosition(
  chunk: DocumentChunk,
  line: number,
  column: number,
): { line: number; column: number } {
  return { line, column: line === chunk.firstLine ? column + (chunk.columnOffset ?? 0) : column };
}

/** A parsed document, ready for evaluation and source mapping. */
export interface ParsedDocument extends DocumentChunk {
  value: unknown;
  /** The `yaml` package's document (for edits): parsed on first use when the fast reader read the text. */
  readonly document: Document;
  readonly lineCounter: LineCounter;
  /**
   * The 1-based line in the chunk's text and the column of the node a JSON pointer names, or of
   * its nearest existing ancestor (of a mapping member, its key).
   */
  position(pointer: string): { line: number; col: number };
}

/** A `---` or `...` line inside a block of lines. */
const MARKER_IN_BLOCK = /\n(---|\.\.\.)(\s|$)/;
/** The same, searched from a place: the `\n` before the next marker line. */
const MARKER_AFTER = new RegExp(MARKER_IN_BLOCK.source, 'g');

/** No chunks (shared: most lines end none). */
const NONE: DocumentChunk[] = [];

/** The scanner of a document decided plain: read whole, like every other document. */
const PLAIN: ListScanner = { items: 0, push: () => undefined, close: () => undefined };

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const TOO_DEEP = 'nested too deeply (the limit is about 1,000 levels)';
const DOCUMENT_MARKER = /^(---|\.\.\.)(\s|$)/;
const HELM_SOURCE = '# Source: ';
/** `%YAML 1.1`: the version go-yaml v2 (so kubectl) accepts; the directive is read, not parsed again. */
const YAML_DIRECTIVE = /^%YAML[ \t]+([0-9]+)\.([0-9]+)[ \t]*(#.*)?$/;

/** The chart template a Helm `# Source: path` comment names (read without a backtracking regex). */
function helmTemplate(line: string): string | undefined {
  if (!line.startsWith(HELM_SOURCE)) return undefined;
  const template = line.slice(HELM_SOURCE.length).trimEnd();
  return template === '' ? undefined : template;
}
const isContent = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');

/**
 * Splits lines into documents (documents with no content are counted, not yielded), one line at a time so
 * the same code serves a string and a stream. Throws {@link InputProblem} on binary content.
 */
class DocumentSplitter {
  private index = 0;
  private lineNumber = 0;
  private current: {
    /** Its lines; the last may be a block of many (see {@link takeRest}). */
    lines: string[];
    /** Lines held in blocks beyond the one entry each takes in `lines`. */
    extraLines?: number;
    /** Its whole text, when a block ended it and it is one slice of the source. */
    text?: string;
    firstLine: number;
    marker?: string;
    inline?: boolean;
    /** Opened by `---`: a document even when empty (issue 21). */
    explicit?: boolean;
  } = {
    lines: [],
    firstLine: 1,
  };

  /** Reads the current document as a List item by item: deciding, or decided (`list`). */
  private list: { scanner: ListScanner; decided: boolean } | undefined;
  /** Items of a List, ready to be taken. */
  private readonly ready: DocumentChunk[] = [];

  /**
   * @param wholeFile for JSON: the whole input is one document.
   * @param splitLists read Lists (`kubectl get -o yaml|json`) item by item: each item is a chunk.
   */
  constructor(
    private readonly wholeFile: boolean,
    private readonly splitLists = false,
  ) {}

  /**
   * Takes the next line; returns the documents (or List items) it ended. `checked`: the caller
   * has checked a block of lines holding this one for control characters (a read at a time).
   */
  push(line: string, checked = false): DocumentChunk[] {
    const lineNumber = ++this.lineNumber;
    // NUL, or any control character YAML (and go-yaml) does not allow: not text.
    if (!checked && CONTROL_CHARACTER.test(line))
      throw new InputProblem('binary file: not YAML, JSON or a Dockerfile', lineNumber, 1);
    const first = line.charCodeAt(0);
    // `%`, `-` and `.` start the only lines that are not plain content (directives, markers).
    if (first !== 37 && first !== 45 && first !== 46) {
      if (this.splitLists) this.scanList(line, lineNumber);
      if (this.list?.decided !== true) this.current.lines.push(line);
      return this.ready.length === 0 ? NONE : this.take();
    }
    if (!this.wholeFile && line.startsWith('%YAML') && !this.current.lines.some(isContent)) {
      // A directive before the document's `---`: go-yaml accepts YAML 1.1 only. The line is kept
      // as an empty one so line numbers do not move.
      const version = YAML_DIRECTIVE.exec(line);
      if (version?.[1] !== '1' || version[2] !== '1')
        throw new InputProblem(
          `unsupported YAML directive ${JSON.stringify(line.trim())}: Kubernetes (go-yaml) reads YAML 1.1 only`,
          lineNumber,
          1,
        );
      this.current.lines.push('');
      return this.take();
    }
    if (this.wholeFile || !DOCUMENT_MARKER.test(line)) {
      if (this.splitLists) this.scanList(line, lineNumber);
      if (this.list?.decided !== true) this.current.lines.push(line);
      return this.take();
    }
    const chunk = this.close();
    const rest = line.slice(3);
    const explicit = line.startsWith('---');
    this.current = isContent(rest)
      ? { lines: [rest], firstLine: lineNumber, inline: true, explicit }
      : { lines: [], firstLine: lineNumber + 1, marker: line, explicit };
    // A document on its marker line (`--- {…}`) is read whole.
    this.list = this.splitLists && isContent(rest) ? { decided: false, scanner: PLAIN } : undefined;
    if (chunk) this.ready.push(chunk);
    return this.take();
  }

  /**
   * Takes a block of whole lines (joined by `\n`) at once when the current document is a JSON List
   * being read item by item and the block can hold nothing else (no `\r`, no `---` or `...`
   * line, no control character): the scanner reads it without a string per line. Returns
   * undefined when it cannot, and the block is then pushed line by line.
   */
  pushBlock(block: string): DocumentChunk[] | undefined {
    const scanner = this.list?.decided === true ? this.list.scanner : undefined;
    if (!(scanner instanceof JsonListScanner)) return undefined;
    if (block.includes('\r') || CONTROL_CHARACTER.test(block)) return undefined;
    if (
      !this.wholeFile &&
      (MARKER_IN_BLOCK.test(block) || block.startsWith('---') || block.startsWith('...'))
    )
      return undefined;
    const first = this.lineNumber + 1;
    let lines = 1;
    for (let i = block.indexOf('\n'); i !== -1; i = block.indexOf('\n', i + 1)) lines++;
    this.lineNumber += lines;
    scanner.pushBlock(block, first);
    return this.ready.length === 0 ? NONE : this.take();
  }

  /**
   * Whether the rest of the current document, up to its next marker line, may be taken as one
   * block ({@link takeRest}) instead of a line at a time: it is read whole (not a List item by item:
   * a List scanner decides within {@link DECISION_LINES} lines), it has content (so nothing after
   * is a directive or a Helm `# Source:` line), and it is past the lines a scanner looks at.
   */
  takesRest(): boolean {
    const { lines } = this.current;
    if (lines.length !== DECISION_LINES) return false;
    const plain =
      this.list === undefined ? !this.splitLists : !this.list.decided && this.list.scanner === PLAIN;
    return plain && lines.some(isContent);
  }

  /**
   * Takes `count` whole lines joined by `\n`, none a document marker (nor control characters), as
   * the rest of a document {@link takesRest} allowed: a large manifest (a CRD) is one string, not
   * one per line.
   */
  takeRest(source: string, from: number, stop: number, count: number): void {
    const { lines } = this.current;
    const head = lines.join('\n');
    // The document's lines so far are those just before `from` (unless a directive line was kept
    // blank): its text is then one slice of the source, which V8 does not copy.
    const start = from - head.length - 1;
    this.current.text = source.startsWith(head, start) ? source.slice(start, stop) : undefined;
    lines.push(this.current.text === undefined ? source.slice(from, stop) : '');
    this.current.extraLines = (this.current.extraLines ?? 0) + count - 1;
    this.lineNumber += count;
  }

  /** The chunks ready to be taken, oldest first. */
  private take(): DocumentChunk[] {
    return this.ready.length === 0 ? [] : this.ready.splice(0, this.ready.length);
  }

  /** Feeds a List scanner: started on a document's first content line, dropped once it says "plain". */
  private scanList(line: string, lineNumber: number): void {
    if (this.list === undefined) {
      if (!isContent(line)) return;
      const index = this.index;
      const emit = (item: ListItem) =>
        this.ready.push({
          index,
          text: item.text,
          firstLine: item.firstLine,
          lastLine: item.lastLine,
          item: {
            index: item.index,
            pointer: item.pointer,
            ...(item.members !== undefined ? { members: item.members } : {}),
          },
          ...(item.columnOffset > 0 ? { columnOffset: item.columnOffset } : {}),
        });
      const scanner = line.trimStart().startsWith('{')
        ? new JsonListScanner(emit)
        : new YamlListScanner(emit);
      // What came before the first content line (comments, blank lines) is the header's.
      for (const [offset, earlier] of this.current.lines.entries())
        scanner.push(earlier, this.current.firstLine + offset);
      this.list = { scanner, decided: false };
    }
    const decision = this.list.scanner.push(line, lineNumber);
    if (decision === 'plain') this.list = { decided: false, scanner: PLAIN };
    else if (decision === 'list') {
      this.list.decided = true;
      this.current.lines = [];
    }
  }

  /** Ends the input; returns the last documents (or List items). */
  end(): DocumentChunk[] {
    const chunk = this.close();
    if (chunk) this.ready.push(chunk);
    return this.take();
  }

  /** Ends the current document; returns it, if it is one to read whole. */
  private close(): DocumentChunk | undefined {
    const list = this.list;
    this.list = undefined;
    if (list?.decided) {
      this.current = { lines: [], firstLine: this.lineNumber + 1 };
      this.index++;
      list.scanner.close(this.lineNumber);
      return undefined;
    }
    const { lines: body, firstLine, marker, inline, explicit, extraLines = 0, text } = this.current;
    this.current = { lines: [], firstLine: this.lineNumber + 1 };
    if (!body.some(isContent)) {
      // An empty or comment-only document opened by `---` is still a document of the stream, as
      // `parseAllDocuments` and yq's documentIndex count; text before the first `---` is one only
      // if it has content (issue 21).
      if (explicit) this.index++;
      return undefined;
    }
    let template: string | undefined;
    for (const line of body) {
      if (isContent(line)) break;
      template = helmTemplate(line) ?? template;
    }
    return {
      index: this.index++,
      text: text ?? body.join('\n'),
      firstLine,
      lastLine: firstLine + body.length + extraLines - 1,
      ...(marker !== undefined ? { marker } : {}),
      ...(inline ? { inline, columnOffset: 3 } : {}),
      ...(template !== undefined ? { template } : {}),
      ...(this.wholeFile ? { json: true } : {}),
    };
  }
}

/**
 * Splits a YAML stream into documents as it arrives, for inputs too large to hold whole.
 * @param wholeFile for JSON: the whole input is one document.
 */
export async function* readChunks(
  stream: Readable,
  wholeFile = false,
  splitLists = false,
): AsyncGenerator<DocumentChunk> {
  const splitter = new DocumentSplitter(wholeFile, splitLists);
  const decoder = new StringDecoder('utf8');
  // Lines split here, a read at a time (not one await per line as readline gives them): a cluster
  // dump has millions of short lines. CR, LF and CRLF end a line, as readline and splitChunks read.
  let rest = '';
  const ready: DocumentChunk[] = [];
  for await (const data of stream) {
    const text = rest + (typeof data === 'string' ? data : decoder.write(data as Buffer));
    // A CR at the very end may be the first half of a CRLF: wait for the next read.
    const end = text.endsWith('\r') ? text.length - 1 : text.length;
    const lastBreak = Math.max(text.lastIndexOf('\n', end - 1), text.lastIndexOf('\r', end - 1));
    if (lastBreak === -1) {
      rest = text;
      continue;
    }
    const complete = text.slice(
      0,
      text[lastBreak] === '\n' && text[lastBreak - 1] === '\r' ? lastBreak - 1 : lastBreak,
    );
    rest = text.slice(lastBreak + 1);
    const block = splitter.pushBlock(complete);
    if (block !== undefined) {
      if (block.length > 0) ready.push(...block);
      if (ready.length > 0) yield* ready.splice(0);
      continue;
    }
    // Control characters are looked for once per read; a line is checked alone only to name it.
    const checked = !CONTROL_CHARACTER.test(complete);
    const lines = complete.includes('\r') ? complete.split(/\r\n|\r|\n/) : complete.split('\n');
    for (const line of lines) {
      const ended = splitter.push(line, checked);
      if (ended.length > 0) ready.push(...ended);
    }
    if (ready.length > 0) yield* ready.splice(0);
  }
  rest += decoder.end();
  if (rest !== '') {
    const lines = rest.split(/\r\n|\r|\n/);
    // A final line break ends the last line; it does not start an empty one.
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) ready.push(...splitter.push(line));
  }
  ready.push(...splitter.end());
  yield* ready;
}

/** Splits a YAML text already in memory into documents (as {@link readChunks} does a stream). */
export function* splitChunks(text: string, wholeFile = false, splitLists = false): Generator<DocumentChunk> {
  const splitter = new DocumentSplitter(wholeFile, splitLists);
  const checked = !CONTROL_CHARACTER.test(text);
  if (text.includes('\r') || !checked) {
    // CR alone ends a line too, as YAML and readline (so readChunks) read it.
    const lines = text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
    // A final newline ends the last line; it does not start an empty one (as readline reads it).
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) yield* splitter.push(line, checked);
    yield* splitter.end();
    return;
  }
  // The same lines, read a line at a time until a document may take its rest as one block.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  for (let start = 0; text !== ''; ) {
    const newline = body.indexOf('\n', start);
    yield* splitter.push(newline === -1 ? body.slice(start) : body.slice(start, newline), true);
    if (newline === -1) break;
    start = newline + 1;
    if (!splitter.takesRest()) continue;
    let stop = body.length;
    if (!wholeFile) {
      MARKER_AFTER.lastIndex = newline;
      stop = MARKER_AFTER.exec(body)?.index ?? body.length;
    }
    if (stop <= start) continue;
    let count = 1;
    for (let i = body.indexOf('\n', start); i !== -1 && i < stop; i = body.indexOf('\n', i + 1)) count++;
    splitter.takeRest(body, start, stop, count);
    if (stop === body.length) break;
    start = stop + 1;
  }
  yield* splitter.end();
}

/**
 * A `.json` file is read as JSON, as `kubectl` reads it: JSON with comments (`// …`) or trailing
 * commas is an error naming the place, not YAML that happens to parse into something else.
 */
function checkStrictJson(chunk: DocumentChunk): void {
  try {
    JSON.parse(chunk.text);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const at = / \(line (\d+) column (\d+)\)$/.exec(message);
    const comment = /(^|[\s,{[])\/[/*]/.test(chunk.text) ? ' (comments are not JSON)' : '';
    throw new InputProblem(
      `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}${comment}`,
      at ? Number(at[1]) + chunk.firstLine - 1 : chunk.firstLine,
      at ? Number(at[2]) : 1,
    );
  }
}

/**
 * Parses one chunk. Throws {@link InputProblem} with the line and column of malformed YAML/JSON.
 * Plain block YAML (what kubectl, Helm and most people write) is read by blockYaml.ts, which gives
 * the same value and positions several times faster; anything else by the `yaml` package.
 */
export function parseChunk(chunk: DocumentChunk): ParsedDocument {
  const fast = chunk.json ? undefined : readBlockYaml(chunk.text);
  if (fast === undefined) return parseWithYaml(chunk);
  let full: ParsedDocument | undefined;
  return {
    ...chunk,
    value: fast.value,
    get document() {
      full ??= parseWithYaml(chunk);
      return full.document;
    },
    get lineCounter() {
      full ??= parseWithYaml(chunk);
      return full.lineCounter;
    },
    position: (pointer) => fast.linePos(fast.offsetOf(pointer)),
  };
}

/** Parses one chunk with the `yaml` package, as Kubernetes reads YAML (kubeYaml.ts). */
export function parseWithYaml(chunk: DocumentChunk): ParsedDocument {
  if (chunk.json) checkStrictJson(chunk);
  const lineCounter = new LineCounter();
  // logLevel 'error': the library's warnings ("Keys with collection values will be stringified")
  // would go to stderr through process.emitWarning, across the progress line.
  const document = parseDocument(chunk.text, {
    ...KUBERNETES_YAML_OPTIONS,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: sameKey,
    logLevel: 'error',
  });
  const error = document.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const first = error.message.split('\n')[0] ?? error.message;
    // The YAML library recurses per level: past about 1,000 levels the stack ends first.
    const message = first.includes('Maximum call stack size exceeded') ? TOO_DEEP : first;
    const at = filePosition(chunk, line + chunk.firstLine - 1, col);
    throw new InputProblem(`invalid YAML: ${message}`, at.line, at.column);
  }
  let value: unknown;
  try {
    checkAliasing(document);
    value = kubernetesValue(document);
  } catch (cause) {
    if (cause instanceof RangeError)
      throw new InputProblem(`invalid YAML: ${TOO_DEEP}`, chunk.firstLine, 1 + (chunk.columnOffset ?? 0));
    if (!(cause instanceof KubernetesYamlError)) throw cause;
    const { line, col } = lineCounter.linePos(cause.offset);
    const at = filePosition(chunk, line + chunk.firstLine - 1, col);
    throw new InputProblem(`invalid YAML: ${cause.message}`, at.line, at.column);
  }
  return {
    ...chunk,
    value,
    document,
    lineCounter,
    position: (pointer) => lineCounter.linePos(offsetOf(document, pointer)),
  };
}

/** Plain scalars YAML 1.1 (go-yaml, so kubectl) reads as booleans, numbers or null. */
const NOT_A_NAME = /^(y|yes|n|no|true|false|on|off|null|[-+.]?[0-9][0-9a-z_.:]*)$/i;

/** A top-level `apiVersion:` or `kind:` line whose value is a plain or simply quoted name. */
const HEADER_LINE =
  /^(apiVersion|kind):[ \t]+(?:([A-Za-z0-9][A-Za-z0-9./-]*)|"([A-Za-z0-9./-]+)"|'([A-Za-z0-9./-]+)')[ \t]*(?:#.*)?$/;

/**
 * The `apiVersion` and `kind` of a block-style YAML document, read from its top-level lines without
 * parsing it, or undefined when the text does not say them plainly (flow style, JSON, anchors,
 * tags, merge keys, a key given twice): such a document is parsed. Only lines starting at column 0
 * are looked at: in block style, every other line is inside a top-level value.
 */
export function peekKind(text: string): { apiVersion: string; kind: string } | undefined {
  let apiVersion: string | undefined;
  let kind: string | undefined;
  let keys = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const first = text.charCodeAt(start);
    // Column 0 holds a key, a comment, a blank, or something this reader does not take.
    if (first !== 32 && first !== 9 && first !== 35 && end > start && !(first === 13 && end === start + 1)) {
      const line = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
      const header = HEADER_LINE.exec(line);
      // `- ` at column 0: an entry of the sequence a top-level key holds (`rules:` then `- apiGroups:`).
      if (keys > 0 && (line === '-' || line.startsWith('- '))) {
        start = end + 1;
        continue;
      }
      keys++;
      // A plain value go-yaml reads as a boolean, a number or null is no name: the parser decides.
      if (header?.[2] !== undefined && NOT_A_NAME.test(header[2])) return undefined;
      if (header) {
        const value = (header[2] ?? header[3] ?? header[4]) as string;
        if (header[1] === 'kind') {
          if (kind !== undefined) return undefined;
          kind = value;
        } else {
          if (apiVersion !== undefined) return undefined;
          apiVersion = value;
        }
      } else if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*:(?:[ \t]|$)/.test(line) || /^(apiVersion|kind):/.test(line))
        return undefined;
    }
    start = end + 1;
  }
  return apiVersion !== undefined && kind !== undefined ? { apiVersion, kind } : undefined;
}
