/**
 * The public API of each adapter package, pinned as an API report (every export of every entry
 * with its kind and signature, see apiReport.ts): adapters export what users call, not their
 * helpers (formatting, blocking, labels come from @podguard/policy-core), so a change to an
 * adapter's surface is deliberate (issue 12). Review a diff of `packages/<name>/api/public-api.txt`
 * as an API change, then update it with `npx vitest run test/adapter-api.test.ts -u`.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiReport } from './apiReport.js';

const src = (path: string) => fileURLToPath(new URL(`../packages/${path}`, import.meta.url));

describe('adapter public APIs', () => {
  it('@podguard/cdk8s: every entry, with kinds and signatures', async () => {
    const report = apiReport('@podguard/cdk8s', [
      { subpath: '.', file: src('cdk8s/src/index.ts') },
      { subpath: './plus-33', file: src('cdk8s/src/plus-33.ts') },
      { subpath: './jest', file: src('cdk8s/src/jest.ts') },
      { subpath: './vitest', file: src('cdk8s/src/vitest.ts') },
    ]);
    await expect(report).toMatchFileSnapshot('../packages/cdk8s/api/public-api.txt');
  }, 120_000);

  it('@podguard/pulumi: every entry, with kinds and signatures', async () => {
    const report = apiReport('@podguard/pulumi', [
      { subpath: '.', file: src('pulumi/src/index.ts') },
      { subpath: './pack', file: src('pulumi/src/pack/index.ts') },
    ]);
    await expect(report).toMatchFileSnapshot('../packages/pulumi/api/public-api.txt');
  }, 120_000);

  it('the runtime exports are the report’s values (no helper exported by accident)', async () => {
    const names = (module: Record<string, unknown>) => Object.keys(module).sort();
    expect(names(await import('../packages/cdk8s/src/index.js'))).toEqual([
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
    expect(names(await import('../packages/pulumi/src/pack/index.js'))).toEqual([
      'INPUT_POLICY',
      'NAMESPACE_POLICY',
      'POLICY_NAMES',
      'UNUSED_SUPPRESSION_POLICY',
      'createPodguardPack',
      'podguardPolicies',
      'podguardPolicyConfig',
      'policyName',
    ]);
  });
});
