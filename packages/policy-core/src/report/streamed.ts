/**
 * Report formats that can be written while the scan runs: a head, one piece per finding as it is
 * found, and a tail once the summary is known. A scan of 200,000 findings then holds none of them:
 * each is written and dropped. The whole-report formatters (`formatJson`, `formatCompact`,
 * `formatSarif`) are the same pieces joined, so a streamed report and a formatted one are the same
 * bytes. JUnit, whose suites carry counts before their test cases, is written in pieces of another
 * shape (junit.ts: `junitStream`).
 */
import type { LocatedFinding, ScanReport } from './types.js';

/** What a report's tail needs: everything but the findings and the objects. */
export type ReportTail = Pick<ScanReport, 'summary' | 'inputErrors' | 'config' | 'tool'>;

/** A report written in pieces. */
export interface StreamedFormat {
  /** The text before the first finding. */
  head(): string;
  /** One finding's text; `index` counts the findings written before it. */
  finding(finding: LocatedFinding, index: number): string;
  /** The text after the last finding, `count` findings having been written. */
  tail(report: ReportTail, count: number): string;
  /**
   * For a format whose finding text depends on the finding alone and on whether it comes first:
   * `finding(f, i)` is `(i === 0 ? first : between) + text(f)`, and `text` is never empty when a
   * separator is not. The texts of findings can then be made anywhere (a worker thread) and
   * joined in order ({@link joinFindings}).
   */
  readonly separable?: SeparableFindings;
}

/** See {@link StreamedFormat.separable}. */
export interface SeparableFindings {
  readonly first: string;
  readonly between: string;
  text(finding: LocatedFinding): string;
}

/**
 * The text of consecutive findings of a separable format, as `finding` writes them after
 * `written` findings: what a thread that made `texts` in order hands over.
 */
export function joinFindings(format: SeparableFindings, texts: readonly string[], written: number): string {
  if (texts.length === 0) return '';
  return (written === 0 ? format.first : format.between) + texts.join(format.between);
}

/** A whole report in a streamed format's pieces: head, one per finding, tail. */
export function* reportPieces(format: StreamedFormat, report: ScanReport): Generator<string> {
  yield format.head();
  for (const [index, finding] of report.findings.entries()) yield format.finding(finding, index);
  yield format.tail(report, report.findings.length);
}

/**
 * `JSON.stringify(value, null, 2)` as it reads `depth` levels deep in a document indented by two
 * spaces: every line, the first too, indented by `2 × depth` spaces more. The value is wrapped in
 * `depth` arrays and the wrapping cut off again (`[\n  [\n    ` before it, as much after), so V8
 * indents while it prints: re-indenting the printed text (a replace per line) took a third longer
 * per finding of a report.
 */
export function stringifyAt(value: object, depth: number): string {
  let wrapped: unknown = value;
  for (let level = 0; level < depth; level++) wrapped = [wrapped];
  const cut = depth * (depth + 1);
  const text = JSON.stringify(wrapped, null, 2);
  return text.slice(cut, text.length - cut);
}
