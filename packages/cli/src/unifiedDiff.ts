/** A unified diff (as `diff -u` prints it) of two texts, line by line, with 3 lines of context. */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
  // A final newline ends the last line; it is not an empty line of its own.
  const lines = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const a = lines(before);
  const b = lines(after);
  const script = diffLines(a, b);
  if (script.every((entry) => entry.op === ' ')) return '';
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let i = 0;
  while (i < script.length) {
    while (i < script.length && script[i]?.op === ' ') i++;
    if (i >= script.length) break;
    let start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while changes are within 2 × context lines of each other.
    for (;;) {
      while (end < script.length && script[end]?.op !== ' ') end++;
      let next = end;
      while (next < script.length && script[next]?.op === ' ') next++;
      if (next < script.length && next - end <= 2 * context) end = next;
      else break;
    }
    end = Math.min(script.length, end + context);
    const hunk = script.slice(start, end);
    const first = hunk[0];
    const aStart = (first?.aLine ?? 0) + 1;
    const bStart = (first?.bLine ?? 0) + 1;
    const aCount = hunk.filter((e) => e.op !== '+').length;
    const bCount = hunk.filter((e) => e.op !== '-').length;
    out.push(
      `@@ -${aCount === 0 ? aStart - 1 : aStart},${aCount} +${bCount === 0 ? bStart - 1 : bStart},${bCount} @@`,
    );
    for (const entry of hunk) out.push(`${entry.op}${entry.text}`);
    i = end;
    start = end;
  }
  return `${out.join('\n')}\n`;
}

interface Entry {
  op: ' ' | '-' | '+';
  text: string;
  /** 0-based line in `a` (for ' ' and '-') or the position where an insertion lands. */
  aLine: number;
  bLine: number;
}

/** Longest-common-subsequence line diff; trims the common head and tail first (fixes are local). */
function diffLines(a: string[], b: string[]): Entry[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const n = am.length;
  const m = bm.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      (lcs[i] as number[])[j] =
        am[i] === bm[j]
          ? (lcs[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lcs[i + 1]?.[j] ?? 0, lcs[i]?.[j + 1] ?? 0);
    }
  }
  const entries: Entry[] = [];
  for (let k = 0; k < head; k++) entries.push({ op: ' ', text: a[k] as string, aLine: k, bLine: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && am[i] === bm[j]) {
      entries.push({ op: ' ', text: am[i] as string, aLine: head + i, bLine: head + j });
      i++;
      j++;
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Deletions before insertions, as `diff -u` prints a changed block.
      entries.push({ op: '-', text: am[i] as string, aLine: head + i, bLine: head + j });
      i++;
    } else {
      entries.push({ op: '+', text: bm[j] as string, aLine: head + i, bLine: head + j });
      j++;
    }
  }
  for (let k = 0; k < tail; k++) {
    entries.push({
      op: ' ',
      text: a[a.length - tail + k] as string,
      aLine: a.length - tail + k,
      bLine: b.length - tail + k,
    });
  }
  return entries;
}
