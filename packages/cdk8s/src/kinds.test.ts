import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PodSecurity } from './index.js';
import './vitest.js';

const image = 'registry.example.com/app:1.2.3';

const rollout = (container: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web' },
  spec: { template: { spec: { containers: [{ name: 'app', image, ...container }] } } },
});

function synthError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String(error);
  }
  return '';
}

describe('custom resources and kinds by API group in cdk8s', () => {
  it('fails synthesis for a privileged container in an Argo Rollout, at its pointer', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'rollout', rollout({ securityContext: { privileged: true } }));
    PodSecurity.of(chart).validate({ level: 'baseline' });
    const message = synthError(() => Testing.synth(chart));
    expect(message).toMatch(/\[test\/rollout\] podguard privileged: Rollout web: /);
    expect(message).toContain('at: /spec/template/spec/containers/0/securityContext/privileged');
  });

  it('hardens a Rollout like a Deployment, and leaves a Deployment of another group alone', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'rollout', rollout());
    const other = { ...rollout(), apiVersion: 'example.com/v1', kind: 'Deployment' };
    new ApiObject(chart, 'other', other);
    const security = PodSecurity.of(chart).harden().validate();
    const manifests = Testing.synth(chart);
    expect(manifests.filter((m) => m.kind === 'Rollout')).toPassPodSecurity('hardened');
    expect(manifests.find((m) => m.apiVersion === 'example.com/v1')).toEqual(other);
    expect(new Set(security.changes.map((change) => change.constructPath))).toEqual(
      new Set(['test/rollout']),
    );
  });

  it('accepts podTemplates for a custom resource podguard does not know', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'app', {
      apiVersion: 'apps.example.com/v1',
      kind: 'App',
      metadata: { name: 'a' },
      spec: {
        pods: [{ spec: { containers: [{ name: 'c', image, securityContext: { privileged: true } }] } }],
      },
    });
    const podTemplates = [{ apiVersion: 'apps.example.com/v1', kind: 'App', paths: ['/spec/pods/*'] }];
    PodSecurity.of(chart).validate({ level: 'baseline', podTemplates });
    expect(synthError(() => Testing.synth(chart))).toContain(
      'at: /spec/pods/0/spec/containers/0/securityContext/privileged',
    );
  });
});
