/**
 * The public runtime API of each adapter package, pinned: adapters export what users call, not
 * their helpers (formatting, blocking, labels come from @podguard/policy-core), so a change to an
 * adapter's surface is deliberate (issue 12).
 */
import { describe, expect, it } from 'vitest';

const namesOf = (module: Record<string, unknown>) => Object.keys(module).sort();

describe('adapter public APIs', () => {
  it('@podguard/cdk8s', async () => {
    expect(namesOf(await import('../packages/cdk8s/src/index.js'))).toEqual([
      'PodSecurity',
      'PodSecurityAssertionError',
      'PodSecurityValidation',
      'PodguardAdmissionPolicy',
      'SecureCronJob',
      'SecureDaemonSet',
      'SecureDeployment',
      'SecureJob',
      'SecurePod',
      'SecurePodDefaults',
      'SecureStatefulSet',
      'addRawJsonPatch',
      'assertPodSecurity',
      'capabilityName',
      'profileIdentity',
    ]);
  });

  it('@podguard/pulumi/pack', async () => {
    expect(namesOf(await import('../packages/pulumi/src/pack/index.js'))).toEqual([
      'INPUT_POLICY',
      'NAMESPACE_POLICY',
      'POLICY_NAMES',
      'createPodguardPack',
      'podguardPolicies',
      'podguardPolicyConfig',
      'policyName',
    ]);
  });
});
