import { describe, expect, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { formatJunit, type JunitStream, junitStream } from './junit.js';
import type { CheckedObject, LocatedFinding, ScanReport, SourceLocation } from './types.js';
import { escapeXmlAttribute, escapeXmlText } from './xml.js';

describe('formatJunit', () => {
  test('one suite per file, one test case per object × rule, failures, skips, warnings and input errors', () => {
    const expected = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="podguard" tests="7" failures="2" errors="1" skipped="1">',
      '  <testsuite name="manifests/web.yaml" tests="5" failures="2" errors="0" skipped="1">',
      '    <testcase classname="manifests/web.yaml" name="Deployment/shop/web runAsRoot">',
      '      <failure message="runAsUser == 0 (container &quot;app&quot; runs as root: its effective securityContext.runAsUser is 0)" type="runAsRoot">manifests/web.yaml:21:26: error runAsRoot: runAsUser == 0 (container "app" runs as root: its effective securityContext.runAsUser is 0)',
      'path: /spec/template/spec/containers/0/securityContext/runAsUser',
      'container: app',
      'fix (unsafe): Set securityContext.runAsUser to 1000 instead of 0.',
      'controls: PSS restricted: Running as Non-root user; CIS 5.2.7; NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users; ISO 27001:2013 A.9.4.4; ISO 27001:2013 A.12.6.1; ISO 27001:2013 A.14.2.5</failure>',
      '    </testcase>',
      '    <testcase classname="manifests/web.yaml" name="Deployment/shop/web runAsGroupPolicy"/>',
      '    <testcase classname="manifests/web.yaml" name="Deployment/shop/web readOnlyRootFilesystem">',
      '      <skipped message="suppressed: nginx writes its cache under /var/cache"/>',
      '    </testcase>',
      '    <testcase classname="manifests/web.yaml" name="Deployment/shop/web automountServiceAccountToken">',
      '      <system-out>manifests/web.yaml:13:7: warning automountServiceAccountToken: automountServiceAccountToken != false (pod must set automountServiceAccountToken=false)',
      'path: /spec/template/spec',
      'fix: Set automountServiceAccountToken=false on the pod.',
      'controls: CIS 5.1.6; NSA/CISA: Authentication and authorization: Service account tokens; ISO 27001:2013 A.9.4.4</system-out>',
      '    </testcase>',
      '    <testcase classname="manifests/web.yaml" name="Namespace/shop namespaceEnforceLabel">',
      '      <failure message="namespace does not enforce Pod Security (namespace must set label pod-security.kubernetes.io/enforce=restricted)" type="namespaceEnforceLabel">manifests/web.yaml:26:1: error namespaceEnforceLabel: namespace does not enforce Pod Security (namespace must set label pod-security.kubernetes.io/enforce=restricted)',
      'path: /metadata',
      'fix: Label the namespace pod-security.kubernetes.io/enforce=baseline: a pod of the namespace in the same input does not pass restricted after its fixes.',
      'controls: CIS 5.2.1; NSA/CISA: Kubernetes Pod security: Pod security enforcement; ISO 27001:2013 A.14.2.5</failure>',
      '    </testcase>',
      '  </testsuite>',
      '  <testsuite name="podguard configuration" tests="1" failures="0" errors="0" skipped="0">',
      '    <testcase classname="podguard configuration" name="options unusedSuppression">',
      '      <system-out>warning unusedSuppression: unused suppression (podguard.config.yaml) (suppression of runAsUserRange in podguard.config.yaml matched no finding; remove it)',
      'path: /suppressions/0</system-out>',
      '    </testcase>',
      '  </testsuite>',
      '  <testsuite name="manifests/broken.yaml" tests="1" failures="0" errors="1" skipped="0">',
      '    <testcase classname="manifests/broken.yaml" name="read manifests/broken.yaml:3:5">',
      '      <error message="Implicit keys need to be on a single line &lt;at &quot;a\\u0001b&quot;&gt;" type="inputError">Implicit keys need to be on a single line &lt;at "a\\u0001b"&gt;</error>',
      '    </testcase>',
      '  </testsuite>',
      '</testsuites>',
    ].join('\n');
    expect(formatJunit(fixtureReport())).toBe(`${expected}\n`);
  });

  test('counts on the root equal the sums over the suites', () => {
    const xml = formatJunit(fixtureReport());
    const counts = (tag: string) =>
      [
        ...xml.matchAll(
          new RegExp(`<${tag} [^>]*tests="(\\d+)" failures="(\\d+)" errors="(\\d+)" skipped="(\\d+)"`, 'g'),
        ),
      ].map((match) => match.slice(1).map(Number));
    const [root] = counts('testsuites');
    const suites = counts('testsuite');
    expect(suites).toHaveLength(3);
    const sums = [0, 1, 2, 3].map((index) => suites.reduce((sum, suite) => sum + (suite[index] ?? 0), 0));
    expect(root).toEqual(sums);
    expect(xml.match(/<testcase /g)).toHaveLength(sums[0] ?? -1);
  });

  test('a finding with status error is an <error>, not a failure', () => {
    const report = fixtureReport();
    const errored: ScanReport = {
      ...report,
      findings: report.findings.map((finding) =>
        finding.rule === 'runAsRoot' ? { ...finding, status: 'error' as const } : finding,
      ),
    };
    const xml = formatJunit(errored);
    expect(xml).toContain(
      '<testsuite name="manifests/web.yaml" tests="5" failures="1" errors="1" skipped="1">',
    );
    expect(xml).toContain('<error message="runAsUser == 0');
  });

  test('objects without findings are passing test cases', () => {
    const report = fixtureReport();
    const xml = formatJunit({ ...report, findings: [], inputErrors: [] });
    expect(xml).toContain('<testsuites name="podguard" tests="5" failures="0" errors="0" skipped="0">');
    expect(xml).toContain(
      '<testcase classname="manifests/web.yaml" name="Namespace/shop namespaceEnforceLabel"/>',
    );
  });
});

