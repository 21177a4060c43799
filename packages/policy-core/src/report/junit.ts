/**
 * `--format junit`: JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure
 * Pipelines). One `<testsuite>` per file; one `<testcase>` per checked object × rule that ran on
 * it, so a clean object shows as passing tests rather than as nothing.
 *
 * Mapping of finding statuses:
 * - `fail` with severity `error` → `<failure type="<rule>">` (message, path, fix).
 * - `fail` with severity `warning` → the test case passes and the warning is in its
 *   `<system-out>`: warnings do not fail a build by default (`--fail-on error`), and JUnit has no
 *   warning state; a failure would turn every warning red in CI dashboards.
 * - `suppressed` → `<skipped message="suppressed: <reason>">`: accepted, and visible.
 * - `error` (the object could not be evaluated) and inputs that could not be read → `<error>`.
 * Findings no checked object ran (invalid input, suppression problems, findings without a
 * source) get test cases of their own, so nothing is dropped.
 */
import type { Finding } from '../model/types.js';
import { objectKey, resourcePath } from './resourceLabel.js';
import type { CheckedObject, LocatedFinding, ScanReport } from './types.js';
import { escapeXmlAttribute, escapeXmlText } from './xml.js';

/** Suite name of findings about the options or config, which are in no file. */
const CONFIGURATION_SUITE = 'podguard configuration';

interface TestCase {
  name: string;
  findings: LocatedFinding[];
  inputError?: string;
}

type Outcome = 'error' | 'failure' | 'skipped' | 'passed';

type Counts = { tests: number; failures: number; errors: number; skipped: number };

/**
 * Which test cases of a suite a run of them is: those of its checked objects, or those of findings
 * no checked object ran (they follow the objects' in the suite).
 */
export type JunitPart = 'objects' | 'findings';

/** A run of test cases of one suite, as {@link JunitStream.cases} gives them. */
export interface JunitCases {
  suite: string;
  part: JunitPart;
  xml: string;
}

/**
 * The JUnit document around the test cases: text, and the places where the cases of a suite's
 * part go (every run {@link JunitStream.cases} gave for it, in order).
 */
export type JunitLayout = (string | { suite: string; part: JunitPart })[];

/**
 * JUnit written as the scan goes. JUnit puts counts on every suite and on the root before their
 * test cases, so a report cannot be written in order as findings come: the stream renders each
 * batch's test cases at once (a front end stores them, e.g. in a temporary file) and keeps only
 * counts per suite and the few findings without a source; {@link JunitStream.layout} then says how
 * to put the stored cases together. {@link formatJunit} is the same with the cases kept in memory.
 */
export interface JunitStream {
  /**
   * The test cases of a batch of the scan: checked objects and the findings found with them. A
   * finding joins the test case of its object and rule in the same batch: a front end hands over
   * each object with its findings (a document, or an item of a List read item by item). Objects
   * are told apart by file, document, place in the document (`source.object`), kind, namespace
   * and name, so two items of one List named alike get test cases each, in a batch or in two, as
   * {@link formatJunit} gives them: a stream remembers no object once its batch is written.
   */
  cases(objects: readonly CheckedObject[], findings: readonly LocatedFinding[]): JunitCases[];
  /** The document once the scan is done: the suites in order, their counts and their cases. */
  layout(report: Pick<ScanReport, 'inputErrors' | 'tool'>): JunitLayout;
}

interface SuiteState {
  name: string;
  counts: Counts;
  parts: Set<JunitPart>;
  /** Test cases of findings without a source, written at the end. */
  held: TestCase[];
  errors: string[];
  /** How the suite came: by checked objects, findings, unreadable inputs. */
  listed: Set<'objects' | 'findings' | 'errors'>;
}

