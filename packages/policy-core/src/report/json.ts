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
  const document = {
    version: JSON_REPORT_VERSION,
    findings: report.findings.map(({ source, ...finding }) => ({
      ...finding,
      source: source ? sourceFields(source) : null,
    })),
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
  return `${JSON.stringify(document, null, 2)}\n`;
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
