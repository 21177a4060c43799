import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyByteEdits, type ByteEdit, FileLines, sortByteEdits } from './fileEdits.js';
import { unifiedDiff } from './unifiedDiff.js';

const diffOf = (before: string, edits: ByteEdit[], name = 'f.yaml') =>
  unifiedDiff(new FileLines(Buffer.from(before)), sortByteEdits(edits), name);

/** The byte offset of the start of 0-based line `n`. */
const lineStart = (text: string, n: number) =>
  text.split('\n').slice(0, n).join('\n').length + (n > 0 ? 1 : 0);

describe('unifiedDiff (from the edits made)', () => {
  it('prints nothing for no edits, or edits that change nothing', () => {
    expect(diffOf('a\nb\n', [])).toBe('');
    expect(diffOf('a\nb\n', [{ start: 0, end: 1, text: 'a' }])).toBe('');
  });

  it('prints a hunk with three lines of context, deletions before insertions', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const at = before.indexOf('e');
    expect(diffOf(before, [{ start: at, end: at + 1, text: 'E' }])).toBe(
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n',
    );
  });

  it('splits distant changes into hunks and counts pure insertions', () => {
    const before = `${Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')}\n`;
    const l18 = before.indexOf('l18');
    const diff = diffOf(before, [
      { start: lineStart(before, 2), end: lineStart(before, 2), text: 'new\n' },
      { start: l18, end: l18 + 1, text: 'L' },
    ]);
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,6 @@', '@@ -16,5 +17,5 @@']);
    expect(diff).toContain('\n l1\n+new\n l2\n');
  });

  it('shows removed lines, and a last line without a newline as diff -u does', () => {
    const before = 'a\nb\nc';
    expect(diffOf(before, [{ start: 2, end: 4, text: '' }])).toBe(
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -1,3 +1,2 @@\n a\n-b\n c\n\\ No newline at end of file\n',
    );
    expect(diffOf(before, [{ start: 5, end: 5, text: '\nd' }])).toBe(
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -1,3 +1,4 @@\n a\n b\n-c\n\\ No newline at end of file\n+c\n+d\n\\ No newline at end of file\n',
    );
  });

  it('agrees with GNU diff -u on generated edits', () => {
    const diffBin = spawnSync('diff', ['--version']);
    expect(diffBin.status, 'GNU diff is needed for this test').toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'podguard-diff-'));
    const lines = Array.from({ length: 60 }, (_, i) => `line ${i}${i % 7 === 0 ? ' # comment' : ''}`);
    const before = `${lines.join('\n')}\n`;
    for (let seed = 1; seed <= 20; seed++) {
      let state = seed;
      const random = (n: number) => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state % n;
      };
      const edits: ByteEdit[] = [];
      const used = new Set<number>();
      for (let k = 0; k < 1 + random(5); k++) {
        const line = random(60);
        if (used.has(line) || used.has(line - 1) || used.has(line + 1)) continue;
        used.add(line);
        const start = lineStart(before, line);
        const kind = random(3);
        if (kind === 0) edits.push({ start, end: start, text: `inserted ${k}\nand ${k}\n` });
        else if (kind === 1) edits.push({ start, end: lineStart(before, line + 1), text: '' });
        else edits.push({ start: start + 5, end: start + 6, text: `X${k}` });
      }
      const sorted = sortByteEdits(edits);
      const after = applyByteEdits(Buffer.from(before), sorted).toString();
      writeFileSync(join(dir, 'a'), before);
      writeFileSync(join(dir, 'b'), after);
      const gnu = spawnSync('diff', ['-u', '--label', 'a/f.yaml', '--label', 'b/f.yaml', 'a', 'b'], {
        cwd: dir,
        encoding: 'utf8',
      }).stdout;
      expect(diffOf(before, edits), `seed ${seed}`).toBe(gnu);
    }
  });
});
