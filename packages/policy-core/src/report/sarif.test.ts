import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { builtinRuleDescriptors } from '../engine/ruleDescriptors.js';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { stableHash } from './fingerprint.js';
import { artifactLocation, formatSarif, sarifStream } from './sarif.js';
import { reportPieces } from './streamed.js';
import type { LocatedFinding, ScanReport } from './types.js';

/** The official SARIF 2.1.0 (rtm.5) schema, as shipped by @microsoft/jest-sarif. */
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The schema is draft-04 (`id`); the keywords it uses mean the same under Ajv's draft-07. Its
  // language pattern is not valid with the `u` flag, hence unicodeRegExp: false.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  // ajv-formats is CommonJS; its `default` is the plugin under both Node's and the bundler's interop.
  ajvFormats.default(ajv);
  return ajv.compile({ $id: id, ...schema });
}

const validate = sarifValidator();

function sarif(report: ScanReport = fixtureReport()) {
  return JSON.parse(formatSarif(report, builtinRuleDescriptors()));
}

describe('formatSarif', () => {
  test('is valid against the official SARIF 2.1.0 schema', () => {
    const log = sarif();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  test('the schema check can fail: broken documents are rejected', () => {
    const log = sarif();
    log.runs[0].results[0].level = 'fatal';
    expect(validate(log)).toBe(false);
    const noVersion = sarif();
    delete noVersion.version;
    expect(validate(noVersion)).toBe(false);
    const badRegion = sarif();
    badRegion.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(badRegion)).toBe(false);
  });

  test('every result has what GitHub code scanning requires', () => {
    const log = sarif();
    const { results, tool } = log.runs[0];
    const ids = tool.driver.rules.map((rule: { id: string }) => rule.id);
    expect(results).toHaveLength(4);
    for (const result of results) {
      expect(ids[result.ruleIndex]).toBe(result.ruleId);
      expect(result.message.text).toMatch(/\S/);
      const { physicalLocation } = result.locations[0];
      expect(physicalLocation.artifactLocation).toEqual({
        uri: 'manifests/web.yaml',
        uriBaseId: '%SRCROOT%',
      });
      expect(physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
      expect(Object.keys(result.partialFingerprints)).toEqual(['podguardFinding/v1']);
    }
    for (const rule of tool.driver.rules) {
      expect(rule.help.markdown).toContain(rule.shortDescription.text);
      expect(['7.5', '4.0']).toContain(rule.properties['security-severity']);
      expect(rule.helpUri).toBe(`https://github.com/podguard/podguard/blob/main/docs/rules/${rule.id}.md`);
    }
  });

  test('describes each rule with help, controls, precision and security severity', () => {
    const rule = sarif().runs[0].tool.driver.rules.find(
      (candidate: { id: string }) => candidate.id === 'runAsRoot',
    );
    expect(rule.name).toBe('RunAsRoot');
    expect(rule.defaultConfiguration).toEqual({ level: 'error' });
    expect(rule.properties.tags).toContain('CIS 5.2.7');
    expect(rule.properties.precision).toBe('very-high');
    expect(rule.properties['security-severity']).toBe('7.5');
    expect(rule.help.markdown).toContain(
      '**Controls**\n\n- PSS restricted: Running as Non-root user\n- CIS 5.2.7',
    );
    expect(rule.help.text).toContain('Controls: PSS restricted: Running as Non-root user; CIS 5.2.7;');
  });

  test('maps the fixture findings to exact results', () => {
    const [runAsRoot, readOnly, automount, namespace] = sarif().runs[0].results;
    expect(runAsRoot).toMatchObject({
      ruleId: 'runAsRoot',
      level: 'error',
      message: {
        text: 'Deployment/shop/web: runAsUser == 0 (container "app" runs as root: its effective securityContext.runAsUser is 0). Fix (unsafe): Set securityContext.runAsUser to 1000 instead of 0.',
      },
      locations: [
        {
          physicalLocation: { region: { startLine: 21, startColumn: 26 } },
          logicalLocations: [{ name: 'app', fullyQualifiedName: 'shop/Deployment/web/app', kind: 'member' }],
        },
      ],
    });
    expect(runAsRoot.suppressions).toBeUndefined();
    // The document's 0-based index in the file's YAML stream, as parseAllDocuments counts it.
    expect(runAsRoot.properties.document).toBe(0);
    expect(namespace.properties.document).toBe(1);
    expect(readOnly.suppressions).toEqual([
      { kind: 'inSource', status: 'accepted', justification: 'nginx writes its cache under /var/cache' },
    ]);
    expect(automount.level).toBe('warning');
    expect(namespace.locations[0].logicalLocations).toEqual([
      { name: 'shop', fullyQualifiedName: 'Namespace/shop', kind: 'type' },
    ]);
  });

  test('input errors and option findings are notifications, and the run is marked unsuccessful', () => {
    const [invocation] = sarif().runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'Implicit keys need to be on a single line <at "a\u0001b">' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'manifests/broken.yaml', uriBaseId: '%SRCROOT%' },
              region: { startLine: 3, startColumn: 5 },
            },
          },
        ],
      },
    ]);
    expect(invocation.toolConfigurationNotifications).toEqual([
      {
        level: 'warning',
        message: {
          text: 'unused suppression (podguard.config.yaml) (suppression of runAsUserRange in podguard.config.yaml matched no finding; remove it)',
        },
        descriptor: { id: 'unusedSuppression' },
      },
    ]);
    const clean = sarif({ ...fixtureReport(), inputErrors: [] });
    expect(clean.runs[0].invocations[0].executionSuccessful).toBe(true);
  });

  test('fingerprints are stable across line moves and distinct between findings', () => {
    const report = fixtureReport();
    const moved: ScanReport = {
      ...report,
      findings: report.findings.map((finding) =>
        finding.source
          ? { ...finding, source: { ...finding.source, line: finding.source.line + 10 } }
          : finding,
      ),
    };
    const print = (log: { runs: { results: { partialFingerprints: Record<string, string> }[] }[] }) =>
      log.runs[0]?.results.map((result) => result.partialFingerprints['podguardFinding/v1']);
    const before = print(sarif(report));
    expect(print(sarif(moved))).toEqual(before);
    expect(new Set(before).size).toBe(before?.length);
    for (const hash of before ?? []) expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });

  test('a finding of a rule not in the descriptors still gets a rule to point at', () => {
    const report = fixtureReport();
    const [first] = report.findings;
    if (!first) throw new Error('fixture has findings');
    const log = sarif({ ...report, findings: [{ ...first, rule: 'customRule', reason: 'custom reason' }] });
    const { rules } = log.runs[0].tool.driver;
    expect(rules.at(-1)).toMatchObject({ id: 'customRule', shortDescription: { text: 'custom reason' } });
    expect(log.runs[0].results[0].ruleIndex).toBe(rules.length - 1);
    expect(validate(log)).toBe(true);
  });
});

