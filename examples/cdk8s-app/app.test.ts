import '@podguard/cdk8s/vitest';
import { PodSecurity } from '@podguard/cdk8s';
import { Chart, Include, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { buildApp, InsecureChart, LEGACY_IMAGE, PODINFO_YAML, ShopChart, VendorChart } from './app.ts';

/** What `docker inspect` says of the images (the same map cdk8s.yaml gives the plugin). */
const imageUsers = {
  'registry.example.com/shop/web:1.4.2': '10001',
  [LEGACY_IMAGE]: 'node',
  'ghcr.io/stefanprodan/podinfo:6.7.1': 'app',
};

describe('the shop app', () => {
  it('passes the hardened profile, chart by chart and as a whole', () => {
    const app = buildApp({ outdir: Testing.app().outdir });
    for (const chart of app.charts) expect(chart).toPassPodSecurity({ profile: 'hardened', imageUsers });
    expect(app).toPassPodSecurity({ profile: 'hardened', imageUsers });
  });

  it('builds its own workloads secure by construction', () => {
    const chart = new ShopChart(Testing.app(), 'shop');
    const kinds = Testing.synth(chart).map((m) => m.kind);
    expect(kinds.sort()).toEqual(['CronJob', 'Deployment', 'Job', 'Service']);
    expect(chart).toPassPodSecurity('restricted');
    expect(chart).toPassPodSecurity({ profile: 'hardened', imageUsers });
  });

  it('hardens podinfo, which as published runs as root or, with runAsNonRoot, cannot start', () => {
    const raw = new Chart(Testing.app(), 'raw');
    new Include(raw, 'podinfo', { url: PODINFO_YAML });
    expect(raw).toViolate('runAsNonRoot', { container: 'podinfod', profile: 'restricted' });

    const vendor = new VendorChart(Testing.app(), 'vendor');
    expect(vendor).toPassPodSecurity({ profile: 'hardened', imageUsers });
    const changes = PodSecurity.of(vendor).changes;
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes.map((change) => change.constructPath))).toEqual(
      new Set(['vendor/podinfo/podinfo-deployment']),
    );
  });
});

describe('the insecure variant', () => {
  const chart = () => new InsecureChart(Testing.app(), 'insecure');

  it('is caught before deployment: USER node under runAsNonRoot, and a root container', () => {
    expect(chart()).toViolate('kubeletRunAsNonRoot', { container: 'worker', imageUsers });
    expect(chart()).toViolate('runAsRoot', { container: 'shell', imageUsers });
    expect(chart()).toViolate('runAsNonRoot', { container: 'shell', profile: 'restricted' });
  });

  it('fails synthesis in-process with podguard messages', () => {
    const insecure = chart();
    PodSecurity.of(insecure).validate({ imageUsers });
    expect(() => Testing.synth(insecure)).toThrow(
      /\[insecure\/legacy-worker\/Resource\] podguard kubeletRunAsNonRoot/,
    );
  });
});
