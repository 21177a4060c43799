// packages/cdk8s/README.md, "Vitest matchers": a vitest test file, run by `npm test` as printed.
// ---- README ----
import '@podguard/cdk8s/vitest';
import { Testing } from 'cdk8s';
import { expect, test } from 'vitest';
import { LegacyChart, ShopChart } from './charts.js'; // your charts

test('web is secure', () => {
  const chart = new ShopChart(Testing.app(), 'shop');
  expect(chart).toPassPodSecurity('hardened');
  expect(Testing.synth(chart)).toPassPodSecurity({ profile: 'restricted', version: 'v1.25' });
});

test('legacy worker cannot start', () => {
  const legacyChart = new LegacyChart(Testing.app(), 'legacy');
  expect(legacyChart).toViolate('kubeletRunAsNonRoot', {
    container: 'worker',
    imageUsers: { 'registry.example.com/legacy-worker:3.1.0': 'node' },
  });
});
// ---- end ----
