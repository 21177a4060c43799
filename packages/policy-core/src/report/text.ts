/**
 * `--format text`, the default, in the manner of ESLint's stylish and kube-score: findings grouped
 * by object under a header naming the object and where it is, one short aligned line per finding
 * (`line:col  severity  rule  message`, the message wrapped under itself), each distinct fix once
 * per object, and a closing summary: a per-rule table, objects scanned/failed/passed, findings by
 * severity, and the configuration file in use. Every line fits {@link TEXT_WIDTH} columns (a
 * single path or word longer than that is the only exception). Colour is the caller's decision:
 * this stays pure.
 */
import type { Finding } from '../model/types.js';
import { ControlTally } from './controls.js';
import { countOf, objectKey, qualifiedName } from './resourceLabel.js';
import type { ReportTail } from './streamed.js';
import type { CheckedObject, LocatedFinding, ScanReport, SourceLocation } from './types.js';

/** Options of {@link formatText}. */
export interface TextFormatOptions {
  /** Emit ANSI colours and dimming. */
  color: boolean;
  /** Append the findings grouped by compliance control (`--summary controls`). */
  summaryControls?: boolean;
  /** Print the fix under every finding instead of each distinct fix once per object. */
  verbose?: boolean;
}

/** The widest line the text report prints. */
export const TEXT_WIDTH = 100;

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green' | 'magenta';
type Paint = (style: Style, text: string) => string;

