import { describe, expect, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { formatText } from './text.js';
import type { ScanReport } from './types.js';

const ESC = '\u001b';

describe('formatText', () => {
  test('groups findings by object, with fixes, suppressions, input errors, controls and the summary', () => {
    const expected = [
      'Deployment shop/web (manifests/web.yaml:13)',
      '  manifests/web.yaml:21:26  error       runAsRoot  runAsUser == 0 (container "app" runs as root: its effective securityContext.runAsUser is 0)',
      '    fix (unsafe): Set securityContext.runAsUser to 1000 instead of 0.',
      '  manifests/web.yaml:21:15  suppressed  readOnlyRootFilesystem  readOnlyRootFilesystem != true (container "app" must set securityContext.readOnlyRootFilesystem=true) (suppressed: nginx writes its cache under /var/cache)',
      '  manifests/web.yaml:13:7   warning     automountServiceAccountToken  automountServiceAccountToken != false (pod must set automountServiceAccountToken=false)',
      '    fix: Set automountServiceAccountToken=false on the pod.',
      '',
      'Namespace shop (manifests/web.yaml:26)',
      '  manifests/web.yaml:26:1   error       namespaceEnforceLabel  namespace does not enforce Pod Security (namespace must set label pod-security.kubernetes.io/enforce=restricted)',
      '    fix: Label the namespace pod-security.kubernetes.io/enforce=baseline: a pod of the namespace in the same input does not pass restricted after its fixes.',
      '',
      'Options and configuration',
      '  (options)                 warning     unusedSuppression  unused suppression (podguard.config.yaml) (suppression of runAsUserRange in podguard.config.yaml matched no finding; remove it)',
      '',
      'Inputs that could not be read',
      '  manifests/broken.yaml:3:5  error       Implicit keys need to be on a single line <at "a\\u0001b">',
      '',
      'Controls',
      '  PSS restricted: Running as Non-root user: 1 failed (runAsRoot)',
      '  CIS 5.1.6: 1 failed (automountServiceAccountToken)',
      '  CIS 5.2.1: 1 failed (namespaceEnforceLabel)',
      '  CIS 5.2.7: 1 failed (runAsRoot)',
      '  CIS 5.7.3: 0 failed, 1 suppressed (readOnlyRootFilesystem)',
      '  NSA/CISA: Authentication and authorization: Service account tokens: 1 failed (automountServiceAccountToken)',
      '  NSA/CISA: Kubernetes Pod security: Immutable container file systems: 0 failed, 1 suppressed (readOnlyRootFilesystem)',
      '  NSA/CISA: Kubernetes Pod security: Pod security enforcement: 1 failed (namespaceEnforceLabel)',
      '  NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users: 1 failed (runAsRoot)',
      '  ISO 27001:2013 A.9.4.4: 2 failed (automountServiceAccountToken, runAsRoot)',
      '  ISO 27001:2013 A.12.6.1: 1 failed, 1 suppressed (readOnlyRootFilesystem, runAsRoot)',
      '  ISO 27001:2013 A.14.2.5: 2 failed, 1 suppressed (namespaceEnforceLabel, readOnlyRootFilesystem, runAsRoot)',
      '',
      '2 objects in 2 files: 2 failed, 2 warnings, 1 suppressed, 1 error',
    ].join('\n');
    expect(formatText(fixtureReport(), { color: false, summaryControls: true })).toBe(`${expected}\n`);
  });

  test('leaves the controls view out unless asked', () => {
    const output = formatText(fixtureReport(), { color: false });
    expect(output).not.toContain('Controls');
    expect(output).toContain('  manifests/web.yaml:21:26  error       runAsRoot  runAsUser == 0');
    expect(output.endsWith('2 objects in 2 files: 2 failed, 2 warnings, 1 suppressed, 1 error\n')).toBe(true);
  });

  test('colours only when asked: errors red, warnings yellow, suppressed findings dimmed', () => {
    const plain = formatText(fixtureReport(), { color: false, summaryControls: true });
    expect(plain).not.toContain(ESC);
    const coloured = formatText(fixtureReport(), { color: true });
    expect(coloured).toContain(`${ESC}[1mDeployment shop/web (manifests/web.yaml:13)${ESC}[22m`);
    expect(coloured).toContain(
      `  manifests/web.yaml:21:26  ${ESC}[31merror     ${ESC}[39m  ${ESC}[36mrunAsRoot${ESC}[39m  runAsUser == 0`,
    );
    expect(coloured).toContain(`${ESC}[33mwarning   ${ESC}[39m`);
    expect(coloured).toContain(
      `${ESC}[2m  manifests/web.yaml:21:15  suppressed  readOnlyRootFilesystem  readOnlyRootFilesystem != true`,
    );
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
    expect(formatText(empty, { color: false })).toBe(
      '1 object in 1 file: 0 failed, 0 warnings, 0 suppressed, 0 errors\n',
    );
    expect(formatText(empty, { color: false, summaryControls: true })).toBe(
      'Controls\n  no findings map to a control\n\n1 object in 1 file: 0 failed, 0 warnings, 0 suppressed, 0 errors\n',
    );
  });
});
