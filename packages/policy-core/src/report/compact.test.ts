import { describe, expect, test } from 'vitest';
import { fixtureReport } from './__fixtures__/scanReport.js';
import { formatCompact } from './compact.js';
import type { ScanReport } from './types.js';

describe('formatCompact', () => {
  test('prints one file:line:col: severity rule message line per unsuppressed finding', () => {
    expect(formatCompact(fixtureReport())).toBe(
      [
        'manifests/web.yaml:21:26: error runAsRoot runAsUser == 0 (container "app" runs as root: its effective securityContext.runAsUser is 0)',
        'manifests/web.yaml:13:7: warning automountServiceAccountToken automountServiceAccountToken != false (pod must set automountServiceAccountToken=false)',
        'manifests/web.yaml:26:1: error namespaceEnforceLabel namespace does not enforce Pod Security (namespace must set label pod-security.kubernetes.io/enforce=restricted)',
        '(options): warning unusedSuppression unused suppression (podguard.config.yaml) (suppression of runAsUserRange in podguard.config.yaml matched no finding; remove it)',
        'manifests/broken.yaml:3:5: error input Implicit keys need to be on a single line <at "a\\u0001b">',
        '',
      ].join('\n'),
    );
  });

  test('names the Helm template and keeps one finding on one line', () => {
    const report = fixtureReport();
    const [first] = report.findings;
    if (!first?.source) throw new Error('fixture has a located finding');
    const helm: ScanReport = {
      ...report,
      findings: [
        {
          ...first,
          message: 'two\nlines',
          source: { ...first.source, file: '-', template: 'shop/templates/web.yaml' },
        },
      ],
      inputErrors: [],
    };
    expect(formatCompact(helm)).toBe('-:21:26: error runAsRoot two\\u000Alines [shop/templates/web.yaml]\n');
    expect(formatCompact({ ...helm, findings: [] })).toBe('');
  });
});