const ANSI: Readonly<Record<Style, readonly [string, string]>> = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  red: ['\u001b[31m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  cyan: ['\u001b[36m', '\u001b[39m'],
  green: ['\u001b[32m', '\u001b[39m'],
  magenta: ['\u001b[35m', '\u001b[39m'],
};

interface ObjectGroup {
  /** `Kind namespace/name`, or `Options and configuration`. */
  title: string;
  /** Where the object starts: `file:line`, with the Helm template when known. */
  where?: string;
  findings: LocatedFinding[];
}

/** Formats a scan for a terminal or a CI log. Ends with a newline. */
export function formatText(report: ScanReport, options: TextFormatOptions): string {
  const stream = textStream(options);
  return stream.batch(report.findings, report.objects) + stream.tail(report);
}

/**
 * `--format text` written as the scan goes. Each batch of the scan (a document, an item of a List)
 * hands over its findings with its checked objects: their groups are written at once, and the
 * summary is kept as counts. The findings about the options (a few, with no place in a file) are
 * held for the end. An object's findings come in the batch of the object, so the groups are those
 * of {@link formatText}, which is this stream fed the whole report as one batch.
 */
export interface TextStream {
  /** The groups of a batch's objects, each followed by an empty line. */
  batch(findings: readonly LocatedFinding[], objects: readonly CheckedObject[]): string;
  /** The findings about the options, unreadable inputs, controls and the summary. */
  tail(report: ReportTail): string;
}

/** Starts a text report written in pieces (see {@link TextStream}). */
export function textStream(options: TextFormatOptions): TextStream {
  const paint: Paint = (style, text) => (options.color ? `${ANSI[style][0]}${text}${ANSI[style][1]}` : text);
  const verbose = options.verbose === true;
  const tally = new SummaryTally();
  const controls = options.summaryControls ? new ControlTally(false) : undefined;
  const aboutOptions: LocatedFinding[] = [];
  const block = (group: ObjectGroup) => `${groupLines(group, verbose, paint).join('\n')}\n\n`;
  return {
    batch(findings, objects) {
      tally.add(findings);
      controls?.add(findings);
      let text = '';
      for (const group of groupByObject(findings, objects, aboutOptions)) text += block(group);
      return text;
    },
    tail(report) {
      const out: string[] = [];
      if (aboutOptions.length > 0) {
        out.push(
          ...groupLines({ title: 'Options and configuration', findings: aboutOptions }, verbose, paint),
          '',
        );
      }
      if (report.inputErrors.length > 0) {
        out.push(paint('bold', 'Inputs that could not be read'));
        for (const error of report.inputErrors) {
          const where = [error.file, error.line, error.line !== undefined ? error.column : undefined]
            .filter((part) => part !== undefined)
            .join(':');
          out.push(
            ...hanging(`  ${printable(where)}  `, printable(error.message), 4, (t) => paint('red', t)),
          );
        }
        out.push('');
      }
      if (controls) {
        const groups = controls.groups();
        out.push(paint('bold', 'Controls'));
        if (groups.length === 0) out.push('  no findings map to a control');
        for (const group of groups) {
          const counts = [
            `${group.failed} failed`,
            ...(group.suppressed > 0 ? [`${group.suppressed} suppressed`] : []),
            ...(group.errors > 0 ? [`${group.errors} ${group.errors === 1 ? 'error' : 'errors'}`] : []),
          ].join(', ');
          const text = `${group.control}: ${counts} (${group.rules.join(', ')})`;
          out.push(
            ...wrap(text, TEXT_WIDTH - 2, TEXT_WIDTH - 4).map((line, i) =>
              i === 0 ? `  ${line}` : `    ${line}`,
            ),
          );
        }
        out.push('');
      }
      out.push(...tally.lines(report, paint));
      return `${out.join('\n')}\n`;
    },
  };
}

/**
 * A batch's findings by object, objects in order of their first finding; the findings about the
 * options go to `aboutOptions`. `objects` say where each object starts.
 */
function groupByObject(
  findings: readonly LocatedFinding[],
  objects: readonly CheckedObject[],
  aboutOptions: LocatedFinding[],
): ObjectGroup[] {
  const objectSources = new Map(
    objects.map((object) => [objectKey(object.resource, object.source), object.source]),
  );
  const groups = new Map<string, ObjectGroup>();
  for (const finding of findings) {
    if (!finding.source) {
      aboutOptions.push(finding);
      continue;
    }
    const key = objectKey(finding.resource, finding.source);
    let group = groups.get(key);
    if (!group) {
      const start = objectSources.get(key) ?? finding.source;
      const name = qualifiedName(finding.resource);
      const title = `${finding.resource.kind || 'Document'} ${name}`;
      // A Dockerfile is named by its path: the path once is enough.
      group =
        name === start.file && start.template === undefined
          ? { title: `${title}:${start.line}`, findings: [] }
          : { title, where: objectPlace(start), findings: [] };
      groups.set(key, group);
    }
    group.findings.push(finding);
  }
  return [...groups.values()];
}

/** `file:line`, or for Helm output `template (file:line)`: the template is what the author edits. */
function objectPlace(source: SourceLocation): string {
  const place = `${source.file}:${source.line}`;
  return source.template !== undefined ? `${source.template} (${place})` : place;
}

function statusLabel(finding: Finding): string {
  if (finding.status === 'suppressed') return 'suppressed';
  if (finding.status === 'error') return 'error';
  return finding.severity;
}

function groupLines(group: ObjectGroup, verbose: boolean, paint: Paint): string[] {
  const lines: string[] = [];
  const title = printable(group.title);
  const where = group.where === undefined ? undefined : printable(group.where);
  if (where === undefined) lines.push(paint('bold', title));
  else if (title.length + 2 + where.length <= TEXT_WIDTH)
    lines.push(`${paint('bold', title)}  ${paint('dim', where)}`);
  else lines.push(paint('bold', title), `  ${paint('dim', where)}`);

  const places = group.findings.map((finding) =>
    finding.source ? `${finding.source.line}:${finding.source.column}` : '-',
  );
  const placeWidth = Math.max(...places.map((place) => place.length));
  const labelWidth = Math.max(...group.findings.map((finding) => statusLabel(finding).length));
  const messageColumn = 2 + placeWidth + 2 + labelWidth + 2;
  const indent = ' '.repeat(messageColumn);

  // Each distinct fix once per object; an unsafe fix (it changes what the author wrote) says so.
  const fixes: { label: string; description: string }[] = [];
  group.findings.forEach((finding, index) => {
    const suppressed = finding.status === 'suppressed';
    const label = statusLabel(finding).padEnd(labelWidth);
    const color: Style = finding.status === 'error' || finding.severity === 'error' ? 'red' : 'yellow';
    const head = `  ${(places[index] as string).padEnd(placeWidth)}  ${suppressed ? label : paint(color, label)}  `;
    const reason =
      suppressed && finding.suppression ? ` (suppressed: ${printable(finding.suppression.reason)})` : '';
    // ESLint's order: the message, then the rule id where the message ends.
    const text = wrap(`${printable(finding.message)}${reason}`, TEXT_WIDTH - messageColumn);
    const last = text.length - 1;
    const rule = suppressed ? finding.rule : paint('cyan', finding.rule);
    if ((text[last] as string).length + 2 + finding.rule.length <= TEXT_WIDTH - messageColumn)
      text[last] = `${text[last] as string}  ${rule}`;
    else text.push(rule);
    const findingLines = text.map((line, i) => (i === 0 ? `${head}${line}` : `${indent}${line}`));
    lines.push(...(suppressed ? findingLines.map((line) => paint('dim', line)) : findingLines));
    if (finding.suppression?.expired) {
      const expired = `suppression expired ${finding.suppression.expires ?? ''}`.trimEnd();
      lines.push(`${indent}${paint('magenta', expired)}`);
    }
    if (finding.fix && !suppressed) {
      const description = printable(finding.fix.description);
      const fixLabel = finding.fix.kind === 'unsafe' ? 'fix (unsafe):' : 'fix:';
      if (verbose)
        lines.push(
          ...hanging(
            `${indent}${paint('green', fixLabel)} `,
            description,
            messageColumn + fixLabel.length + 1,
          ),
        );
      else if (!fixes.some((fix) => fix.description === description && fix.label === fixLabel))
        fixes.push({ label: fixLabel, description });
    }
    if (finding.unfixable && !suppressed) {
      const why = printable(finding.unfixable);
      if (verbose) lines.push(...hanging(`${indent}${paint('dim', 'not fixed:')} `, why, messageColumn + 11));
      else if (!fixes.some((fix) => fix.description === why && fix.label === 'not fixed:'))
        fixes.push({ label: 'not fixed:', description: why });
    }
  });
  for (const { label, description } of fixes) {
    const style: Style = label === 'not fixed:' ? 'dim' : 'green';
    lines.push(...hanging(`  ${paint(style, label)} `, description, 3 + label.length));
  }
  return lines;
}

/**
 * `head` then `text` wrapped so that every line fits: continuation lines are indented to `indent`
 * (the column where the text starts, for aligned messages). `head` may hold colour escapes.
 */
function hanging(head: string, text: string, indent: number, style?: (text: string) => string): string[] {
  const first = TEXT_WIDTH - visibleLength(head);
  const rest = TEXT_WIDTH - indent;
  const lines = wrap(text, first, rest);
  return lines.map((line, i) => {
    const styled = style ? style(line) : line;
    return i === 0 ? `${head}${styled}` : `${' '.repeat(indent)}${styled}`;
  });
}

// biome-ignore lint/complexity/useRegexLiterals: a literal would hold a control character
const ANSI_ESCAPE = new RegExp(String.raw`\u001b\[\d+m`, 'g');
const visibleLength = (text: string) => text.replace(ANSI_ESCAPE, '').length;

/** Word-wraps `text`: the first line to `first` columns, the others to `rest`. */
function wrap(text: string, first: number, rest = first): string[] {
  const lines: string[] = [];
  let line = '';
  let width = Math.max(10, first);
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      width = Math.max(10, rest);
      line = word;
    }
    // A single word wider than the line (a long path or image reference) is cut.
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
      width = Math.max(10, rest);
    }
  }
  lines.push(line);
  return lines;
}

