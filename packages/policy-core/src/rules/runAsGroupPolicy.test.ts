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

  describe('the missing runAsGroup fix changes no group the author chose', () => {
    const fixOf = (spec: unknown) => {
      const [failure] = failures(spec);
      return {
        kind: failure?.fix?.kind,
        description: failure?.fix?.description,
        unfixable: failure?.unfixable,
      };
    };

    it('is safe where the user is unset or the default user (1000)', () => {
      expect(
        fixOf({ containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsUser: 1000 } }] }),
      ).toEqual({
        kind: 'safe',
        description: 'Set securityContext.runAsGroup=1000 on the pod.',
        unfixable: undefined,
      });
    });

    it('is unsafe beside a runAsUser the author chose: a Redis running as its image user 999', () => {
      const redis = {
        securityContext: { runAsNonRoot: true, runAsUser: 999 },
        containers: [{ name: 'redis', image: 'redis:7.2' }],
      };
      expect(fixOf(redis)).toEqual({
        kind: 'unsafe',
        description:
          'Set securityContext.runAsGroup=1000 on the pod (container "redis" runs as runAsUser=999).',
        unfixable:
          'a safe fix would change the group of a user the author chose: container "redis" runs as runAsUser=999',
      });
    });

    it('is unsafe where a container runs as root on purpose: runAsUser 0, or privileged without a user', () => {
      const deployer = { securityContext: { runAsUser: 0 }, containers: [{ name: 'deployer' }] };
      expect(fixOf(deployer).unfixable).toBe(
        'a safe fix would change the group of a user the author chose: container "deployer" runs as root (runAsUser=0)',
      );
      const nodeAgent = {
        containers: [
          { name: 'manager', securityContext: { privileged: true } },
          { name: 'pre-pull', securityContext: { runAsUser: 2000 } },
        ],
      };
      expect(fixOf(nodeAgent)).toEqual({
        kind: 'unsafe',
        description:
          'Set securityContext.runAsGroup=1000 on the pod (privileged container "manager" runs as root; container "pre-pull" runs as runAsUser=2000).',
        unfixable:
          'a safe fix would change the group of a user the author chose: privileged container "manager" runs as root; container "pre-pull" runs as runAsUser=2000',
      });
    });

    it('is unsafe beside a container adding capabilities as root', () => {
      const spec = {
        containers: [{ name: 'daemon', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
      };
      expect(fixOf(spec).unfixable).toBe(
        'a safe fix would change the group of a user the author chose: container "daemon" runs as root to use the capabilities added',
      );
    });

    it('looks only at the containers the pod-level field reaches', () => {
      // "db" sets its own group: the pod-level one would not reach it.
      const spec = {
        containers: [
          { name: 'db', securityContext: { runAsUser: 999, runAsGroup: 999 } },
          { name: 'exporter' },
        ],
      };
      expect(fixOf(spec).kind).toBe('safe');
    });

    it('counts a privileged container that names a user as running as that user', () => {
      const spec = { containers: [{ name: 'a', securityContext: { privileged: true, runAsUser: 1000 } }] };
      expect(fixOf(spec).kind).toBe('safe');
    });
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
