/**
 * Document edits (offsets in a document's text as parsed) become edits of the file's bytes, so
 * every byte outside them stays as it was: line endings (LF, CRLF, CR, mixed), a byte order mark,
 * bytes that are not UTF-8, numbers too big for JavaScript. Inserted lines take the line ending
 * of the line they follow.
 */
import { type TextEdit, UneditableError } from './yamlEdits.js';

/** Replace `bytes[start, end)` by `text` (UTF-8, line endings already the file's). */
export interface ByteEdit {
  start: number;
  end: number;
  text: string;
}

/** A file's lines, by byte offsets. */
export class FileLines {
  /** Byte offset where each line starts. */
  private readonly starts: number[] = [0];

  constructor(readonly bytes: Uint8Array) {
    // LF, CRLF and a CR alone end a line, as YAML (and the scan) read them.
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte !== 10 && byte !== 13) continue;
      if (byte === 13 && bytes[i + 1] === 10) i++;
      if (i + 1 < bytes.length) this.starts.push(i + 1);
    }
    if (bytes.length === 0) this.starts = [];
  }

  get count(): number {
    return this.starts.length;
  }

  /** Byte offset of line `i` (0-based); the file's length for `i === count`. */
  start(i: number): number {
    return i < this.starts.length ? (this.starts[i] as number) : this.bytes.length;
  }

  /** Byte offset where line `i`'s content ends (before `\r\n`, `\n` or `\r`). */
  contentEnd(i: number): number {
    return this.start(i + 1) - this.eol(i).length;
  }

  /** Line `i`'s ending: `\r\n`, `\n`, `\r`, or '' for a last line without one. */
  eol(i: number): string {
    const start = this.start(i);
    const end = this.start(i + 1);
    if (end === start) return '';
    if (this.bytes[end - 1] === 13) return '\r';
    if (this.bytes[end - 1] !== 10) return '';
    return end - 2 >= start && this.bytes[end - 2] === 13 ? '\r\n' : '\n';
  }

  /** Line `i`'s content, decoded as UTF-8. */
  text(i: number): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString(
      'utf8',
      this.start(i),
      this.contentEnd(i),
    );
  }

  /** The line holding byte `offset` (`count` for the end of a file that ends with a newline). */
  lineOf(offset: number): number {
    if (offset >= this.bytes.length) return this.eol(this.count - 1) === '' ? this.count - 1 : this.count;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The line ending new lines after line `i` get: its own, else the one before it, else `\n`. */
  eolAfter(i: number): string {
    for (let line = Math.min(i, this.count - 1); line >= 0; line--) {
      const eol = this.eol(line);
      if (eol !== '') return eol;
    }
    return '\n';
  }
}

/**
 * A document's edits as planned during the scan, by line and column of the document's text, with
 * what each line they touch held as a fingerprint rather than as text: a fix of a cluster dump
 * keeps its edits, not the dump (a List item's text is a slice of the whole file's string, which
 * keeping it would keep).
 */
export interface PlacedEdits {
  /** 1-based line of the document's first line in the file. */
  firstLine: number;
  /** Columns before the text on its first line (3 after `--- `, a JSON List item's column). */
  columnOffset: number;
  /**
   * The 0-based line of the document's last line when it is an item of a List read item by item:
   * that line may go on in the file after the item (`},` in JSON), so the file's line is checked
   * to start with the item's text.
   */
  itemLastLine?: number;
  /** The document lines the edits touch, as scanned: line → fingerprint. */
  scanned: Map<number, LineFingerprint>;
  edits: LineEdit[];
}

/** A point of a document: its 0-based line and the column (UTF-16 units) in that line. */
export interface DocumentPoint {
  line: number;
  column: number;
}

/** A document edit by lines and columns. */
export interface LineEdit {
  from: DocumentPoint;
  to: DocumentPoint;
  text: string;
}

/** A line's length and a 32-bit FNV-1a hash of its UTF-16 units. */
export interface LineFingerprint {
  length: number;
  hash: number;
}

/** The fingerprint of `text.slice(start, end)`. */
function fingerprint(text: string, start = 0, end = text.length): LineFingerprint {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return { length: end - start, hash: hash >>> 0 };
}

/** Where a document's text sits in its file, as the scan split it. */
export interface DocumentPlace {
  firstLine: number;
  /** The document starts on its `---` line, after the marker. */
  inline?: boolean;
  columnOffset?: number;
  /** Set for an item of a List read item by item. */
  item?: unknown;
  /** The document's text as parsed: the file's lines, joined by `\n`. */
  text: string;
}

