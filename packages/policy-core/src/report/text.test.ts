import { describe, expect, it, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { formatText, printable, TEXT_WIDTH } from './text.js';
import type { ScanReport } from './types.js';

const ESC = '\u001b';

describe('formatText', () => {
  test('groups findings by object, with fixes, suppressions, input errors, controls and the summary', () => {
    const expected = [
      'Deployment shop/web  manifests/web.yaml:13',
      '  21:26  error       runAsUser == 0 (container "app" runs as root: its effective',
      '                     securityContext.runAsUser is 0)  runAsRoot',
      '  21:15  suppressed  readOnlyRootFilesystem != true (container "app" must set',
      '                     securityContext.readOnlyRootFilesystem=true) (suppressed: nginx writes its',
      '                     cache under /var/cache)  readOnlyRootFilesystem',
      '  13:7   warning     automountServiceAccountToken != false (pod must set',
      '                     automountServiceAccountToken=false)  automountServiceAccountToken',
      '  fix (unsafe): Set securityContext.runAsUser to 1000 instead of 0.',
      '  fix: Set automountServiceAccountToken=false on the pod.',
      '',
      'Namespace shop  manifests/web.yaml:26',
      '  26:1  error  namespace does not enforce Pod Security (namespace must set label',
      '               pod-security.kubernetes.io/enforce=restricted)  namespaceEnforceLabel',
      '  fix: Label the namespace pod-security.kubernetes.io/enforce=baseline: a pod of the namespace in',
      '       the same input does not pass restricted after its fixes.',
      '',
      'Options and configuration',
      '  -  warning  unused suppression (podguard.config.yaml) (suppression of runAsUserRange in',
      '              podguard.config.yaml matched no finding; remove it)  unusedSuppression',
      '',
      'Inputs that could not be read',
      '  manifests/broken.yaml:3:5  Implicit keys need to be on a single line <at "a\\u0001b">',
      '',
      'Controls',
      '  PSS restricted: Running as Non-root user: 1 failed (runAsRoot)',
      '  CIS 5.1.6: 1 failed (automountServiceAccountToken)',
      '  CIS 5.2.1: 1 failed (namespaceEnforceLabel)',
      '  CIS 5.2.7: 1 failed (runAsRoot)',
      '  CIS 5.7.3: 0 failed, 1 suppressed (readOnlyRootFilesystem)',
      '  NSA/CISA: Authentication and authorization: Service account tokens: 1 failed',
      '    (automountServiceAccountToken)',
      '  NSA/CISA: Kubernetes Pod security: Immutable container file systems: 0 failed, 1 suppressed',
      '    (readOnlyRootFilesystem)',
      '  NSA/CISA: Kubernetes Pod security: Pod security enforcement: 1 failed (namespaceEnforceLabel)',
      '  NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users: 1',
      '    failed (runAsRoot)',
      '  ISO 27001:2013 A.9.4.4: 2 failed (automountServiceAccountToken, runAsRoot)',
      '  ISO 27001:2013 A.12.6.1: 1 failed, 1 suppressed (readOnlyRootFilesystem, runAsRoot)',
      '  ISO 27001:2013 A.14.2.5: 2 failed, 1 suppressed (namespaceEnforceLabel, readOnlyRootFilesystem,',
      '    runAsRoot)',
      '',
      'rule                          errors  warnings  suppressed  objects',
      'namespaceEnforceLabel              1         0           0        1',
      'runAsRoot                          1         0           0        1',
      'automountServiceAccountToken       0         1           0        1',
      'unusedSuppression                  0         1           0        0',
      'readOnlyRootFilesystem             0         0           1        0',
      '',
      '2 objects scanned in 2 files: 2 failed, 0 passed',
      '5 findings: 2 errors, 2 warnings, 1 suppressed',
      '1 input could not be read',
    ].join('\n');
    const output = formatText(fixtureReport(), { color: false, summaryControls: true });
    expect(output).toBe(`${expected}\n`);
    for (const line of output.split('\n')) expect(line.length).toBeLessThanOrEqual(TEXT_WIDTH);
  });

  test('leaves the controls view out unless asked', () => {
    const output = formatText(fixtureReport(), { color: false });
    expect(output).not.toContain('Controls');
    expect(output).toContain('  21:26  error       runAsUser == 0');
    expect(
      output.endsWith('5 findings: 2 errors, 2 warnings, 1 suppressed\n1 input could not be read\n'),
    ).toBe(true);
  });

  test('prints each distinct fix once per object, and under every finding with verbose', () => {
    const report = fixtureReport();
    const [first] = report.findings;
    const source = first?.source;
    if (!first || !source) throw new Error('fixture has a located finding');
    // The same rule failing for three containers of one object: one fix line, three findings.
    const copies = [1, 2, 3].map((n) => ({
      ...first,
      container: `c${n}`,
      message: `${first.message} #${n}`,
      source: { ...source, line: source.line + n },
    }));
    const repeated: ScanReport = { ...report, findings: [...copies, ...report.findings.slice(1)] };
    const fix = `${first.fix?.kind === 'unsafe' ? 'fix (unsafe)' : 'fix'}: ${first.fix?.description}`;
    const count = (text: string) => text.split('\n').filter((line) => line.includes(fix)).length;
    expect(count(formatText(repeated, { color: false }))).toBe(1);
    expect(count(formatText(repeated, { color: false, verbose: true }))).toBe(3);
    expect(formatText(repeated, { color: false, verbose: true })).toContain(
      `                     securityContext.runAsUser is 0) #3  runAsRoot\n                     ${fix}\n`,
    );
  });

  test('names the Helm template and the config file, and puts a long path on its own line', () => {
    const report = fixtureReport();
    const longFile = `charts/${'dir-name/'.repeat(6)}all-the-manifests-of-the-shop.yaml`;
    const moved: ScanReport = {
      ...report,
      findings: report.findings.map((finding) =>
        finding.source && finding.resource.kind === 'Namespace'
          ? {
              ...finding,
              source: { ...finding.source, file: '-', template: 'shop/templates/namespace.yaml' },
            }
          : finding.source
            ? { ...finding, source: { ...finding.source, file: longFile } }
            : finding,
      ),
      objects: [],
      config: '../podguard.config.yaml',
    };
    const output = formatText(moved, { color: false });
    expect(output).toContain(`Deployment shop/web\n  ${longFile}:21\n`);
    expect(output).toContain('Namespace shop  shop/templates/namespace.yaml (-:26)\n');
    expect(output.endsWith('config: ../podguard.config.yaml\n')).toBe(true);
    expect(formatText({ ...moved, config: null }, { color: false }).endsWith('config: none\n')).toBe(true);
    for (const line of output.split('\n')) expect(line.length).toBeLessThanOrEqual(TEXT_WIDTH);
  });

  test('colours only when asked: errors red, warnings yellow, suppressed findings dimmed', () => {
    const plain = formatText(fixtureReport(), { color: false, summaryControls: true });
    expect(plain).not.toContain(ESC);
    const coloured = formatText(fixtureReport(), { color: true });
    expect(coloured).toContain(
      `${ESC}[1mDeployment shop/web${ESC}[22m  ${ESC}[2mmanifests/web.yaml:13${ESC}[22m`,
    );
    expect(coloured).toContain(`  21:26  ${ESC}[31merror     ${ESC}[39m  runAsUser == 0`);
    expect(coloured).toContain(`is 0)  ${ESC}[36mrunAsRoot${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[33mwarning   ${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[2m  21:15  suppressed  readOnlyRootFilesystem != true`);
    // Stripping the escapes gives the plain layout back.
    const stripped = coloured.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '');
    expect(stripped).toBe(formatText(fixtureReport(), { color: false }));
  });

  test('shows control characters from the input instead of sending them to the terminal', () => {
    const report = fixtureReport();
    const [first, ...rest] = report.findings;
    if (!first) throw new Error('fixture has findings');
    const hostile: ScanReport = {
      ...report,
      findings: [{ ...first, message: `runs as root${ESC}[2J\nforged line` }, ...rest],
    };
    const output = formatText(hostile, { color: false });
    expect(output).toContain('runs as root\\u001B[2J\\u000Aforged line');
    expect(output).not.toContain(ESC);
  });

  test('an empty scan prints only the summary', () => {
    const empty: ScanReport = {
      findings: [],
      objects: [],
      summary: {
        files: 1,
        documents: 1,
        objects: 1,
        pods: 1,
        failed: 0,
        warnings: 0,
        suppressed: 0,
        errors: 0,
      },
      inputErrors: [],
      tool: { name: 'podguard', version: '0.1.0' },
    };
    const summary =
      '1 object scanned in 1 file: 0 failed, 1 passed\n0 findings: 0 errors, 0 warnings, 0 suppressed\n';
    expect(formatText(empty, { color: false })).toBe(summary);
    expect(formatText(empty, { color: false, summaryControls: true })).toBe(
      `Controls\n  no findings map to a control\n\n${summary}`,
    );
  });
});

describe('printable', () => {
  it('shows every C0 and C1 control character and DEL as \\uXXXX, and leaves other text as it is', () => {
    for (let code = 0; code < 0xa0; code++) {
      const char = String.fromCharCode(code);
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      expect(printable(`a${char}b`)).toBe(
        control ? `a\\u${code.toString(16).toUpperCase().padStart(4, '0')}b` : `a${char}b`,
      );
    }
    expect(printable('Pod shop/web — ünïcode ✓')).toBe('Pod shop/web — ünïcode ✓');
  });
});