interface RuleCounts {
  errors: number;
  warnings: number;
  suppressed: number;
  /** Objects with a finding of the rule that is not suppressed. */
  objects: number;
}

/**
 * The summary's counts, fed in batches: per rule, objects failed and with warnings only, findings
 * that could not be checked. Objects are counted per batch (an object's findings come in its
 * batch), so no set of every object is kept.
 */
class SummaryTally {
  readonly #rules = new Map<string, RuleCounts>();
  #failed = 0;
  #warned = 0;
  #notChecked = 0;

  add(findings: readonly LocatedFinding[]): void {
    const objectsByRule = new Map<string, Set<string>>();
    const failedObjects = new Set<string>();
    const warnedObjects = new Set<string>();
    for (const finding of findings) {
      let counts = this.#rules.get(finding.rule);
      if (!counts) {
        counts = { errors: 0, warnings: 0, suppressed: 0, objects: 0 };
        this.#rules.set(finding.rule, counts);
      }
      const key = finding.source ? objectKey(finding.resource, finding.source) : undefined;
      if (finding.status === 'suppressed') {
        counts.suppressed++;
        continue;
      }
      if (key !== undefined) {
        let objects = objectsByRule.get(finding.rule);
        if (!objects) {
          objects = new Set();
          objectsByRule.set(finding.rule, objects);
        }
        objects.add(key);
      }
      if (finding.status === 'error') this.#notChecked++;
      if (finding.status === 'error' || finding.severity === 'error') {
        counts.errors++;
        if (key !== undefined) failedObjects.add(key);
      } else {
        counts.warnings++;
        if (key !== undefined) warnedObjects.add(key);
      }
    }
    for (const key of failedObjects) warnedObjects.delete(key);
    for (const [rule, objects] of objectsByRule)
      (this.#rules.get(rule) as RuleCounts).objects += objects.size;
    this.#failed += failedObjects.size;
    this.#warned += warnedObjects.size;
  }

  /** Counts per rule, objects failed and passed, findings by severity, and the config file. */
  lines(report: ReportTail, paint: Paint): string[] {
    const out: string[] = [];
    const rules = this.#rules;
    if (rules.size > 0) {
      const ruleWidth = Math.max('rule'.length, ...[...rules.keys()].map((rule) => rule.length));
      const header = ['errors', 'warnings', 'suppressed', 'objects'];
      const row = (first: string, cells: (string | number)[]) =>
        `${first.padEnd(ruleWidth)}${cells.map((cell, i) => String(cell).padStart((header[i] as string).length + 2)).join('')}`;
      out.push(paint('bold', row('rule', header)));
      const sorted = [...rules.entries()].sort(
        ([a, x], [b, y]) =>
          y.errors - x.errors || y.warnings - x.warnings || y.suppressed - x.suppressed || a.localeCompare(b),
      );
      for (const [rule, counts] of sorted) {
        out.push(row(rule, [counts.errors, counts.warnings, counts.suppressed, counts.objects]));
      }
      out.push('');
    }

    const { summary } = report;
    const failed = this.#failed;
    const warned = this.#warned;
    const notChecked = this.#notChecked;
    const passed = Math.max(0, summary.objects - failed - warned);
    const objectParts = [
      paint(failed > 0 ? 'red' : 'green', `${failed} failed`),
      ...(warned > 0 ? [paint('yellow', `${warned} with warnings only`)] : []),
      paint('green', `${passed} passed`),
    ];
    out.push(
      `${countOf(summary.objects, 'object')} scanned in ${countOf(summary.files, 'file')}: ${objectParts.join(', ')}`,
    );
    const findingCount = summary.failed + summary.warnings + summary.suppressed + notChecked;
    const findingParts = [
      paint(summary.failed > 0 ? 'red' : 'green', countOf(summary.failed, 'error')),
      paint(summary.warnings > 0 ? 'yellow' : 'green', countOf(summary.warnings, 'warning')),
      `${summary.suppressed} suppressed`,
      ...(notChecked > 0 ? [paint('red', `${notChecked} could not be checked`)] : []),
    ];
    out.push(`${countOf(findingCount, 'finding')}: ${findingParts.join(', ')}`);
    if (report.inputErrors.length > 0) {
      out.push(paint('red', `${countOf(report.inputErrors.length, 'input')} could not be read`));
    }
    if (report.config !== undefined)
      out.push(`config: ${report.config === null ? 'none' : printable(report.config)}`);
    return out;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters looked for.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Shows control characters (escape sequences, line breaks) as `\uXXXX`: messages quote names and
 * annotation values from the input, which must not move the cursor, recolour the terminal or
 * break the one-finding-per-line layout.
 */
export function printable(text: string): string {
  // Nearly every text has none: returned as it is, without a copy built a character at a time.
  if (!CONTROL.test(text)) return text;
  let result = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    result += control ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char;
  }
  return result;
}
