import { describe, expect, it } from 'vitest';
import { type CheckResult, definePodRule, type Forbidden } from '../rulekit/define.js';
import { privileged } from '../rules/privileged.js';
import { runAsUser } from '../rules/runAsUser.js';
import { assertInvalid, assertValid, podView, ruleContext, runRule } from './index.js';

const privilegedPod = { containers: [{ name: 'a', securityContext: { privileged: true } }] };
const detail = 'container "a" must not set securityContext.privileged=true';

describe('runRule', () => {
  it('wraps a bare PodSpec in a Pod and runs the latest variant', () => {
    expect(runRule(privileged, privilegedPod)).toEqual({
      allowed: false,
      reason: 'privileged',
      detail,
      locations: [{ path: '/spec/containers/0/securityContext/privileged', container: 'a' }],
    });
  });

  it('allows everything before the first variant of a rule', () => {
    expect(runRule(runAsUser, { securityContext: { runAsUser: 0 } }, 'v1.22')).toEqual({ allowed: true });
  });

  it('rejects unknown versions and invalid pods with a clear error', () => {
    expect(() => runRule(privileged, privilegedPod, 'v2')).toThrow(/invalid Pod Security version "v2"/);
    expect(() => podView({ containers: [{ name: 'a', securityContext: { privileged: 'yes' } }] })).toThrow(
      '/spec/containers/0/securityContext/privileged must be a boolean',
    );
    expect(() => podView({ apiVersion: 'v1', kind: 'ConfigMap' })).toThrow('has no pod spec');
  });

  it('uses the restricted level options by default', () => {
    const context = ruleContext('v1.25');
    expect(context.version).toBe(25);
    expect(context.options.level).toBe('restricted');
    expect(context.options.uidRange).toEqual({ min: 1000, max: 2_147_483_647 });
    expect(context.options.denyUids).toEqual([65534, 65535]);
  });
});

describe('assertInvalid / assertValid', () => {
  const base = { pod: privilegedPod, reason: 'privileged', detail };

  it('passes on exact wording, locations and fix', () => {
    expect(() =>
      assertInvalid(privileged, {
        ...base,
        locations: ['/spec/containers/0/securityContext/privileged'],
        fix: null,
      }),
    ).not.toThrow();
  });

  it('fails on different wording, locations, fix or verdict', () => {
    expect(() => assertInvalid(privileged, { ...base, detail: `${detail} ` })).toThrow(/detail differs/);
    expect(() => assertInvalid(privileged, { ...base, reason: 'Privileged' })).toThrow(/reason differs/);
    expect(() => assertInvalid(privileged, { ...base, locations: ['/spec/containers/0'] })).toThrow(
      /locations differs/,
    );
    expect(() =>
      assertInvalid(privileged, { ...base, fix: { kind: 'safe', description: 'x', patch: [] } }),
    ).toThrow(/fix differs/);
    expect(() => assertInvalid(privileged, { ...base, pod: { containers: [{ name: 'a' }] } })).toThrow(
      /to forbid the pod, but it allowed it/,
    );
    expect(() => assertValid(privileged, { pod: privilegedPod })).toThrow(
      `expected rule privileged to allow the pod, got: privileged (${detail})`,
    );
  });
});

describe('fix round trip', () => {
  const brokenFix = definePodRule({
    ...privileged,
    id: 'brokenFix',
    versions: [
      {
        since: 'v1.0',
        check: (pod, context) => {
          const result = privileged.versions[0]!.check(pod, context);
          if (Array.isArray(result) || (result as CheckResult).allowed) return result;
          return {
            ...(result as Forbidden),
            fix: { kind: 'safe', description: 'no-op', patch: [{ op: 'add', path: '/spec/x', value: 1 }] },
          };
        },
      },
    ],
  });

  it('fails an invalid case whose fix does not clear the finding', () => {
    expect(() => assertInvalid(brokenFix, { pod: privilegedPod, reason: 'privileged', detail })).toThrow(
      'the fix of rule brokenFix does not clear the finding: privileged',
    );
  });
});