/** Plans edits given by offsets of a document's text (yamlEdits.ts) as {@link PlacedEdits}. */
export function placeEdits(place: DocumentPlace, edits: readonly TextEdit[]): PlacedEdits {
  const { text } = place;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lastLine = lineStarts.length - 1;
  const scanned = new Map<number, LineFingerprint>();
  const point = (offset: number): DocumentPoint => {
    let low = 0;
    let high = lastLine;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    if (!scanned.has(low)) {
      const next = lineStarts[low + 1];
      scanned.set(low, fingerprint(text, lineStarts[low], next === undefined ? text.length : next - 1));
    }
    return { line: low, column: offset - (lineStarts[low] as number) };
  };
  const placed = edits.map((edit) => {
    const from = point(edit.start);
    return { from, to: edit.end === edit.start ? from : point(edit.end), text: edit.text };
  });
  return {
    firstLine: place.firstLine,
    columnOffset: place.columnOffset ?? (place.inline ? 3 : 0),
    ...(place.item !== undefined ? { itemLastLine: lastLine } : {}),
    scanned,
    edits: placed,
  };
}

/** Maps points of a document to byte offsets of its file, checking the lines agree. */
class PlaceMapper {
  private readonly checked = new Set<number>();

  constructor(
    private readonly lines: FileLines,
    private readonly placed: PlacedEdits,
  ) {}

  /** The file line of a document point, and the byte offset of its column. */
  map({ line, column }: DocumentPoint): { fileLine: number; byte: number } {
    const fileLine = this.placed.firstLine - 1 + line;
    const shift = line === 0 ? this.placed.columnOffset : 0;
    const fileText = this.lines.text(fileLine);
    if (!this.checked.has(line)) {
      const scanned = this.placed.scanned.get(line) as LineFingerprint;
      const rest = fileText.length - shift;
      const whole = line === this.placed.itemLastLine ? rest >= scanned.length : rest === scanned.length;
      const now = whole ? fingerprint(fileText, shift, shift + scanned.length) : undefined;
      if (now?.hash !== scanned.hash) {
        throw new UneditableError(`line ${fileLine + 1} does not read as it did when scanned`, 0);
      }
      const bytes = this.lines.contentEnd(fileLine) - this.lines.start(fileLine);
      if (Buffer.byteLength(fileText) !== bytes) {
        throw new UneditableError(`line ${fileLine + 1} holds bytes that are not UTF-8; fix it by hand`, 0);
      }
      this.checked.add(line);
    }
    const byte = this.lines.start(fileLine) + Buffer.byteLength(fileText.slice(0, shift + column));
    return { fileLine, byte };
  }
}

/** A document's edits as edits of its file's bytes. */
export function byteEdits(lines: FileLines, placed: PlacedEdits): ByteEdit[] {
  const mapper = new PlaceMapper(lines, placed);
  return placed.edits.map((edit) => {
    const from = mapper.map(edit.from);
    const to = edit.to === edit.from ? from : mapper.map(edit.to);
    const eol = lines.eolAfter(from.fileLine);
    // A copy only when the file's lines end otherwise: a fix of a dump holds its edits' text once.
    let text = eol === '\n' ? edit.text : edit.text.replaceAll('\n', eol);
    let start = from.byte;
    let end = to.byte;
    // An edit that starts at the end of a line with a line break of its own (inserting lines
    // after the document's last line, or removing lines up to it) is moved to the start of the
    // next line: the same bytes, and the diff shows whole lines added or removed.
    const fromEol = lines.eol(from.fileLine);
    const toEol = lines.eol(to.fileLine);
    if (
      start === lines.contentEnd(from.fileLine) &&
      end === lines.contentEnd(to.fileLine) &&
      fromEol !== '' &&
      toEol !== '' &&
      ((start === end && text.startsWith(eol)) || (text === '' && end > start))
    ) {
      start = lines.start(from.fileLine + 1);
      end = lines.start(to.fileLine + 1);
      if (text !== '') text = `${text.slice(eol.length)}${eol}`;
    }
    return { start, end, text };
  });
}

/** Edits in byte order (stable for insertions at one offset); overlapping edits are refused. */
export function sortByteEdits(edits: readonly ByteEdit[]): ByteEdit[] {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || a.order - b.order)
    .map(({ edit }) => edit);
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as ByteEdit).start < (sorted[i - 1] as ByteEdit).end) {
      throw new UneditableError('two fixes edit the same text', (sorted[i] as ByteEdit).start);
    }
  }
  return sorted;
}

/** The file's bytes with sorted edits applied. */
export function applyByteEdits(bytes: Uint8Array, sorted: readonly ByteEdit[]): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const edit of sorted) {
    parts.push(bytes.subarray(at, edit.start), Buffer.from(edit.text, 'utf8'));
    at = edit.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}
