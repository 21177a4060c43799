/**
 * Edits planned on a document's text (by line and column, with fingerprints of the lines they
 * touch) land on the file's bytes, and only where the file still reads as scanned.
 */
import { describe, expect, it } from 'vitest';
import { applyByteEdits, byteEdits, FileLines, placeEdits, sortByteEdits } from './fileEdits.js';
import { UneditableError } from './yamlEdits.js';

const apply = (file: Buffer, placed: ReturnType<typeof placeEdits>) => {
  const lines = new FileLines(file);
  return applyByteEdits(file, sortByteEdits(byteEdits(lines, placed))).toString('latin1');
};

describe('placed edits', () => {
  it('land on the bytes of a document placed in its file, line endings kept', () => {
    const file = Buffer.from('kind: A\r\n---\r\nkind: Pod\r\nspec: {}\r\n');
    const text = 'kind: Pod\nspec: {}';
    const placed = placeEdits({ firstLine: 3, text }, [
      { start: text.indexOf('{}'), end: text.indexOf('{}') + 2, text: '{hostPID: false}' },
    ]);
    expect(placed.scanned.size).toBe(1);
    expect(apply(file, placed)).toBe('kind: A\r\n---\r\nkind: Pod\r\nspec: {hostPID: false}\r\n');
  });

  it('land after the columns before a JSON List item, whose last line goes on in the file', () => {
    const file = Buffer.from('{"items": [{"a": 1}, {"b": 2}]}\n');
    const text = '{"b": 2}';
    const placed = placeEdits({ firstLine: 1, columnOffset: 21, item: { index: 1 }, text }, [
      { start: 6, end: 7, text: '3' },
    ]);
    expect(apply(file, placed)).toBe('{"items": [{"a": 1}, {"b": 3}]}\n');
  });

  it('are refused on a line that no longer reads as scanned', () => {
    const text = 'kind: Pod\nspec: {}';
    const placed = placeEdits({ firstLine: 1, text }, [{ start: 16, end: 18, text: '{a: 1}' }]);
    const lines = new FileLines(Buffer.from('kind: Pod\nspec: {} # changed\n'));
    expect(() => byteEdits(lines, placed)).toThrow(
      new UneditableError('line 2 does not read as it did when scanned', 0),
    );
    const shorter = new FileLines(Buffer.from('kind: Pod\nspec: {\n'));
    expect(() => byteEdits(shorter, placed)).toThrow(/line 2 does not read as it did when scanned/);
  });

  it('are refused on a line holding bytes that are not UTF-8', () => {
    // The scan read the byte 0xff as U+FFFD, as the file's line reads now: same text, other bytes.
    const file = Buffer.concat([Buffer.from('spec: {} # '), Buffer.from([0xff]), Buffer.from('\n')]);
    const text = 'spec: {} # \ufffd';
    const placed = placeEdits({ firstLine: 1, text }, [{ start: 6, end: 8, text: '{a: 1}' }]);
    expect(() => byteEdits(new FileLines(file), placed)).toThrow(
      'line 1 holds bytes that are not UTF-8; fix it by hand',
    );
  });

  it('keep no text of the document: only the fingerprints of the lines they touch', () => {
    const text = `kind: Pod\n${'# comment\n'.repeat(1000)}spec: {}`;
    const placed = placeEdits({ firstLine: 1, text }, [
      { start: text.length - 2, end: text.length, text: '{}' },
    ]);
    expect([...placed.scanned.keys()]).toEqual([1001]);
    expect(placed.scanned.get(1001)).toEqual({ length: 8, hash: expect.any(Number) });
    const kept = JSON.stringify({ ...placed, scanned: [...placed.scanned] });
    expect(kept).not.toMatch(/comment|kind|spec/);
  });
});