/**
 * The report as a front end writes it while scanning: the stream fed one batch at a time, each
 * run of test cases stored apart by suite and part (as the CLI does in temporary files), then put
 * together by the layout.
 */
function streamed(report: ScanReport, batches: { objects: CheckedObject[]; findings: LocatedFinding[] }[]) {
  const stream: JunitStream = junitStream();
  const stored = new Map<string, string>();
  for (const batch of batches) {
    for (const run of stream.cases(batch.objects, batch.findings)) {
      const key = `${run.suite} ${run.part}`;
      stored.set(key, (stored.get(key) ?? '') + run.xml);
    }
  }
  return stream
    .layout(report)
    .map((piece) => (typeof piece === 'string' ? piece : (stored.get(`${piece.suite} ${piece.part}`) ?? '')))
    .join('');
}

/** The report's objects and findings in batches of one document each, as the CLI's scan hands them over. */
function byDocument(report: ScanReport) {
  const place = (source: SourceLocation | undefined) => (source ? `${source.file} ${source.document}` : '');
  const batches = new Map<string, { objects: CheckedObject[]; findings: LocatedFinding[] }>();
  const batchOf = (key: string) => {
    let batch = batches.get(key);
    if (!batch) {
      batch = { objects: [], findings: [] };
      batches.set(key, batch);
    }
    return batch;
  };
  for (const object of report.objects) batchOf(place(object.source)).objects.push(object);
  for (const finding of report.findings) batchOf(place(finding.source)).findings.push(finding);
  return [...batches.values()];
}

/**
 * Three files and the options: a file of checked objects, a file whose only finding no object ran
 * (an invalid document), another file of objects, a file that could not be read, and findings
 * about the options first and last, as a scan gives them.
 */
function manyFilesReport(): ScanReport {
  const report = fixtureReport();
  const [first, second] = report.objects as [CheckedObject, CheckedObject];
  const moved = (source: SourceLocation | undefined, file: string) =>
    source ? { ...source, file, document: source.document + 2 } : undefined;
  const options = report.findings.filter((finding) => finding.source === undefined);
  const located = report.findings.filter((finding) => finding.source !== undefined);
  const invalid: LocatedFinding = {
    ...(located[0] as LocatedFinding),
    rule: 'invalidInput',
    messageId: 'invalidInput',
    status: 'error',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'half' },
    message: 'spec.containers must be an array',
    source: { file: 'manifests/invalid.yaml', line: 4, column: 3, document: 0 },
  };
  const settings: LocatedFinding = { ...(options[0] as LocatedFinding), path: '/rules/x' };
  return {
    ...report,
    findings: [
      settings,
      ...located,
      invalid,
      ...located.map((finding) => ({ ...finding, source: moved(finding.source, 'more/web.yaml') })),
      ...options,
    ],
    objects: [
      first,
      second,
      { ...first, source: moved(first.source, 'more/web.yaml') as SourceLocation },
      { ...second, source: moved(second.source, 'more/web.yaml') as SourceLocation },
    ],
    inputErrors: [
      ...report.inputErrors,
      { file: 'more/web.yaml', message: 'cannot read: the rest is cut off' },
      { file: 'manifests/invalid.yaml', line: 9, message: 'Nested mappings are not allowed' },
    ],
  };
}

