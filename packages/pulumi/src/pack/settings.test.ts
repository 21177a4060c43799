import { describe, expect, it } from 'vitest';
import { POLICY_NAMES, podguardPolicies, podguardPolicyConfig } from './createPodguardPack.js';
import { evaluateOptionsFor, globMatches, settingsSchema, suppressionsFor } from './settings.js';

describe('suppressionsFor', () => {
  const resource = {
    type: 'kubernetes:apps/v1:DaemonSet',
    urn: 'urn:pulumi:prod::shop::kubernetes:apps/v1:DaemonSet::fluent-bit',
  };

  it('keeps exemptions of the rule whose Pulumi type and URN match, and leaves the Kubernetes match to the core', () => {
    const suppressions = suppressionsFor(
      'hostPathVolumes',
      [
        {
          reason: 'log shipper reads /var/log',
          match: {
            type: 'kubernetes:apps/v1:*',
            urn: '*::fluent-*',
            kind: 'DaemonSet',
            namespace: 'logging',
          },
        },
        { reason: 'another rule entirely', rule: 'privileged' },
        { reason: 'only for Deployments', match: { type: 'kubernetes:apps/v1:Deployment' } },
        { reason: 'only for other stacks', match: { urn: 'urn:pulumi:dev::*' } },
      ],
      resource,
    );
    expect(suppressions).toEqual([
      {
        rule: 'hostPathVolumes',
        reason: 'log shipper reads /var/log',
        match: { kind: 'DaemonSet', namespace: 'logging' },
      },
    ]);
  });

  it('globs are anchored and escape regular-expression characters', () => {
    expect(globMatches('web-?', 'web-1')).toBe(true);
    expect(globMatches('web-?', 'web-12')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
});

describe('settings', () => {
  it('translate to core options, defaulting to the hardened profile', () => {
    expect(evaluateOptionsFor({})).toEqual({ profile: 'hardened' });
    expect(
      evaluateOptionsFor({ profile: 'openshift', pssVersion: 'v1.30', uidRange: { min: 5 }, imageUsers: {} }),
    ).toEqual({
      profile: 'openshift',
      version: 'v1.30',
      uidRange: { min: 5 },
    });
  });

  it('pack options become schema defaults, which the engine applies before user config', () => {
    const schema = settingsSchema({ profile: 'openshift' });
    expect(schema.properties.profile).toMatchObject({ default: 'openshift' });
    expect(settingsSchema().properties.profile).toMatchObject({ default: 'hardened' });
  });
});

describe('podguardPolicies and podguardPolicyConfig', () => {
  it('name one policy per rule plus the input and stack policies, and apply enforcement options', () => {
    const policies = podguardPolicies({ enforcement: { all: 'advisory', runAsNonRoot: 'mandatory' } });
    expect(policies.map((policy) => policy.name).sort()).toEqual([...POLICY_NAMES].sort());
    expect(policies.find((policy) => policy.name === 'podguard-runAsNonRoot')?.enforcementLevel).toBe(
      'mandatory',
    );
    expect(policies.find((policy) => policy.name === 'podguard-privileged')?.enforcementLevel).toBe(
      'advisory',
    );
  });

  it('refuse an exemption naming an unknown rule', () => {
    expect(() =>
      podguardPolicies({ exemptions: [{ rule: 'runAsNobody', reason: 'there is no such rule' }] }),
    ).toThrow('podguard: exemptions[0] names unknown rule "runAsNobody"');
  });

  it('write settings to every policy and exemptions to their rule', () => {
    const config = podguardPolicyConfig({
      profile: 'openshift',
      enforcement: { all: 'mandatory', readOnlyRootFilesystem: 'advisory' },
      exemptions: [
        { rule: 'hostPathVolumes', reason: 'log shipper reads /var/log', match: { name: 'fluent-bit' } },
      ],
    });
    expect(config.all).toBe('mandatory');
    expect(config['podguard-runAsNonRoot']).toEqual({ profile: 'openshift' });
    expect(config['podguard-readOnlyRootFilesystem']).toEqual({
      profile: 'openshift',
      enforcementLevel: 'advisory',
    });
    expect(config['podguard-hostPathVolumes']).toEqual({
      profile: 'openshift',
      exemptions: [
        { rule: 'hostPathVolumes', reason: 'log shipper reads /var/log', match: { name: 'fluent-bit' } },
      ],
    });
  });
});