describe('sarifStream', () => {
  const custom = (finding: LocatedFinding, rule: string, source?: LocatedFinding['source']) => {
    const { source: _source, ...rest } = finding;
    return { ...rest, rule, reason: `${rule} reason`, ...(source ? { source } : {}) };
  };

  test('writes results as they come, then tool, invocations and columnKind, as JSON.stringify prints them', () => {
    const report = fixtureReport();
    const [first, second] = report.findings as [LocatedFinding, LocatedFinding];
    const reports: ScanReport[] = [
      report,
      { ...report, findings: [], inputErrors: [] },
      // Only findings without a source: no result, two notifications.
      { ...report, findings: report.findings.filter((finding) => !finding.source) },
      // Rules no descriptor names: one unlocated, then located results of both.
      {
        ...report,
        findings: [
          custom(first, 'optionsRule'),
          custom(first, 'customRule', first.source),
          custom(second, 'optionsRule', second.source),
        ],
      },
    ];
    for (const each of reports) {
      const pieces = [...reportPieces(sarifStream(builtinRuleDescriptors()), each)];
      const text = pieces.join('');
      expect(text).toBe(formatSarif(each, builtinRuleDescriptors()));
      const log = JSON.parse(text);
      // The exact layout of JSON.stringify(log, null, 2): the pieces are joined at the right places.
      expect(text).toBe(`${JSON.stringify(log, null, 2)}\n`);
      expect(Object.keys(log.runs[0])).toEqual(['results', 'tool', 'invocations', 'columnKind']);
      expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
      // One piece per finding: a located finding's result is written when it comes.
      expect(pieces).toHaveLength(each.findings.length + 2);
      each.findings.forEach((finding, index) => {
        const piece = pieces[index + 1] as string;
        if (finding.source) expect(piece).toContain(JSON.stringify(finding.rule));
        else expect(piece).toBe('');
      });
    }
  });

  test('a rule not in the descriptors gets one when it first appears, located or not', () => {
    const report = fixtureReport();
    const [first, second] = report.findings as [LocatedFinding, LocatedFinding];
    const log = sarif({
      ...report,
      findings: [
        custom(first, 'optionsRule'),
        custom(first, 'customRule', first.source),
        custom(second, 'optionsRule', second.source),
      ],
    });
    const { rules } = log.runs[0].tool.driver;
    const builtin = builtinRuleDescriptors().length;
    expect(rules.slice(builtin).map((rule: { id: string }) => rule.id)).toEqual([
      'optionsRule',
      'customRule',
    ]);
    expect(log.runs[0].results.map((result: { ruleIndex: number }) => result.ruleIndex)).toEqual([
      builtin + 1,
      builtin,
    ]);
    expect(log.runs[0].invocations[0].toolConfigurationNotifications).toEqual([
      { level: first.severity, message: { text: first.message }, descriptor: { id: 'optionsRule' } },
    ]);
  });
});

describe('artifactLocation', () => {
  test('relative paths use forward slashes against %SRCROOT%; stdin is "stdin"', () => {
    expect(artifactLocation('manifests\\web.yaml')).toEqual({
      uri: 'manifests/web.yaml',
      uriBaseId: '%SRCROOT%',
    });
    expect(artifactLocation('./k8s/app.yaml')).toEqual({ uri: 'k8s/app.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('-')).toEqual({ uri: 'stdin', uriBaseId: '%SRCROOT%' });
  });

  test('percent-encodes characters a URI cannot hold', () => {
    expect(artifactLocation('my charts/a#b%.yaml')).toEqual({
      uri: 'my%20charts/a%23b%25.yaml',
      uriBaseId: '%SRCROOT%',
    });
  });

  test('absolute paths become file URIs', () => {
    expect(artifactLocation('/srv/k8s/app.yaml')).toEqual({ uri: 'file:///srv/k8s/app.yaml' });
    expect(artifactLocation('C:\\k8s\\app.yaml')).toEqual({ uri: 'file:///C:/k8s/app.yaml' });
  });
});

describe('stableHash', () => {
  test('is FNV-1a and djb2 side by side', () => {
    // FNV-1a 32 of "" is the offset basis; djb2 of "" is 5381 (0x1505).
    expect(stableHash('')).toBe('811c9dc500001505');
    // Published FNV-1a 32 test vector: "a" → 0xe40c292c; djb2("a") = 5381 * 33 + 97 = 177670.
    expect(stableHash('a')).toBe(`e40c292c${(177670).toString(16).padStart(8, '0')}`);
  });
});
