import { describe, expect, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { formatJson, jsonStream, ndjsonStream } from './json.js';
import { reportPieces } from './streamed.js';

describe('formatJson', () => {
  test('prints the contract: version, findings with source, summary, input errors', () => {
    const output = formatJson(fixtureReport());
    expect(output.endsWith('}\n')).toBe(true);
    const document = JSON.parse(output);
    expect(Object.keys(document)).toEqual(['version', 'findings', 'summary', 'inputErrors', 'config']);
    // The configuration file in use: null when there was none (or the front end has none).
    expect(document.config).toBeNull();
    expect(JSON.parse(formatJson({ ...fixtureReport(), config: 'ops/podguard.config.yaml' })).config).toBe(
      'ops/podguard.config.yaml',
    );
    expect(document.version).toBe(1);
    expect(document.summary).toEqual({
      files: 2,
      documents: 3,
      objects: 2,
      pods: 1,
      failed: 2,
      warnings: 2,
      suppressed: 1,
      errors: 1,
    });
    expect(Object.keys(document.summary)).toEqual([
      'files',
      'documents',
      'objects',
      'pods',
      'failed',
      'warnings',
      'suppressed',
      'errors',
    ]);
    expect(document.inputErrors).toEqual([
      {
        file: 'manifests/broken.yaml',
        line: 3,
        column: 5,
        message: 'Implicit keys need to be on a single line <at "a\u0001b">',
      },
    ]);
  });

  test('keeps every core finding field and adds the source', () => {
    const document = JSON.parse(formatJson(fixtureReport()));
    expect(document.findings).toHaveLength(5);
    expect(document.findings[0]).toEqual({
      rule: 'runAsRoot',
      status: 'fail',
      level: 'hardened',
      severity: 'error',
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      objectIndex: 0,
      container: 'app',
      path: '/spec/template/spec/containers/0/securityContext/runAsUser',
      locations: [{ path: '/spec/template/spec/containers/0/securityContext/runAsUser', container: 'app' }],
      reason: 'runAsUser == 0',
      detail: 'container "app" runs as root: its effective securityContext.runAsUser is 0',
      message: 'runAsUser == 0 (container "app" runs as root: its effective securityContext.runAsUser is 0)',
      messageId: expect.any(String),
      controls: [
        'PSS restricted: Running as Non-root user',
        'CIS 5.2.7',
        'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
        'ISO 27001:2013 A.9.4.4',
        'ISO 27001:2013 A.12.6.1',
        'ISO 27001:2013 A.14.2.5',
      ],
      fix: {
        kind: 'unsafe',
        description: 'Set securityContext.runAsUser to 1000 instead of 0.',
        patch: [
          { op: 'replace', path: '/spec/template/spec/containers/0/securityContext/runAsUser', value: 1000 },
        ],
      },
      source: { file: 'manifests/web.yaml', line: 21, column: 26, document: 0 },
    });
    expect(document.findings[1].status).toBe('suppressed');
    expect(document.findings[1].suppression).toEqual({
      reason: 'nginx writes its cache under /var/cache',
      source: 'annotation',
    });
    // Findings about the options have no place in a file: null, not a made-up location.
    expect(document.findings[4].rule).toBe('unusedSuppression');
    expect(document.findings[4].source).toBeNull();
  });

  test('every finding round-trips: the core fields unchanged, source in contract order', () => {
    const report = fixtureReport();
    const document = JSON.parse(formatJson(report));
    report.findings.forEach((finding, index) => {
      const { source, ...core } = finding;
      const { source: printed, ...printedCore } = document.findings[index];
      expect(printedCore).toEqual(JSON.parse(JSON.stringify(core)));
      if (source) expect(Object.keys(printed)).toEqual(['file', 'line', 'column', 'document']);
    });
  });

  test('pretty-prints with two spaces', () => {
    const output = formatJson(fixtureReport());
    expect(output.startsWith('{\n  "version": 1,\n  "findings": [\n    {\n      "rule": "runAsRoot",')).toBe(
      true,
    );
  });

  test('keeps the Helm template of a source', () => {
    const report = fixtureReport();
    const [first] = report.findings;
    if (!first?.source) throw new Error('fixture has a located finding');
    const withTemplate = {
      ...report,
      findings: [{ ...first, source: { ...first.source, template: 'chart/templates/deployment.yaml' } }],
    };
    expect(JSON.parse(formatJson(withTemplate)).findings[0].source).toEqual({
      file: 'manifests/web.yaml',
      line: 21,
      column: 26,
      document: 0,
      template: 'chart/templates/deployment.yaml',
    });
  });
});

describe('the JSON report in pieces (jsonStream, ndjsonStream)', () => {
  test('the pieces join to the pretty-printed report, byte for byte, with and without findings', () => {
    for (const report of [fixtureReport(), { ...fixtureReport(), findings: [] }]) {
      const text = [...reportPieces(jsonStream, report)].join('');
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
      expect(text).toBe(formatJson(report));
    }
    // One piece per finding, so a writer never holds the whole report as one string.
    const report = fixtureReport();
    expect([...reportPieces(jsonStream, report)]).toHaveLength(report.findings.length + 2);
  });

  test('ndjson: one line per finding, the JSON report’s finding objects', () => {
    const report = fixtureReport();
    const lines = [...reportPieces(ndjsonStream, report)].filter((piece) => piece !== '');
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line))).toEqual(JSON.parse(formatJson(report)).findings);
  });
});
