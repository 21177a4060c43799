import { toAdmissionPolicies } from '@podguard/policy-core';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PodguardAdmissionPolicy } from './admission-policy.js';

describe('PodguardAdmissionPolicy', () => {
  it('synthesizes exactly the objects of toAdmissionPolicies()', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'cluster');
    const options = { profile: 'restricted' as const, now: '2026-06-01T00:00:00Z' };
    const policy = new PodguardAdmissionPolicy(chart, 'admission', {
      options,
      exemptNamespaces: ['kube-system'],
    });
    expect(Testing.synth(chart)).toEqual(
      toAdmissionPolicies(options, { exemptNamespaces: ['kube-system'] }).objects,
    );
    expect(policy.notEnforced).toEqual([]);
  });

  it('refuses bad options at construction, with the core words', () => {
    const chart = new Chart(Testing.app(), 'cluster');
    expect(
      () => new PodguardAdmissionPolicy(chart, 'admission', { options: { uidRange: { min: 5, max: 1 } } }),
    ).toThrow(/invalid option uidRange/);
  });
});
