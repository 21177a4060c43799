import { evaluate, type Suppression } from '@podguard/policy-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { coveringSuppressions, type PodguardExemption } from './settings.js';
import { markFindings, markUndecided, recordSuppressions, takeUnused } from './suppressionUse.js';

const POLICY = 'podguard-runAsNonRoot';
const reason = 'legacy image, rebuilt in ticket SHOP-42';

/** A Deployment with no security context: it fails runAsNonRoot. */
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: { template: { spec: { containers: [{ name, image: 'registry.example.com/shop/web:1.4.2' }] } } },
});

/** What a rule policy does for one resource: evaluate with the suppressions covering it, mark those used. */
function analyze(exemptions: PodguardExemption[], name: string): void {
  const covering = coveringSuppressions('runAsNonRoot', exemptions, {
    type: 'kubernetes:apps/v1:Deployment',
    urn: `urn:pulumi:dev::shop::kubernetes:apps/v1:Deployment::${name}`,
  });
  const run = (suppressions: Suppression[]) =>
    evaluate(deployment(name), {
      suppressions,
      rules: { runAsUserRange: { enabled: false } },
    }).findings.filter((finding) => finding.rule === 'runAsNonRoot');
  markFindings(POLICY, covering, run(covering.map((entry) => entry.suppression)), run);
}

const unusedReasons = () =>
  takeUnused().settings.map(({ suppression }) => suppression.match?.name ?? suppression.reason);

beforeEach(() => {
  takeUnused();
});

describe('the suppressions an operation left unused', () => {
  it('are those no finding of any resource used, in the core form', () => {
    const exemptions: PodguardExemption[] = [
      { rule: 'runAsNonRoot', reason, match: { name: 'web', type: 'kubernetes:apps/v1:*' } },
      { rule: 'runAsNonRoot', reason: 'the api image is rebuilt in SHOP-43', match: { name: 'api' } },
    ];
    recordSuppressions(POLICY, 'runAsNonRoot', exemptions);
    analyze(exemptions, 'web');
    const { settings } = takeUnused();
    expect(settings).toEqual([
      {
        policy: POLICY,
        suppression: {
          rule: 'runAsNonRoot',
          reason: 'the api image is rebuilt in SHOP-43',
          match: { name: 'api' },
        },
      },
    ]);
    // Taken once: the next operation starts over.
    expect(takeUnused().settings).toEqual([]);
  });

  it('tell apart suppressions that share a reason and expiry, as the core does (first match wins)', () => {
    const exemptions: PodguardExemption[] = [
      { rule: 'runAsNonRoot', reason, match: { name: 'web' } },
      { rule: 'runAsNonRoot', reason, match: { name: 'api' } },
      { rule: 'runAsNonRoot', reason, match: { name: 'w*' } },
    ];
    recordSuppressions(POLICY, 'runAsNonRoot', exemptions);
    analyze(exemptions, 'api');
    analyze(exemptions, 'web');
    // web matched the first and third; the core takes the first, so the third is unused.
    expect(unusedReasons()).toEqual(['w*']);
  });

  it('start over when the settings change, and keep what was marked while they do not', () => {
    const first: PodguardExemption[] = [{ rule: 'runAsNonRoot', reason, match: { name: 'web' } }];
    recordSuppressions(POLICY, 'runAsNonRoot', first);
    analyze(first, 'web');
    recordSuppressions(POLICY, 'runAsNonRoot', first);
    expect(unusedReasons()).toEqual([]);
    recordSuppressions(POLICY, 'runAsNonRoot', first);
    analyze(first, 'web');
    const second: PodguardExemption[] = [{ rule: 'runAsNonRoot', reason, match: { name: 'api' } }];
    recordSuppressions(POLICY, 'runAsNonRoot', second);
    expect(unusedReasons()).toEqual(['api']);
  });

  it('leave out a suppression whose use waits for values unknown during preview', () => {
    const exemptions: PodguardExemption[] = [{ rule: 'runAsNonRoot', reason, match: { name: 'web' } }];
    recordSuppressions(POLICY, 'runAsNonRoot', exemptions);
    markUndecided(
      POLICY,
      coveringSuppressions('runAsNonRoot', exemptions, {
        type: 'kubernetes:apps/v1:Deployment',
        urn: 'urn:x',
      }),
    );
    expect(unusedReasons()).toEqual([]);
  });
});