describe('junitStream', () => {
  test('test cases written batch by batch make the same bytes as formatJunit', () => {
    for (const report of [fixtureReport(), manyFilesReport()]) {
      const whole = formatJunit(report);
      expect(streamed(report, byDocument(report))).toBe(whole);
      // One batch per object and its findings, or everything at once: still the same bytes.
      expect(streamed(report, [{ objects: report.objects, findings: report.findings }])).toBe(whole);
      expect(streamed(report, [...byDocument(report), { objects: [], findings: [] }])).toBe(whole);
    }
  });

  test('suites keep their order: files of checked objects, files of findings only, unreadable files', () => {
    const xml = streamed(manyFilesReport(), byDocument(manyFilesReport()));
    expect(
      [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)"/g)].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual([
      'manifests/web.yaml 5',
      'more/web.yaml 6',
      'podguard configuration 1',
      'manifests/invalid.yaml 2',
      'manifests/broken.yaml 1',
    ]);
    // Within a suite: the objects' test cases, then findings no object ran, then unreadable input.
    expect(xml).toContain(
      '    <testcase classname="manifests/invalid.yaml" name="Pod/half invalidInput">\n      <error message="spec.containers must be an array" type="invalidInput">',
    );
    expect(xml.indexOf('name="Pod/half invalidInput"')).toBeLessThan(
      xml.indexOf('name="read manifests/invalid.yaml:9"'),
    );
    expect(xml).toContain('<testsuites name="podguard" tests="15" failures="4" errors="4" skipped="2">');
  });

  test('a finding about the options joins its test case whichever batch it comes in', () => {
    const report = manyFilesReport();
    const [settings] = report.findings;
    const batches = byDocument(report);
    const last = batches[batches.length - 1] as { findings: LocatedFinding[] };
    last.findings.push({ ...(settings as LocatedFinding), message: 'again' });
    const xml = streamed(report, batches);
    // Same rule, same (no) object: one test case, its findings in the order they came.
    expect(xml).toContain('<testsuite name="podguard configuration" tests="1"');
    expect(xml).toMatch(
      /path: \/rules\/x\n\n[^\n]*\npath: \/suppressions\/0\n\nwarning unusedSuppression: again/,
    );
  });
});

describe('junitStream, objects of one key in different batches', () => {
  test('each gets its own test cases, which formatJunit merges (the stream keeps no object)', () => {
    const report = fixtureReport();
    const [deployment] = report.objects as [CheckedObject];
    const findings = report.findings.filter((finding) => finding.resource.kind === 'Deployment');
    const twice: ScanReport = {
      ...report,
      objects: [deployment, deployment],
      findings: [...findings, ...findings],
    };
    const batches = [
      { objects: [deployment], findings },
      { objects: [deployment], findings },
    ];
    const cases = (xml: string) => xml.match(/<testcase /g)?.length;
    expect(cases(streamed(twice, batches))).toBe(2 * deployment.rules.length + 1);
    expect(cases(formatJunit(twice))).toBe(deployment.rules.length + 1);
  });
});

describe('XML escaping', () => {
  test('escapes markup in text and attributes', () => {
    expect(escapeXmlText(`a < b && c > "d" 'e'`)).toBe(`a &lt; b &amp;&amp; c &gt; "d" 'e'`);
    expect(escapeXmlAttribute(`a < b && "d" 'e'`)).toBe('a &lt; b &amp;&amp; &quot;d&quot; &apos;e&apos;');
  });

  test('keeps tab, line feed and carriage return in attributes as character references', () => {
    expect(escapeXmlAttribute('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    expect(escapeXmlText('a\tb\nc\rd')).toBe('a\tb\nc\rd');
  });

  test('replaces characters XML 1.0 cannot carry, keeping valid surrogate pairs', () => {
    expect(escapeXmlText('\u0000\u0008\u000B\u001F\uFFFE\uFFFF')).toBe(
      '\\u0000\\u0008\\u000B\\u001F\\uFFFE\\uFFFF',
    );
    expect(escapeXmlText('lone \uD800 and \uDC00; pair 😀')).toBe('lone \\uD800 and \\uDC00; pair 😀');
    expect(escapeXmlAttribute('\u001b[31m')).toBe('\\u001B[31m');
  });
});
