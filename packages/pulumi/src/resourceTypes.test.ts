import { describe, expect, it } from 'vitest';
import { kubernetesTypeOf } from './resourceTypes.js';

describe('kubernetesTypeOf', () => {
  it.each([
    ['kubernetes:apps/v1:Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', patch: false }],
    ['kubernetes:core/v1:Pod', { apiVersion: 'v1', kind: 'Pod', patch: false }],
    ['kubernetes:core/v1:PodPatch', { apiVersion: 'v1', kind: 'Pod', patch: true }],
    ['kubernetes:apps/v1:DeploymentPatch', { apiVersion: 'apps/v1', kind: 'Deployment', patch: true }],
    ['kubernetes:batch/v1beta1:CronJob', { apiVersion: 'batch/v1beta1', kind: 'CronJob', patch: false }],
    [
      'kubernetes:argoproj.io/v1alpha1:Rollout',
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', patch: false },
    ],
    // A custom resource kind that ends in Patch is a kind, not a patch.
    [
      'kubernetes:example.com/v1:SecurityPatch',
      { apiVersion: 'example.com/v1', kind: 'SecurityPatch', patch: false },
    ],
  ])('%s', (type, expected) => {
    expect(kubernetesTypeOf(type)).toEqual(expected);
  });

  it('is undefined for other providers and malformed tokens', () => {
    expect(kubernetesTypeOf('aws:s3/bucket:Bucket')).toBeUndefined();
    expect(kubernetesTypeOf('kubernetes:Deployment')).toBeUndefined();
  });
});
