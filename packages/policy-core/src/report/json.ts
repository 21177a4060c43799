/**
 * `--format json`: one object, `{ version, findings, summary, inputErrors, config }`, for tools
 * that read podguard's verdicts. The shape is a contract (issue 5): fields are only ever added, and
 * {@link JSON_REPORT_VERSION} changes only when a field changes meaning or goes away.
 */
import type { ScanReport, SourceLocation } from './types.js';

/** Version of the JSON report shape; bumped only for incompatible changes. */
export const JSON_REPORT_VERSION = 1;

/**
 * Formats a scan as JSON: every core finding field plus `source` (`null` for findings about the
 * options, which have no place in a file), the summary, and the inputs that could not be read.
 * Pretty-printed with two spaces and a trailing newline.
 */
export function formatJson(report: ScanReport): string {
  return [...jsonReportChunks(report)].join('');
}

/**
 * {@link formatJson}'s text in pieces (one per finding), for writers that stream: the report of
 * 200,000 findings is never one string. Joined, the pieces are exactly {@link formatJson}'s text.
 */
export function* jsonReportChunks(report: ScanReport): Generator<string> {
  const rest = {
    summary: {
      files: report.summary.files,
      documents: report.summary.documents,
      objects: report.summary.objects,
      pods: report.summary.pods,
      failed: report.summary.failed,
      warnings: report.summary.warnings,
      suppressed: report.summary.suppressed,
      errors: report.summary.errors,
    },
    inputErrors: report.inputErrors.map((error) => ({ ...error })),
    // Added in 0.x without a version bump (an added field): the configuration file in use, or null.
    config: report.config ?? null,
  };
  if (report.findings.length === 0) {
    yield `${JSON.stringify({ version: JSON_REPORT_VERSION, findings: [], ...rest }, null, 2)}\n`;
    return;
  }
  yield `{\n  "version": ${JSON_REPORT_VERSION},\n  "findings": [\n`;
  for (const [index, finding] of report.findings.entries()) {
    const text = JSON.stringify(reportFinding(finding), null, 2).replace(/\n/g, '\n    ');
    yield `    ${text}${index === report.findings.length - 1 ? '' : ','}\n`;
  }
  // The rest of the object, printed as JSON.stringify prints it at this depth.
  const tail = JSON.stringify(rest, null, 2);
  yield `  ],\n${tail.slice(2)}\n`;
}

/**
 * `--format ndjson`: one finding per line, the same object as in the JSON report's `findings`, for
 * pipelines (`jq`, log shippers) that read a line at a time.
 */
export function* ndjsonLines(report: ScanReport): Generator<string> {
  for (const finding of report.findings) yield `${JSON.stringify(reportFinding(finding))}\n`;
}

/** A finding as the JSON report prints it: every core field, then `source` (`null` for options). */
function reportFinding({ source, ...finding }: ScanReport['findings'][number]) {
  return { ...finding, source: source ? sourceFields(source) : null };
}

/** The contract's key order (file, line, column, document), then the Helm template when known. */
function sourceFields(source: SourceLocation): SourceLocation {
  const fields: SourceLocation = {
    file: source.file,
    line: source.line,
    column: source.column,
    document: source.document,
  };
  if (source.template !== undefined) fields.template = source.template;
  return fields;
}
