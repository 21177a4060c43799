/**
 * The unified diff (as `diff -u` prints it, 3 lines of context) of the edits `--fix` makes to a
 * file, built from the edits themselves: podguard knows which lines it changed, so there is no
 * line-matching (LCS) step, and memory stays linear in the file's size.
 */
import type { ByteEdit, FileLines } from './fileEdits.js';

/** Old lines `[from, to)` replaced by `lines` (each with `eol`: whether it ends with a line break). */
interface Region {
  from: number;
  to: number;
  lines: { text: string; eol: boolean }[];
}

const NO_NEWLINE = '\\ No newline at end of file';

/** Splits bytes into lines, noting which end with a line break. */
function splitLines(bytes: Buffer): { text: string; eol: boolean }[] {
  const out: { text: string; eol: boolean }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const newline = bytes.indexOf(10, at);
    const end = newline === -1 ? bytes.length : newline;
    const contentEnd = end > at && bytes[end - 1] === 13 ? end - 1 : end;
    out.push({ text: bytes.toString('utf8', at, contentEnd), eol: newline !== -1 });
    at = end + 1;
  }
  return out;
}

/** Groups sorted edits into regions of whole lines and the lines that replace them. */
function regionsOf(lines: FileLines, sorted: readonly ByteEdit[]): Region[] {
  const groups: { from: number; to: number; end: number; edits: ByteEdit[] }[] = [];
  for (const edit of sorted) {
    const from = lines.lineOf(edit.start);
    const atLineStart = edit.start === lines.start(from);
    const to =
      edit.end > edit.start
        ? lines.lineOf(edit.end - 1) + 1
        : atLineStart
          ? from
          : Math.min(from + 1, lines.count);
    const last = groups[groups.length - 1];
    if (last && (from < last.to || edit.start <= last.end)) {
      last.to = Math.max(last.to, to);
      last.end = Math.max(last.end, edit.end);
      last.edits.push(edit);
    } else groups.push({ from, to, end: edit.end, edits: [edit] });
  }
  const bytes = Buffer.from(lines.bytes.buffer, lines.bytes.byteOffset, lines.bytes.byteLength);
  return groups.map(({ from, to, edits }) => {
    const start = lines.start(from);
    const parts: Buffer[] = [];
    let at = start;
    for (const edit of edits) {
      parts.push(bytes.subarray(at, edit.start), Buffer.from(edit.text, 'utf8'));
      at = edit.end;
    }
    parts.push(bytes.subarray(at, lines.start(to)));
    return { from, to, lines: splitLines(Buffer.concat(parts)) };
  });
}

/**
 * A unified diff of `edits` (sorted, not overlapping) applied to `lines`, or '' when they change
 * nothing. `name` is the path shown in the `---`/`+++` header.
 */
export function unifiedDiff(lines: FileLines, edits: readonly ByteEdit[], name: string, context = 3): string {
  const regions = regionsOf(lines, edits).filter((region) => {
    if (region.to - region.from !== region.lines.length) return true;
    return region.lines.some(
      (line, i) =>
        line.text !== lines.text(region.from + i) || line.eol !== (lines.eol(region.from + i) !== ''),
    );
  });
  if (regions.length === 0) return '';
  const out = [`--- a/${name}`, `+++ b/${name}`];
  const oldLine = (i: number) => {
    out.push(` ${lines.text(i)}`);
    if (lines.eol(i) === '') out.push(NO_NEWLINE);
  };
  let delta = 0;
  let r = 0;
  while (r < regions.length) {
    // A hunk: regions less than 2 × context lines apart, with context around them.
    let last = r;
    while (
      last + 1 < regions.length &&
      (regions[last + 1] as Region).from - (regions[last] as Region).to <= 2 * context
    )
      last++;
    const first = regions[r] as Region;
    const from = Math.max(0, first.from - context);
    const to = Math.min(lines.count, (regions[last] as Region).to + context);
    const body: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    let hunkDelta = 0;
    const saved = out.length;
    let at = from;
    for (let k = r; k <= last; k++) {
      const region = regions[k] as Region;
      for (; at < region.from; at++) oldLine(at);
      for (let i = region.from; i < region.to; i++) {
        out.push(`-${lines.text(i)}`);
        if (lines.eol(i) === '') out.push(NO_NEWLINE);
      }
      for (const line of region.lines) {
        out.push(`+${line.text}`);
        if (!line.eol) out.push(NO_NEWLINE);
      }
      oldCount += region.to - region.from;
      newCount += region.lines.length;
      hunkDelta += region.lines.length - (region.to - region.from);
      at = region.to;
    }
    for (; at < to; at++) oldLine(at);
    const contextCount = to - from - oldCount;
    oldCount += contextCount;
    newCount += contextCount;
    body.push(...out.splice(saved));
    const oldStart = oldCount === 0 ? from : from + 1;
    const newStart = newCount === 0 ? from + delta : from + delta + 1;
    // As GNU diff and git print them: a one-line side has no count.
    const side = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
    out.push(`@@ -${side(oldStart, oldCount)} +${side(newStart, newCount)} @@`, ...body);
    delta += hunkDelta;
    r = last + 1;
  }
  return `${out.join('\n')}\n`;
}
