/**
 * `--format compact`: one `file:line:col: severity rule message` line per finding, for editors'
 * error parsers and grep. Suppressed findings are left out (they are not problems); inputs that
 * could not be read are `error input` lines; findings about the options, which have no place in
 * a file, start with `(options)`. Helm output names the chart template at the end of the line.
 */

import { reportPieces, type SeparableFindings, type StreamedFormat } from './streamed.js';
import { printable } from './text.js';
import type { ScanReport } from './types.js';

/** Control characters from the input never reach the terminal, and one finding stays one line. */
const oneLine = printable;

/** Formats a scan as one line per finding. Ends with a newline when there is a line. */
export function formatCompact(report: ScanReport): string {
  return [...reportPieces(compactStream, report)].join('');
}

/** `--format compact` in pieces (see streamed.ts): a line per finding, then the input errors. */
const compactFindings: SeparableFindings = {
  first: '',
  between: '',
  text: (finding) => {
    if (finding.status === 'suppressed') return '';
    const severity = finding.status === 'error' ? 'error' : finding.severity;
    const source = finding.source;
    const where = source ? `${source.file}:${source.line}:${source.column}` : '(options)';
    const template = source?.template !== undefined ? ` [${source.template}]` : '';
    return `${oneLine(where)}: ${severity} ${finding.rule} ${oneLine(finding.message)}${oneLine(template)}\n`;
  },
};

export const compactStream: StreamedFormat = {
  head: () => '',
  finding: compactFindings.text,
  separable: compactFindings,
  tail: (report) =>
    report.inputErrors
      .map((error) => {
        const where = `${error.file}:${error.line ?? 1}:${error.column ?? 1}`;
        return `${oneLine(where)}: error input ${oneLine(error.message)}\n`;
      })
      .join(''),
};
