import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unifiedDiff.js';

describe('unifiedDiff', () => {
  it('prints nothing for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'f')).toBe('');
  });

  it('prints a hunk with three lines of context, deletions before insertions', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\n';
    expect(unifiedDiff(before, after, 'f.yaml')).toBe(
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n',
    );
  });

  it('splits distant changes into hunks and counts pure insertions', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l1\n', 'l1\nnew\n').replace('l18', 'L18');
    const diff = unifiedDiff(before, after, 'x');
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,6 @@', '@@ -16,5 +17,5 @@']);
  });
});