/** Starts a JUnit report written in pieces (see {@link JunitStream}). */
export function junitStream(): JunitStream {
  const suites = new Map<string, SuiteState>();
  // Suites in the order formatJunit has always listed them: first those of checked objects (by
  // their first object), then those of findings only, then those of unreadable inputs only.
  const byObjects: SuiteState[] = [];
  const byFindings: SuiteState[] = [];
  const byErrors: SuiteState[] = [];
  const suiteFor = (name: string, by: 'objects' | 'findings' | 'errors'): SuiteState => {
    let suite = suites.get(name);
    if (!suite) {
      suite = {
        name,
        counts: { tests: 0, failures: 0, errors: 0, skipped: 0 },
        parts: new Set(),
        held: [],
        errors: [],
        listed: new Set(),
      };
      suites.set(name, suite);
    }
    if (!suite.listed.has(by)) {
      suite.listed.add(by);
      (by === 'objects' ? byObjects : by === 'findings' ? byFindings : byErrors).push(suite);
    }
    return suite;
  };
  // Findings about the options or config: a few, kept to the end as they may come at any time.
  const held = new Map<string, TestCase>();

  return {
    cases(objects, findings) {
      const batch: { suite: SuiteState; part: JunitPart; testCase: TestCase }[] = [];
      // Test cases by object key and rule, to attach findings to them.
      const cases = new Map<string, TestCase>();
      for (const object of objects) {
        const suite = suiteFor(object.source.file, 'objects');
        const key = objectKey(object.resource, object.source);
        for (const rule of object.rules) {
          if (cases.has(`${key}\u0000${rule}`)) continue;
          const testCase: TestCase = { name: `${resourcePath(object.resource)} ${rule}`, findings: [] };
          cases.set(`${key}\u0000${rule}`, testCase);
          batch.push({ suite, part: 'objects', testCase });
        }
      }
      for (const finding of findings) {
        const key = `${objectKey(finding.resource, finding.source)}\u0000${finding.rule}`;
        let testCase = cases.get(key) ?? (finding.source ? undefined : held.get(key));
        if (!testCase) {
          // Findings about the options or config name no object.
          const subject = finding.resource.kind ? resourcePath(finding.resource) : 'options';
          testCase = { name: `${subject} ${finding.rule}`, findings: [] };
          const suite = suiteFor(finding.source?.file ?? CONFIGURATION_SUITE, 'findings');
          if (finding.source) {
            cases.set(key, testCase);
            batch.push({ suite, part: 'findings', testCase });
          } else {
            held.set(key, testCase);
            suite.held.push(testCase);
          }
        }
        testCase.findings.push(finding);
      }
      const runs: JunitCases[] = [];
      for (const { suite, part, testCase } of batch) {
        const xml = renderCase(suite, testCase);
        suite.parts.add(part);
        const last = runs[runs.length - 1];
        if (last && last.suite === suite.name && last.part === part) last.xml += xml;
        else runs.push({ suite: suite.name, part, xml });
      }
      return runs;
    },

    layout(report) {
      for (const error of report.inputErrors) {
        const place =
          error.line !== undefined
            ? `:${error.line}${error.column !== undefined ? `:${error.column}` : ''}`
            : '';
        const suite = suiteFor(error.file, 'errors');
        suite.errors.push(
          renderCase(suite, { name: `read ${error.file}${place}`, findings: [], inputError: error.message }),
        );
      }
      const totals: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
      const ordered = [
        ...byObjects,
        ...byFindings.filter((suite) => !suite.listed.has('objects')),
        ...byErrors.filter((suite) => !suite.listed.has('objects') && !suite.listed.has('findings')),
      ];
      const layout: JunitLayout = [];
      for (const suite of ordered) {
        const rest =
          suite.held.map((testCase) => renderCase(suite, testCase)).join('') + suite.errors.join('');
        totals.tests += suite.counts.tests;
        totals.failures += suite.counts.failures;
        totals.errors += suite.counts.errors;
        totals.skipped += suite.counts.skipped;
        layout.push(
          `  <testsuite name="${escapeXmlAttribute(suite.name)}" ${countAttributes(suite.counts)}>\n`,
        );
        for (const part of ['objects', 'findings'] as const)
          if (suite.parts.has(part)) layout.push({ suite: suite.name, part });
        layout.push(`${rest}  </testsuite>\n`);
      }
      layout.unshift(
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
          `<testsuites name="${escapeXmlAttribute(report.tool.name)}" ${countAttributes(totals)}>\n`,
      );
      layout.push('</testsuites>\n');
      return layout;
    },
  };
}

/** A test case's XML, counted in its suite. */
function renderCase(suite: SuiteState, testCase: TestCase): string {
  const outcome = outcomeOf(testCase);
  suite.counts.tests++;
  if (outcome === 'failure') suite.counts.failures++;
  else if (outcome === 'error') suite.counts.errors++;
  else if (outcome === 'skipped') suite.counts.skipped++;
  return testCaseXml(suite.name, testCase, outcome);
}

/**
 * Formats a scan as JUnit XML (`<testsuites>` with counts on the root and every suite): the
 * pieces of {@link junitStream} for the whole report as one batch.
 */
