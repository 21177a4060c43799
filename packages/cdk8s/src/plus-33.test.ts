/**
 * cdk8s-plus-33, as `cdk8s init typescript-app` scaffolds it today: `PodSecurity.of()` validates
 * and hardens plus-33 workloads, the `@podguard/cdk8s/plus-33` Secure* constructs mix with plus-33
 * objects (this file type-checks that), and plus-27 and plus-33 constructs live in one app.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus from 'cdk8s-plus-33';
import { describe, expect, it } from 'vitest';
import { SecureDeployment as SecureDeployment27 } from './index.js';
import { assertPodSecurity, PodSecurityAssertionError } from './matchers.js';
import { SecureDeployment, SecureJob } from './plus-33.js';
import { PodSecurity } from './pod-security.js';
import './vitest.js';

const image = 'registry.example.com/web:1.0';

describe('@podguard/cdk8s/plus-33', () => {
  it('SecureDeployment takes plus-33 volumes and config maps, and passes hardened as it is', () => {
    const chart = new Chart(Testing.app(), 'web');
    const config = new kplus.ConfigMap(chart, 'config', { data: { 'app.conf': 'x' } });
    const deployment = new SecureDeployment(chart, 'web', {
      containers: [
        {
          name: 'web',
          image,
          portNumber: 8080,
          volumeMounts: [{ path: '/etc/app', volume: kplus.Volume.fromConfigMap(chart, 'conf', config) }],
        },
      ],
    });
    deployment.addCapability('NET_BIND_SERVICE');
    const service: kplus.Service = deployment.exposeViaService();
    expect(service).toBeInstanceOf(kplus.Service);
    new SecureJob(chart, 'migrate', { containers: [{ image }] });
    expect(chart).toPassPodSecurity('hardened');
    const [manifest] = Testing.synth(chart).filter((m) => m.kind === 'Deployment');
    expect(manifest.spec.template.spec.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(manifest.spec.template.spec.volumes.map((v: { name: string }) => v.name)).toContain('tmp');
  });

  it('PodSecurity.of(app).validate() fails synthesis on a plain plus-33 Deployment; harden() fixes it', () => {
    const insecure = new App({ outdir: Testing.app().outdir });
    new kplus.Deployment(new Chart(insecure, 'legacy'), 'legacy', { containers: [{ image }] });
    PodSecurity.of(insecure).validate({ profile: 'hardened' });
    expect(() => insecure.synth()).toThrow(/runAsUserRange: Deployment .*: runAsUser unset/);

    const hardened = new App({ outdir: Testing.app().outdir });
    new kplus.Deployment(new Chart(hardened, 'legacy'), 'legacy', { containers: [{ image }] });
    PodSecurity.of(hardened).harden().validate({ profile: 'hardened' });
    expect(() => hardened.synth()).not.toThrow();
    expect(PodSecurity.of(hardened).changes.map((change) => change.rule)).toContain(
      'capabilities_restricted',
    );
  });

  it('plus-27 and plus-33 constructs validate together in one app', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'mixed');
    new SecureDeployment27(chart, 'old', { containers: [{ image }] });
    new SecureDeployment(chart, 'new', { containers: [{ image }] });
    new kplus27.ConfigMap(chart, 'cm27');
    expect(app).toPassPodSecurity();
  });
});

describe('assertPodSecurity', () => {
  it('returns for passing manifests and throws the matcher message for failing ones', () => {
    const chart = new Chart(Testing.app(), 'c');
    new SecureDeployment(chart, 'web', { containers: [{ image }] });
    expect(assertPodSecurity(chart)).toBeUndefined();
    const legacy = new Chart(Testing.app(), 'legacy');
    new kplus.Deployment(legacy, 'legacy', { containers: [{ image }] });
    expect(() => assertPodSecurity(legacy, 'restricted')).toThrow(PodSecurityAssertionError);
    expect(() => assertPodSecurity(legacy, 'restricted')).toThrow(
      /expected the manifests to pass pod security \(restricted\), but \d+ finding\(s\) block:\n {2}- \w+: Deployment /,
    );
    expect(() => assertPodSecurity(legacy, 'baseline')).not.toThrow();
  });
});
