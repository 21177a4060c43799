import { describe, expect, it } from 'vitest';
import { POLICY_NAMES, podguardPolicies, podguardPolicyConfig } from './createPodguardPack.js';
import { coveringSuppressions, evaluateOptionsFor, settingsSchema, suppressionsFor } from './settings.js';

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

  it("matches type and URN globs with the core's linear matcher, never a backtracking regular expression", () => {
    const settings = (match: Record<string, string>) => ({
      exemptions: [{ reason: 'pinned vendor chart, ticket OPS-9', match }],
    });
    const cover = (match: Record<string, string>, urn: string) =>
      coveringSuppressions('runAsNonRoot', settings(match).exemptions, {
        type: 'kubernetes:apps/v1:Deployment',
        urn,
      });
    expect(
      cover({ urn: '*::web-?' }, 'urn:pulumi:dev::shop::kubernetes:apps/v1:Deployment::web-1'),
    ).toHaveLength(1);
    expect(
      cover({ urn: '*::web-?' }, 'urn:pulumi:dev::shop::kubernetes:apps/v1:Deployment::web-12'),
    ).toHaveLength(0);
    expect(cover({ type: 'kubernetes:apps.v1:*' }, 'urn:x')).toHaveLength(0);
    // `.*a.*a.*a…b` as a regular expression backtracks combinatorially on 253 a's: it never ended.
    expect(cover({ urn: '*a*a*a*a*a*a*a*a*b' }, 'a'.repeat(253))).toHaveLength(0);
    expect(cover({ urn: '*a*a*a*a*a*a*a*a*b' }, `${'a'.repeat(252)}b`)).toHaveLength(1);
  });
});

describe('settings', () => {
  it('translate to core options, defaulting to the hardened profile', () => {
    expect(evaluateOptionsFor({})).toEqual({ profile: 'hardened' });
    expect(
      evaluateOptionsFor({ profile: 'openshift', version: 'v1.30', uidRange: { min: 5 }, imageUsers: {} }),
    ).toEqual({
      profile: 'openshift',
      version: 'v1.30',
      uidRange: { min: 5 },
      imageUsers: {},
    });
  });

  it("a rule's policy describes the engine's settings and the options its rule reads, no other rule's", () => {
    const keys = (rule: string) => Object.keys(settingsSchema({}, { rule }).properties);
    expect(keys('runAsUserRange')).toEqual(
      expect.arrayContaining([
        'profile',
        'suppressions',
        'failOn',
        'unsafeFixes',
        'uidRange',
        'denyUids',
        'defaultUser',
      ]),
    );
    expect(keys('runAsUserRange')).not.toContain('gidRange');
    expect(keys('runAsGroupPolicy')).toEqual(
      expect.arrayContaining(['gidRange', 'allowRootGroup', 'defaultGroup']),
    );
    expect(
      keys('privileged').filter((key) =>
        ['uidRange', 'gidRange', 'imageUsers', 'namespaceLevel'].includes(key),
      ),
    ).toEqual([]);
    // Without a rule (the input and stack-wide policies): every setting.
    expect(Object.keys(settingsSchema().properties)).toEqual(
      expect.arrayContaining(['uidRange', 'gidRange', 'namespaceLevel']),
    );
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

  it('refuse a suppression naming an unknown rule, with a guess that exists', () => {
    expect(() =>
      podguardPolicies({ suppressions: [{ rule: 'runAsNobody', reason: 'there is no such rule' }] }),
    ).toThrow(
      'podguard: invalid setting suppressions[0].rule of createPodguardPack: unknown rule "runAsNobody"',
    );
    expect(() =>
      podguardPolicies({ suppressions: [{ rule: 'runAsNonroot', reason: 'a typo of the rule id' }] }),
    ).toThrow('(did you mean "runAsNonRoot", policy podguard-runAsNonRoot?)');
  });

  it('write settings to every policy and suppressions to their rule (deprecated exemptions too)', () => {
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
      suppressions: [
        { rule: 'hostPathVolumes', reason: 'log shipper reads /var/log', match: { name: 'fluent-bit' } },
      ],
    });
  });
});
