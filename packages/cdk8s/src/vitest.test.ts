import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { SecureDeployment } from './index.js';
import './vitest.js';

const image = 'registry.example.com/app:1.2.3';

const rootPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: ${image}
      securityContext:
        runAsUser: 0
`;

describe('toPassPodSecurity', () => {
  it('accepts a chart, an app, manifests and YAML text', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'web');
    new SecureDeployment(chart, 'web', { containers: [{ image }] });
    expect(chart).toPassPodSecurity();
    expect(app).toPassPodSecurity('hardened');
    expect(Testing.synth(chart)).toPassPodSecurity({ profile: 'restricted', version: 'v1.25' });
    expect(Testing.synth(chart)[0]).toPassPodSecurity('baseline');
    expect(rootPod).not.toPassPodSecurity('restricted');
  });

  it('fails with every blocking finding, its pointer and its fix', () => {
    expect(() => expect(rootPod).toPassPodSecurity('restricted')).toThrow(
      /expected the manifests to pass pod security \(restricted\), but \d+ finding\(s\) block:\n[\s\S]*\n {2}- runAsUser: Pod debug: runAsUser=0 \(container "shell" must not set runAsUser=0\)\n {8}at: \/spec\/containers\/0\/securityContext\/runAsUser/,
    );
    expect(() => expect(rootPod).toPassPodSecurity('restricted')).toThrow(/fix: .*\[\{"op":/);
  });

  it('fails the negation with a clear message', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', { containers: [{ image }] });
    expect(() => expect(chart).not.toPassPodSecurity()).toThrow(
      'expected the manifests not to pass pod security (hardened), but all 1 objects pass',
    );
  });

  it('says what it cannot read', () => {
    expect(() => expect('kind: [').toPassPodSecurity()).toThrow(/YAML document 1: /);
    expect(() => expect(42).toPassPodSecurity()).toThrow(
      /expected a cdk8s Chart or App, manifests or a YAML string, got number/,
    );
  });
});

describe('toViolate', () => {
  it('matches a rule, optionally in a container', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'legacy', {
      containers: [
        { name: 'ok', image, securityContext: { user: 1000 } },
        { name: 'root', image, securityContext: { user: 0, ensureNonRoot: false } },
      ],
    });
    expect(chart).toViolate('runAsUser', { profile: 'restricted' });
    expect(chart).toViolate('runAsUser', { container: 'root', profile: 'restricted' });
    expect(chart).not.toViolate('runAsUser', { container: 'ok', profile: 'restricted' });
    expect(chart).not.toViolate('privileged');
  });

  it('lists the findings there were when the rule did not fail', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image, securityContext: { privileged: true } }] },
    });
    expect(() => expect(chart).toViolate('hostNamespaces', { profile: 'baseline' })).toThrow(
      /expected a finding of hostNamespaces, but the findings were:\n {2}- privileged: Pod p: privileged/,
    );
    expect(() => expect(chart).not.toViolate('privileged', { profile: 'baseline' })).toThrow(
      /expected no finding of privileged, but found:/,
    );
  });

  it('refuses an unknown rule id instead of passing a negation vacuously', () => {
    expect(() => expect(rootPod).not.toViolate('runAsNonroot')).toThrow(
      /toViolate: unknown rule "runAsNonroot"/,
    );
  });
});
