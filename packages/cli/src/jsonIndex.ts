/**
 * Where each member of a JSON text starts, for JSON read with `JSON.parse` (a hundred times faster
 * than a YAML parser keeping node ranges): one linear pass records the offset of every key and
 * array item by its JSON pointer, and says whether an object repeats a key (which `JSON.parse`
 * would silently resolve; the YAML reader, and the API server's strict decoding, refuse it).
 * Positions follow sourceMap.ts's `offsetOf`: a member's key, an item's first character, and for
 * a pointer that does not exist its nearest existing ancestor.
 */

/** Character codes of JSON's structure (shared with the List scanner). */
export const QUOTE = 34;
export const BACKSLASH = 92;
export const COLON = 58;
export const COMMA = 44;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13;

const escapeToken = (token: string) =>
  token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;

/** The 1-based line and column of an offset, given the offsets where lines start (ascending, from 0). */
export function lineColumn(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
}

/** The index of the quote that closes the string opened at `start`. */
export function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/** One open object or array while scanning. */
interface Frame {
  pointer: string;
  array: boolean;
  /** Next item index (arrays). */
  index: number;
  /** Keys seen (objects). */
  keys?: Set<string>;
  /** A value is expected next (arrays: an item may start). */
  expectItem: boolean;
}

/** The offsets of a JSON text's members, by JSON pointer. */
export class JsonIndex {
  /** Filled on the first {@link position}: most items of a dump pass and need no place. */
  private offsets: Map<string, number> | undefined;
  private lineStarts: number[] | undefined;
  #duplicateKey: boolean | undefined;

  constructor(private readonly text: string) {}

  /** An object repeats a key (found by a scan of the text, on the first call). */
  get duplicateKey(): boolean {
    this.#duplicateKey ??= this.scan(undefined);
    return this.#duplicateKey;
  }

  /** 1-based line and column in the text of a pointer (or its nearest existing ancestor). */
  position(pointer: string): { line: number; column: number } {
    if (this.offsets === undefined) {
      this.offsets = new Map();
      this.scan(this.offsets);
    }
    let at = pointer;
    let offset = this.offsets.get(at);
    while (offset === undefined && at !== '') {
      at = at.slice(0, at.lastIndexOf('/'));
      offset = this.offsets.get(at);
    }
    return this.lineColumn(offset ?? 0);
  }

  private lineColumn(offset: number): { line: number; column: number } {
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++)
        if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    return lineColumn(this.lineStarts, offset);
  }

  /**
   * Returns whether a key repeats; with `offsets`, also records every member's offset (building
   * pointers is most of the cost, so the first pass, for repeated keys only, does not).
   */
  private scan(offsets: Map<string, number> | undefined): boolean {
    const text = this.text;
    const stack: Frame[] = [];
    let rootSeen = false;
    let pendingKey: { key: string; offset: number } | undefined;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (isSpace(code)) continue;
      const frame = stack[stack.length - 1];
      // A value starts: record it under its key or index.
      const valueStart = code !== COMMA && code !== COLON && code !== CLOSE_BRACE && code !== CLOSE_BRACKET;
      let pointer: string | undefined;
      if (valueStart) {
        if (frame === undefined) {
          if (!rootSeen) {
            rootSeen = true;
            pointer = '';
            offsets?.set('', i);
          }
        } else if (frame.array && frame.expectItem) {
          pointer = offsets ? `${frame.pointer}/${frame.index}` : '';
          frame.index++;
          frame.expectItem = false;
          offsets?.set(pointer, i);
        } else if (!frame.array && pendingKey !== undefined) {
          pointer = offsets ? `${frame.pointer}/${escapeToken(pendingKey.key)}` : '';
          offsets?.set(pointer, pendingKey.offset);
          pendingKey = undefined;
        }
      }
      if (code === QUOTE) {
        const start = i;
        const end = stringEnd(text, i);
        i = end;
        // A string in key position: an object's member name, read as JSON reads it.
        if (frame !== undefined && !frame.array && pointer === undefined && pendingKey === undefined) {
          const raw = text.slice(start, end + 1);
          const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
          if (frame.keys?.has(key)) return true;
          frame.keys?.add(key);
          pendingKey = { key, offset: start };
        }
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        const array = code === OPEN_BRACKET;
        stack.push({
          pointer: pointer ?? '',
          array,
          index: 0,
          expectItem: array,
          ...(array ? {} : { keys: new Set<string>() }),
        });
        continue;
      }
      if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        stack.pop();
        continue;
      }
      if (code === COMMA && frame?.array) frame.expectItem = true;
      // Other characters (numbers, true, false, null, ':') need no bookkeeping.
    }
    return false;
  }
}
