/**
 * `--format json`: one object, `{ version, findings, summary, inputErrors, config }`, for tools
 * that read podguard's verdicts. The shape is a contract (issue 5): fields are only ever added, and
 * {@link JSON_REPORT_VERSION} changes only when a field changes meaning or goes away.
 */
import {
  type ReportTail,
  reportPieces,
  type SeparableFindings,
  type StreamedFormat,
  stringifyAt,
} from './streamed.js';
import type { LocatedFinding, ScanReport, SourceLocation } from './types.js';

/** Version of the JSON report shape; bumped only for incompatible changes. */
export const JSON_REPORT_VERSION = 1;

/**
 * Formats a scan as JSON: every core finding field plus `source` (`null` for findings about the
 * options, which have no place in a file), the summary, and the inputs that could not be read.
 * Pretty-printed with two spaces and a trailing newline.
 */
export function formatJson(report: ScanReport): string {
  return [...reportPieces(jsonStream, report)].join('');
}

/** `--format json` in pieces: the head, one per finding, the tail (see streamed.ts). */
const jsonFindings: SeparableFindings = {
  first: '\n',
  between: ',\n',
  text: (finding) => stringifyAt(reportFinding(finding), 2),
};

export const jsonStream: StreamedFormat = {
  head: () => `{\n  "version": ${JSON_REPORT_VERSION},\n  "findings": [`,
  finding: (finding, index) =>
    (index === 0 ? jsonFindings.first : jsonFindings.between) + jsonFindings.text(finding),
  separable: jsonFindings,
  tail: (report, count) => {
    // The rest of the object, as JSON.stringify prints it at this depth.
    const rest = JSON.stringify(jsonReportRest(report), null, 2);
    return `${count === 0 ? ']' : '\n  ]'},\n${rest.slice(2)}\n`;
  },
};

/**
 * `--format ndjson`: one finding per line, the same object as in the JSON report's `findings`, for
 * pipelines (`jq`, log shippers) that read a line at a time.
 */
const ndjsonFindings: SeparableFindings = {
  first: '',
  between: '',
  text: (finding) => `${JSON.stringify(reportFinding(finding))}\n`,
};

export const ndjsonStream: StreamedFormat = {
  head: () => '',
  finding: ndjsonFindings.text,
  tail: () => '',
  separable: ndjsonFindings,
};

/** What follows the findings in the JSON report. */
function jsonReportRest(report: ReportTail) {
  return {
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
}

/** A finding as the JSON report prints it: every core field, then `source` (`null` for options). */
function reportFinding({ source, ...finding }: LocatedFinding) {
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
