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
import type { LocatedFinding, ScanReport } from './types.js';
import { escapeXmlAttribute, escapeXmlText } from './xml.js';

/** Suite name of findings about the options or config, which are in no file. */
const CONFIGURATION_SUITE = 'podguard configuration';

interface TestCase {
  name: string;
  findings: LocatedFinding[];
  inputError?: string;
}

interface Suite {
  name: string;
  cases: TestCase[];
}

type Outcome = 'error' | 'failure' | 'skipped' | 'passed';

/** Formats a scan as JUnit XML (`<testsuites>` with counts on the root and every suite). */
export function formatJunit(report: ScanReport): string {
  const suites = new Map<string, Suite>();
  const suiteFor = (name: string): Suite => {
    let suite = suites.get(name);
    if (!suite) {
      suite = { name, cases: [] };
      suites.set(name, suite);
    }
    return suite;
  };

  // Test cases by object key and rule, to attach findings to them.
  const cases = new Map<string, TestCase>();
  for (const object of report.objects) {
    const suite = suiteFor(object.source.file);
    const key = objectKey(object.resource, object.source);
    for (const rule of object.rules) {
      const testCase: TestCase = { name: `${resourcePath(object.resource)} ${rule}`, findings: [] };
      if (!cases.has(`${key}\u0000${rule}`)) {
        cases.set(`${key}\u0000${rule}`, testCase);
        suite.cases.push(testCase);
      }
    }
  }
  for (const finding of report.findings) {
    const key = `${objectKey(finding.resource, finding.source)}\u0000${finding.rule}`;
    let testCase = cases.get(key);
    if (!testCase) {
      // Findings about the options or config name no object.
      const subject = finding.resource.kind ? resourcePath(finding.resource) : 'options';
      testCase = { name: `${subject} ${finding.rule}`, findings: [] };
      cases.set(key, testCase);
      suiteFor(finding.source?.file ?? CONFIGURATION_SUITE).cases.push(testCase);
    }
    testCase.findings.push(finding);
  }
  for (const error of report.inputErrors) {
    const place =
      error.line !== undefined ? `:${error.line}${error.column !== undefined ? `:${error.column}` : ''}` : '';
    suiteFor(error.file).cases.push({
      name: `read ${error.file}${place}`,
      findings: [],
      inputError: error.message,
    });
  }

  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suiteXml: string[] = [];
  for (const suite of suites.values()) {
    const counts = { tests: suite.cases.length, failures: 0, errors: 0, skipped: 0 };
    const body: string[] = [];
    for (const testCase of suite.cases) {
      const outcome = outcomeOf(testCase);
      if (outcome === 'failure') counts.failures++;
      else if (outcome === 'error') counts.errors++;
      else if (outcome === 'skipped') counts.skipped++;
      body.push(testCaseXml(suite.name, testCase, outcome));
    }
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
    suiteXml.push(
      `  <testsuite name="${escapeXmlAttribute(suite.name)}" ${countAttributes(counts)}>\n${body.join('')}  </testsuite>\n`,
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${escapeXmlAttribute(report.tool.name)}" ${countAttributes(totals)}>\n` +
    suiteXml.join('') +
    '</testsuites>\n'
  );
}

function countAttributes(counts: {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}): string {
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
