import { evaluate } from '@podguard/policy-core';
import { Deployment } from '@pulumi/kubernetes/apps/v1';
import { Service } from '@pulumi/kubernetes/core/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installMocks, type MockProgram, outputValue } from '../../../../test/pulumi/mockRuntime.js';
import {
  hardenResourceProps,
  registerPodguardHardening,
  resetPodguardHardeningForTests,
} from './registerPodguardHardening.js';

let program: MockProgram;

beforeEach(async () => {
  program = await installMocks();
});
afterEach(() => resetPodguardHardeningForTests());

const rootDeployment = {
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'web', image: 'web:1', securityContext: { allowPrivilegeEscalation: true } }],
      },
    },
  },
};

describe('registerPodguardHardening', () => {
  it('safe by default: adds what is missing, leaves the explicit allowPrivilegeEscalation: true', () => {
    const object = { apiVersion: 'apps/v1', kind: 'Deployment', ...rootDeployment };
    const hardened = hardenResourceProps('kubernetes:apps/v1:Deployment', object, undefined) as typeof object;
    const container = hardened.spec.template.spec.containers[0];
    expect(container?.securityContext).toMatchObject({
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
    });
  });

  it('with unsafe: true hardens every Deployment registered after it, and leaves other resources alone', async () => {
    expect(registerPodguardHardening({ unsafe: true })).toBe('registerResourceTransform');
    const web = new Deployment('web', rootDeployment);
    const service = new Service('web', { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    await Promise.all([outputValue(web.urn), outputValue(service.urn)]);
    const [deployment] = program.ofType('kubernetes:apps/v1:Deployment');
    if (!deployment) throw new Error('no Deployment registered');
    const result = evaluate(deployment.inputs);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const container = (
      deployment.inputs.spec as {
        template: { spec: { containers: { securityContext: Record<string, unknown> }[] } };
      }
    ).template.spec.containers[0];
    expect(container?.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(program.ofType('kubernetes:core/v1:Service')[0]?.inputs).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80 }] },
    });
  });

  it('is idempotent, and refuses a second registration with other options', () => {
    expect(registerPodguardHardening({ profile: 'hardened' })).toBe('registerResourceTransform');
    expect(registerPodguardHardening({ profile: 'hardened' })).toBe('registerResourceTransform');
    expect(() => registerPodguardHardening({ profile: 'openshift' })).toThrow(
      /already called with other options/,
    );
  });
});

describe('hardenResourceProps', () => {
  it('returns undefined for resources it does not check and for compliant ones', () => {
    expect(hardenResourceProps('kubernetes:core/v1:Service', { spec: {} }, undefined)).toBeUndefined();
    const hardened = hardenResourceProps('kubernetes:apps/v1:Deployment', rootDeployment, undefined);
    expect(hardened).toBeDefined();
    expect(
      hardenResourceProps('kubernetes:apps/v1:Deployment', hardened as Record<string, unknown>, undefined),
    ).toBeUndefined();
  });

  it('adds the enforce label to a Namespace', () => {
    const hardened = hardenResourceProps(
      'kubernetes:core/v1:Namespace',
      { metadata: { name: 'shop' } },
      undefined,
    );
    const metadata = hardened?.metadata as { labels: Record<string, string> } | undefined;
    expect(metadata?.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
