/**
 * `--format compact`: one `file:line:col: severity rule message` line per finding, for editors'
 * error parsers and grep. Suppressed findings are left out (they are not problems); inputs that
 * could not be read are `error input` lines; findings about the options, which have no place in
 * a file, start with `(options)`. Helm output names the chart template at the end of the line.
 */
import { printable } from './text.js';
import type { ScanReport } from './types.js';

/** Control characters from the input never reach the terminal, and one finding stays one line. */
const oneLine = printable;

/** Formats a scan as one line per finding. Ends with a newline when there is a line. */
export function formatCompact(report: ScanReport): string {
  const lines: string[] = [];
  for (const finding of report.findings) {
    if (finding.status === 'suppressed') continue;
    const severity = finding.status === 'error' ? 'error' : finding.severity;
    const source = finding.source;
    const where = source ? `${source.file}:${source.line}:${source.column}` : '(options)';
    const template = source?.template !== undefined ? ` [${source.template}]` : '';
    lines.push(
      `${oneLine(where)}: ${severity} ${finding.rule} ${oneLine(finding.message)}${oneLine(template)}`,
    );
  }
  for (const error of report.inputErrors) {
    const where = `${error.file}:${error.line ?? 1}:${error.column ?? 1}`;
    lines.push(`${oneLine(where)}: error input ${oneLine(error.message)}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
