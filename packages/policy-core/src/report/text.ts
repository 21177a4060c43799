/**
 * `--format text`, the default: findings grouped by object, one line each in the
 * `file:line:col  severity  rule  message` shape editors and terminals link, the fix below, and a
 * summary line. Colour is the caller's decision (a TTY and no `NO_COLOR`): this stays pure.
 */
import type { Finding } from '../model/types.js';
import { groupByControl } from './controls.js';
import { countOf, objectKey, qualifiedName } from './resourceLabel.js';
import type { LocatedFinding, ScanReport } from './types.js';

/** Options of {@link formatText}. */
export interface TextFormatOptions {
  /** Emit ANSI colours and dimming. */
  color: boolean;
  /** Append the findings grouped by compliance control (`--summary controls`). */
  summaryControls?: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green' | 'magenta';

const ANSI: Readonly<Record<Style, readonly [string, string]>> = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  red: ['\u001b[31m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  cyan: ['\u001b[36m', '\u001b[39m'],
  green: ['\u001b[32m', '\u001b[39m'],
  magenta: ['\u001b[35m', '\u001b[39m'],
};

/** Width of the widest status label, so rule ids line up. */
const LABEL_WIDTH = 'suppressed'.length;

interface ObjectGroup {
  header: string;
  findings: LocatedFinding[];
}

/** Formats a scan for a terminal or a CI log. Ends with a newline. */
export function formatText(report: ScanReport, options: TextFormatOptions): string {
  const paint = (style: Style, text: string): string =>
    options.color ? `${ANSI[style][0]}${text}${ANSI[style][1]}` : text;
  const out: string[] = [];

  const groups = groupByObject(report);
  const width = Math.max(
    0,
    ...groups.flatMap((group) => group.findings.map((finding) => whereOf(finding).length)),
  );
  for (const group of groups) {
    out.push(paint('bold', printable(group.header)));
    for (const finding of group.findings) out.push(...findingLines(finding, width, paint));
    out.push('');
  }

  if (report.inputErrors.length > 0) {
    out.push(paint('bold', 'Inputs that could not be read'));
    for (const error of report.inputErrors) {
      const where = [error.file, error.line, error.line !== undefined ? error.column : undefined]
        .filter((part) => part !== undefined)
        .join(':');
      out.push(
        `  ${printable(where)}  ${paint('red', 'error'.padEnd(LABEL_WIDTH))}  ${printable(error.message)}`,
      );
    }
    out.push('');
  }

  if (options.summaryControls) {
    const groups = groupByControl(report.findings);
    out.push(paint('bold', 'Controls'));
    if (groups.length === 0) out.push('  no findings map to a control');
    for (const group of groups) {
      const counts = [
        `${group.failed} failed`,
        ...(group.suppressed > 0 ? [`${group.suppressed} suppressed`] : []),
        ...(group.errors > 0 ? [`${group.errors} ${group.errors === 1 ? 'error' : 'errors'}`] : []),
      ].join(', ');
      out.push(
        `  ${group.control}: ${paint(group.failed > 0 ? 'red' : 'green', counts)} (${group.rules.join(', ')})`,
      );
    }
    out.push('');
  }

  const { summary } = report;
  const line =
    `${countOf(summary.objects, 'object')} in ${countOf(summary.files, 'file')}: ` +
    `${summary.failed} failed, ${countOf(summary.warnings, 'warning')}, ${summary.suppressed} suppressed, ` +
    `${countOf(summary.errors, 'error')}`;
  const clean = summary.failed === 0 && summary.errors === 0;
  out.push(paint(clean ? (summary.warnings > 0 ? 'yellow' : 'green') : 'red', line));
  return `${out.join('\n')}\n`;
}

/** Findings by object, objects in order of their first finding; findings about the options last. */
function groupByObject(report: ScanReport): ObjectGroup[] {
  const objectLines = new Map(
    report.objects.map((object) => [objectKey(object.resource, object.source), object.source.line]),
  );
  const groups = new Map<string, ObjectGroup>();
  let options: ObjectGroup | undefined;
  for (const finding of report.findings) {
    if (!finding.source) {
      options ??= { header: 'Options and configuration', findings: [] };
      options.findings.push(finding);
      continue;
    }
    const key = objectKey(finding.resource, finding.source);
    let group = groups.get(key);
    if (!group) {
      const line = objectLines.get(key) ?? finding.source.line;
      const kind = finding.resource.kind || 'Document';
      group = {
        header: `${kind} ${qualifiedName(finding.resource)} (${finding.source.file}:${line})`,
        findings: [],
      };
      groups.set(key, group);
    }
    group.findings.push(finding);
  }
  return options ? [...groups.values(), options] : [...groups.values()];
}

function whereOf(finding: LocatedFinding): string {
  return finding.source
    ? `${finding.source.file}:${finding.source.line}:${finding.source.column}`
    : '(options)';
}

function findingLines(
  finding: LocatedFinding,
  width: number,
  paint: (style: Style, text: string) => string,
): string[] {
  const where = printable(whereOf(finding)).padEnd(width);
  const message = printable(finding.message);
  const label = statusLabel(finding).padEnd(LABEL_WIDTH);
  if (finding.status === 'suppressed') {
    const reason = finding.suppression ? ` (suppressed: ${printable(finding.suppression.reason)})` : '';
    return [paint('dim', `  ${where}  ${label}  ${finding.rule}  ${message}${reason}`)];
  }
  const color = finding.status === 'error' || finding.severity === 'error' ? 'red' : 'yellow';
  const lines = [`  ${where}  ${paint(color, label)}  ${paint('cyan', finding.rule)}  ${message}`];
  if (finding.suppression?.expired) {
    lines.push(
      `    ${paint('magenta', `suppression expired ${finding.suppression.expires ?? ''}`.trimEnd())}`,
    );
  }
  if (finding.fix) {
    // An unsafe fix changes what the author wrote: say so where the fix is shown.
    const label = finding.fix.kind === 'unsafe' ? 'fix (unsafe):' : 'fix:';
    lines.push(`    ${paint('green', label)} ${printable(finding.fix.description)}`);
  }
  if (finding.unfixable) lines.push(`    ${paint('dim', 'not fixed:')} ${printable(finding.unfixable)}`);
  return lines;
}

function statusLabel(finding: Finding): string {
  if (finding.status === 'suppressed') return 'suppressed';
  if (finding.status === 'error') return 'error';
  return finding.severity;
}

/**
 * Shows control characters (escape sequences, line breaks) as `\uXXXX`: messages quote names and
 * annotation values from the input, which must not move the cursor, recolour the terminal or
 * break the one-finding-per-line layout.
 */
function printable(text: string): string {
  let result = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    result += control ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char;
  }
  return result;
}
