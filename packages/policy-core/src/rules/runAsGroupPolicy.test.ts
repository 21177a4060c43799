import { describe, expect, it } from 'vitest';
import type { EvaluateOptions } from '../model/options.js';
import type { Forbidden } from '../rulekit/define.js';
import { runRuleResults } from '../testing/index.js';
import { runAsGroupPolicy } from './runAsGroupPolicy.js';

function failures(spec: unknown, options: EvaluateOptions = { level: 'restricted' }): Forbidden[] {
  return runRuleResults(runAsGroupPolicy, spec, 'latest', options).filter((r): r is Forbidden => !r.allowed);
}

describe('runAsGroupPolicy', () => {
  it.each([
    [{ securityContext: { runAsGroup: 1000 }, containers: [{ name: 'a' }] }],
    [
      {
        securityContext: { runAsGroup: 0, fsGroup: 0, supplementalGroups: [0, 2000] },
        containers: [{ name: 'a' }],
      },
    ],
    [{ containers: [{ name: 'a', securityContext: { runAsGroup: 3000 } }] }],
    [{ os: { name: 'windows' }, containers: [{ name: 'a' }] }],
  ])('allows %j', (spec) => {
    expect(failures(spec)).toEqual([]);
  });

  it('requires an explicit runAsGroup', () => {
    expect(failures({ containers: [{ name: 'a' }] })).toEqual([
      {
        allowed: false,
        reason: 'runAsGroup unset',
        detail: 'container "a" must set securityContext.runAsGroup (on the pod or the container)',
        messageId: 'missingRunAsGroup',
        locations: [{ path: '/spec/containers/0', container: 'a' }],
        fix: {
          kind: 'safe',
          description: 'Set securityContext.runAsGroup=1000 on the pod.',
          patch: [
            { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
            { op: 'add', path: '/spec/securityContext/runAsGroup', value: 1000 },
          ],
        },
      },
    ]);
  });

  it('forbids gid 0 everywhere with allowRootGroup: false, fixing runAsGroup and fsGroup only', () => {
    const results = failures(
      {
        securityContext: { runAsGroup: 0, fsGroup: 0, supplementalGroups: [1000, 0] },
        containers: [{ name: 'a', securityContext: { runAsGroup: 0 } }],
      },
      { level: 'restricted', allowRootGroup: false },
    );
    expect(results.map((r) => [r.messageId, r.detail, r.locations[0]?.path, r.fix?.patch])).toEqual([
      [
        'rootGroup',
        'pod securityContext.runAsGroup is 0, and the root group is not allowed (allowRootGroup: false)',
        '/spec/securityContext/runAsGroup',
        [{ op: 'replace', path: '/spec/securityContext/runAsGroup', value: 1000 }],
      ],
      [
        'rootGroup',
        'container "a" securityContext.runAsGroup is 0, and the root group is not allowed (allowRootGroup: false)',
        '/spec/containers/0/securityContext/runAsGroup',
        [{ op: 'replace', path: '/spec/containers/0/securityContext/runAsGroup', value: 1000 }],
      ],
      [
        'rootGroup',
        'pod securityContext.fsGroup is 0, and the root group is not allowed (allowRootGroup: false)',
        '/spec/securityContext/fsGroup',
        [{ op: 'replace', path: '/spec/securityContext/fsGroup', value: 1000 }],
      ],
      [
        'rootGroup',
        'pod securityContext.supplementalGroups[1] is 0, and the root group is not allowed (allowRootGroup: false)',
        '/spec/securityContext/supplementalGroups/1',
        undefined,
      ],
    ]);
  });

  it('checks the gid range', () => {
    const results = failures(
      {
        securityContext: { runAsGroup: 10, fsGroup: 500, supplementalGroups: [7] },
        containers: [{ name: 'a' }],
      },
      { level: 'restricted', gidRange: { min: 100 } },
    );
    expect(results.map((r) => r.detail)).toEqual([
      'pod securityContext.runAsGroup is 10, outside the allowed GID range 100..2147483647',
      'pod securityContext.supplementalGroups[0] is 7, outside the allowed GID range 100..2147483647',
    ]);
  });

  it.each<[field: string, securityContext: Record<string, unknown>, path: string, fixed: boolean]>([
    ['runAsGroup', { runAsGroup: 10 }, '/spec/securityContext/runAsGroup', true],
    ['fsGroup', { runAsGroup: 1000, fsGroup: 10 }, '/spec/securityContext/fsGroup', true],
    [
      'supplementalGroups[1]',
      { runAsGroup: 1000, supplementalGroups: [2000, 10] },
      '/spec/securityContext/supplementalGroups/1',
      false,
    ],
  ])('reports a forbidden pod %s alone, and nothing else', (field, securityContext, path, fixed) => {
    expect(failures({ securityContext, containers: [{ name: 'a' }] })).toEqual([
      {
        allowed: false,
        reason: 'gid out of range',
        detail: `pod securityContext.${field} is 10, outside the allowed GID range 1000..2147483647`,
        messageId: 'outOfRange',
        locations: [{ path }],
        ...(fixed
          ? {
              fix: {
                kind: 'unsafe',
                description: `Set pod securityContext.${field} to 1000 instead of 10.`,
                patch: [{ op: 'replace', path, value: 1000 }],
              },
            }
          : {}),
      },
    ]);
  });

  it('openshift: no runAsGroup needed and gid 0 expected', () => {
    expect(
      failures({ securityContext: { fsGroup: 0 }, containers: [{ name: 'a' }] }, { profile: 'openshift' }),
    ).toEqual([]);
  });

  it('rejects an explicit default group 0 inside gidRange when allowRootGroup is false (the rule refuses gid 0)', () => {
    expect(() =>
      failures(
        { securityContext: { fsGroup: 0 }, containers: [{ name: 'a' }] },
        { level: 'restricted', gidRange: { min: 0 }, allowRootGroup: false, defaultGroup: 0 },
      ),
    ).toThrow('invalid option defaultGroup: 0 is the root group, and allowRootGroup is false');
  });

  it('offers no runAsGroup fix when no gid of gidRange is allowed (only 0, allowRootGroup: false)', () => {
    const results = failures(
      { securityContext: { fsGroup: 0 }, containers: [{ name: 'a' }] },
      { level: 'restricted', gidRange: { min: 0, max: 0 }, allowRootGroup: false },
    );
    expect(results.map((r) => [r.messageId, r.fix])).toEqual([
      ['missingRunAsGroup', undefined],
      ['rootGroup', undefined],
    ]);
  });

  it('rejects an explicit default group the policy does not allow, naming the option', () => {
    expect(() =>
      failures(
        { containers: [{ name: 'a' }] },
        { level: 'restricted', defaultGroup: 0, allowRootGroup: false },
      ),
    ).toThrow(/invalid option defaultGroup: 0 is outside gidRange 1000\.\.2147483647/);
  });
});