export function formatJunit(report: ScanReport): string {
  const stream = junitStream();
  const stored = new Map<string, string[]>();
  for (const run of stream.cases(report.objects, report.findings)) {
    const key = `${run.suite}\u0000${run.part}`;
    const runs = stored.get(key);
    if (runs) runs.push(run.xml);
    else stored.set(key, [run.xml]);
  }
  return stream
    .layout(report)
    .map((piece) =>
      typeof piece === 'string' ? piece : (stored.get(`${piece.suite}\u0000${piece.part}`) ?? []).join(''),
    )
    .join('');
}

function countAttributes(counts: Counts): string {
  return `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}"`;
}

function outcomeOf(testCase: TestCase): Outcome {
  if (testCase.inputError !== undefined) return 'error';
  const { findings } = testCase;
  if (findings.some((finding) => finding.status === 'error')) return 'error';
  if (findings.some((finding) => finding.status === 'fail' && finding.severity === 'error')) return 'failure';
  if (findings.some((finding) => finding.status === 'fail')) return 'passed';
  if (findings.some((finding) => finding.status === 'suppressed')) return 'skipped';
  return 'passed';
}

function testCaseXml(classname: string, testCase: TestCase, outcome: Outcome): string {
  const open = `    <testcase classname="${escapeXmlAttribute(classname)}" name="${escapeXmlAttribute(testCase.name)}"`;
  const children: string[] = [];
  if (testCase.inputError !== undefined) {
    children.push(
      `      <error message="${escapeXmlAttribute(testCase.inputError)}" type="inputError">${escapeXmlText(testCase.inputError)}</error>\n`,
    );
  } else if (outcome === 'error' || outcome === 'failure') {
    const status = outcome === 'error' ? 'error' : 'fail';
    const main = testCase.findings.filter(
      (finding) => finding.status === status && (status === 'error' || finding.severity === 'error'),
    );
    const first = main[0];
    if (first) {
      children.push(
        `      <${outcome} message="${escapeXmlAttribute(first.message)}" type="${escapeXmlAttribute(first.rule)}">` +
          `${escapeXmlText(main.map(findingText).join('\n\n'))}</${outcome}>\n`,
      );
    }
  } else if (outcome === 'skipped') {
    const reasons = [
      ...new Set(testCase.findings.map((finding) => finding.suppression?.reason ?? 'suppressed')),
    ];
    children.push(`      <skipped message="${escapeXmlAttribute(`suppressed: ${reasons.join('; ')}`)}"/>\n`);
  }
  // Everything not shown above (warnings, suppressed findings beside a failure) goes to system-out.
  const shown = new Set(outcome === 'skipped' ? testCase.findings : []);
  if (outcome === 'error' || outcome === 'failure') {
    for (const finding of testCase.findings) {
      if (
        outcome === 'error'
          ? finding.status === 'error'
          : finding.status === 'fail' && finding.severity === 'error'
      )
        shown.add(finding);
    }
  }
  const rest = testCase.findings.filter((finding) => !shown.has(finding));
  if (rest.length > 0) {
    children.push(`      <system-out>${escapeXmlText(rest.map(findingText).join('\n\n'))}</system-out>\n`);
  }
  return children.length === 0 ? `${open}/>\n` : `${open}>\n${children.join('')}    </testcase>\n`;
}

/** The body of a failure: where, what, and how to fix it. */
function findingText(finding: LocatedFinding): string {
  const lines: string[] = [];
  const where = finding.source
    ? `${finding.source.file}:${finding.source.line}:${finding.source.column}: `
    : '';
  lines.push(`${where}${label(finding)} ${finding.rule}: ${finding.message}`);
  lines.push(`path: ${finding.path || '/'}`);
  if (finding.source?.template !== undefined) lines.push(`template: ${finding.source.template}`);
  if (finding.container !== undefined) lines.push(`container: ${finding.container}`);
  if (finding.suppression) lines.push(`suppressed: ${finding.suppression.reason}`);
  if (finding.fix)
    lines.push(`${finding.fix.kind === 'unsafe' ? 'fix (unsafe)' : 'fix'}: ${finding.fix.description}`);
  if (finding.unfixable) lines.push(`not fixed: ${finding.unfixable}`);
  if (finding.controls.length > 0) lines.push(`controls: ${finding.controls.join('; ')}`);
  return lines.join('\n');
}

function label(finding: Finding): string {
  if (finding.status === 'suppressed') return 'suppressed';
  if (finding.status === 'error') return 'error';
  return finding.severity;
}
