import { describe, expect, it } from 'vitest';
import type { EvaluateOptions } from '../model/options.js';
import type { Forbidden } from '../rulekit/define.js';
import { runRuleResults } from '../testing/index.js';
import { runAsUserRange } from './runAsUserRange.js';

function failures(spec: unknown, options: EvaluateOptions = { level: 'restricted' }): Forbidden[] {
  return runRuleResults(runAsUserRange, spec, 'latest', options).filter((r): r is Forbidden => !r.allowed);
}

describe('runAsUserRange', () => {
  it.each([
    [{ securityContext: { runAsUser: 1000 }, containers: [{ name: 'a' }] }],
    [{ containers: [{ name: 'a', securityContext: { runAsUser: 2147483647 } }] }],
    [
      {
        securityContext: { runAsUser: 5000 },
        containers: [{ name: 'a', securityContext: { runAsUser: 1001 } }],
      },
    ],
    [{ os: { name: 'windows' }, containers: [{ name: 'a' }] }],
  ])('allows %j', (spec) => {
    expect(failures(spec)).toEqual([]);
  });

  it('requires an effective runAsUser for every container', () => {
    const results = failures({
      initContainers: [{ name: 'i' }],
      containers: [
        { name: 'a', securityContext: { runAsUser: 1000 } },
        { name: 'b', securityContext: {} },
      ],
    });
    expect(results).toEqual([
      {
        allowed: false,
        reason: 'runAsUser unset',
        detail: 'containers "i", "b" must set securityContext.runAsUser (on the pod or the container)',
        messageId: 'missingRunAsUser',
        locations: [
          { path: '/spec/initContainers/0', container: 'i' },
          { path: '/spec/containers/1/securityContext', container: 'b' },
        ],
        fix: {
          kind: 'safe',
          description:
            "Set securityContext.runAsUser=1000 on the pod so no container depends on the image's USER.",
          patch: [
            { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
            { op: 'add', path: '/spec/securityContext/runAsUser', value: 1000 },
          ],
        },
      },
    ]);
  });

  it('a privileged node agent without a user: the missing runAsUser fix is unsafe, and says why', () => {
    const [result] = failures({
      containers: [{ name: 'manager', securityContext: { privileged: true } }, { name: 'pre-pull' }],
    });
    const PRIVILEGED = 'privileged container "manager" would run without root\'s capabilities';
    expect(result?.fix).toEqual({
      kind: 'unsafe',
      description: `Set securityContext.runAsUser=1000 on the pod (${PRIVILEGED}).`,
      patch: [
        { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
        { op: 'add', path: '/spec/securityContext/runAsUser', value: 1000 },
      ],
    });
    expect(result?.unfixable).toBe(`a safe fix would stop what runs as root on purpose: ${PRIVILEGED}`);
  });

  it('a privileged container with a user of its own is not reached by the pod-level fix, which stays safe', () => {
    const [result] = failures({
      containers: [{ name: 'manager', securityContext: { privileged: true, runAsUser: 0 } }, { name: 'ui' }],
    });
    expect(result?.reason).toBe('runAsUser unset');
    expect(result?.fix?.kind).toBe('safe');
  });

  it('does not require runAsUser when requireRunAsUser is false', () => {
    expect(
      failures({ containers: [{ name: 'a' }] }, { level: 'restricted', requireRunAsUser: false }),
    ).toEqual([]);
  });

  it.each<[number, string, string]>([
    [0, 'outOfRange', 'pod securityContext.runAsUser is 0, outside the allowed UID range 1000..2147483647'],
    [
      999,
      'outOfRange',
      'pod securityContext.runAsUser is 999, outside the allowed UID range 1000..2147483647',
    ],
    [
      65534,
      'deniedUid',
      'pod securityContext.runAsUser is 65534, a denied UID (shared by unrelated software)',
    ],
    [
      65535,
      'deniedUid',
      'pod securityContext.runAsUser is 65535, a denied UID (shared by unrelated software)',
    ],
  ])('runAsUser %d → %s', (uid, messageId, detail) => {
    const [result, ...rest] = failures({ securityContext: { runAsUser: uid }, containers: [{ name: 'a' }] });
    expect(rest).toEqual([]);
    expect(result).toMatchObject({
      reason: messageId === 'deniedUid' ? 'runAsUser denied' : 'runAsUser out of range',
      messageId,
      detail,
      locations: [{ path: '/spec/securityContext/runAsUser' }],
      fix: { patch: [{ op: 'replace', path: '/spec/securityContext/runAsUser', value: 1000 }] },
    });
  });

  it('checks container values and configurable ranges and deny lists', () => {
    const options: EvaluateOptions = {
      level: 'restricted',
      uidRange: { min: 10000, max: 20000 },
      denyUids: [15000],
      defaultUser: 10001,
    };
    const results = failures(
      {
        securityContext: { runAsUser: 15000 },
        containers: [{ name: 'a', securityContext: { runAsUser: 30000 } }, { name: 'b' }],
      },
      options,
    );
    expect(results.map((r) => [r.messageId, r.detail, r.fix?.patch])).toEqual([
      [
        'deniedUid',
        'pod securityContext.runAsUser is 15000, a denied UID (shared by unrelated software)',
        [{ op: 'replace', path: '/spec/securityContext/runAsUser', value: 10001 }],
      ],
      [
        'outOfRange',
        'container "a" securityContext.runAsUser is 30000, outside the allowed UID range 10000..20000',
        [{ op: 'replace', path: '/spec/containers/0/securityContext/runAsUser', value: 10001 }],
      ],
    ]);
  });

  it("writes the range's lower bound when the profile's default user is outside the range", () => {
    const results = failures(
      { containers: [{ name: 'a' }] },
      { level: 'restricted', uidRange: { min: 2000 } },
    );
    expect(results[0]?.fix?.patch).toContainEqual({
      op: 'add',
      path: '/spec/securityContext/runAsUser',
      value: 2000,
    });
  });

  it('openshift: no runAsUser needed; a fixed one outside the namespace range is removed', () => {
    const options: EvaluateOptions = { profile: 'openshift', uidRange: { min: 1000660000, max: 1000669999 } };
    expect(failures({ containers: [{ name: 'a' }] }, options)).toEqual([]);
    const [result] = failures({ containers: [{ name: 'a', securityContext: { runAsUser: 1000 } }] }, options);
    expect(result).toMatchObject({
      messageId: 'outOfRange',
      fix: {
        kind: 'unsafe',
        description:
          'Remove container "a" securityContext.runAsUser so the platform assigns a UID from the namespace\'s range.',
        patch: [{ op: 'remove', path: '/spec/containers/0/securityContext/runAsUser' }],
      },
    });
  });

  it('openshift with requireRunAsUser: both failures, and no fix (no default user to write, none to remove)', () => {
    const options: EvaluateOptions = { profile: 'openshift', requireRunAsUser: true };
    expect(
      failures({ containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsUser: 5 } }] }, options),
    ).toEqual([
      {
        allowed: false,
        reason: 'runAsUser unset',
        detail: 'container "a" must set securityContext.runAsUser (on the pod or the container)',
        messageId: 'missingRunAsUser',
        locations: [{ path: '/spec/containers/0', container: 'a' }],
      },
      {
        allowed: false,
        reason: 'runAsUser out of range',
        detail:
          'container "b" securityContext.runAsUser is 5, outside the allowed UID range 1000..2147483647',
        messageId: 'outOfRange',
        locations: [{ path: '/spec/containers/1/securityContext/runAsUser', container: 'b' }],
      },
    ]);
  });
});
