/**
 * Reads YAML streams one document at a time, so a 50 MB `kubectl get -A -o yaml` dump is never
 * held whole: a document marker (`---` or `...` at column 0) always ends a document in YAML, so
 * splitting on it is exact. Each document is parsed with the `yaml` package, keeping node ranges
 * for line/column mapping, and read as Kubernetes reads it (go-yaml v2, YAML 1.1: see kubeYaml.ts),
 * with aliasing bounded as go-yaml bounds it (no billion laughs).
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { checkAliasing, KUBERNETES_YAML_OPTIONS, KubernetesYamlError, kubernetesValue } from './kubeYaml.js';

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
  /** The whole of a `.json` file: it must be strict JSON (no comments, no trailing commas). */
  json?: boolean;
}

/** A parsed document, ready for evaluation and source mapping. */
export interface ParsedDocument extends DocumentChunk {
  value: unknown;
  document: Document;
  lineCounter: LineCounter;
}

/** A problem with the input itself (binary data, malformed YAML). */
export class InputProblem extends Error {
  override readonly name = 'InputProblem';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

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
    lines: string[];
    firstLine: number;
    marker?: string;
    inline?: boolean;
    /** Opened by `---`: a document even when empty (issue 21). */
    explicit?: boolean;
  } = {
    lines: [],
    firstLine: 1,
  };

  /** @param wholeFile for JSON: the whole input is one document. */
  constructor(private readonly wholeFile: boolean) {}

  /** Takes the next line; returns the document it ended, if any. */
  push(line: string): DocumentChunk | undefined {
    const lineNumber = ++this.lineNumber;
    // NUL, or any control character YAML (and go-yaml) does not allow: not text.
    if (CONTROL_CHARACTER.test(line))
      throw new InputProblem('binary file: not YAML, JSON or a Dockerfile', lineNumber, 1);
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
      return undefined;
    }
    if (this.wholeFile || !DOCUMENT_MARKER.test(line)) {
      this.current.lines.push(line);
      return undefined;
    }
    const chunk = this.close();
    const rest = line.slice(3);
    const explicit = line.startsWith('---');
    this.current = isContent(rest)
      ? { lines: [rest], firstLine: lineNumber, inline: true, explicit }
      : { lines: [], firstLine: lineNumber + 1, marker: line, explicit };
    return chunk;
  }

  /** Ends the input; returns the last document, if any. */
  close(): DocumentChunk | undefined {
    const { lines: body, firstLine, marker, inline, explicit } = this.current;
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
      text: body.join('\n'),
      firstLine,
      lastLine: firstLine + body.length - 1,
      ...(marker !== undefined ? { marker } : {}),
      ...(inline ? { inline } : {}),
      ...(template !== undefined ? { template } : {}),
      ...(this.wholeFile ? { json: true } : {}),
    };
  }
}

/**
 * Splits a YAML stream into documents as it arrives, for inputs too large to hold whole.
 * @param wholeFile for JSON: the whole input is one document.
 */
export async function* readChunks(stream: Readable, wholeFile = false): AsyncGenerator<DocumentChunk> {
  const splitter = new DocumentSplitter(wholeFile);
  for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    const chunk = splitter.push(line);
    if (chunk) yield chunk;
  }
  const chunk = splitter.close();
  if (chunk) yield chunk;
}

/** Splits a YAML text already in memory into documents (as {@link readChunks} does a stream). */
export function* splitChunks(text: string, wholeFile = false): Generator<DocumentChunk> {
  const splitter = new DocumentSplitter(wholeFile);
  // CR alone ends a line too, as YAML and readline (so readChunks) read it.
  const lines = text.split(/\r\n|\r|\n/);
  // A final newline ends the last line; it does not start an empty one (as readline reads it).
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const chunk = splitter.push(line);
    if (chunk) yield chunk;
  }
  const chunk = splitter.close();
  if (chunk) yield chunk;
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

/** Parses one chunk. Throws {@link InputProblem} with the line and column of malformed YAML/JSON. */
export function parseChunk(chunk: DocumentChunk): ParsedDocument {
  if (chunk.json) checkStrictJson(chunk);
  const lineCounter = new LineCounter();
  // logLevel 'error': the library's warnings ("Keys with collection values will be stringified")
  // would go to stderr through process.emitWarning, across the progress line.
  const document = parseDocument(chunk.text, {
    ...KUBERNETES_YAML_OPTIONS,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const error = document.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const first = error.message.split('\n')[0] ?? error.message;
    // The YAML library recurses per level: past about 1,000 levels the stack ends first.
    const message = first.includes('Maximum call stack size exceeded') ? TOO_DEEP : first;
    throw new InputProblem(`invalid YAML: ${message}`, line + chunk.firstLine - 1, col);
  }
  let value: unknown;
  try {
    checkAliasing(document);
    value = kubernetesValue(document);
  } catch (cause) {
    if (cause instanceof RangeError) throw new InputProblem(`invalid YAML: ${TOO_DEEP}`, chunk.firstLine, 1);
    if (!(cause instanceof KubernetesYamlError)) throw cause;
    const { line, col } = lineCounter.linePos(cause.offset);
    throw new InputProblem(`invalid YAML: ${cause.message}`, line + chunk.firstLine - 1, col);
  }
  return { ...chunk, value, document, lineCounter };
}
