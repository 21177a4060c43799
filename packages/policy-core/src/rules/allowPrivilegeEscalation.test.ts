import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { RuleTester, runRule } from '../testing/index.js';
import { allowPrivilegeEscalation } from './allowPrivilegeEscalation.js';

const multiple = {
  containers: [
    { name: 'a' },
    { name: 'b', securityContext: { allowPrivilegeEscalation: null } },
    { name: 'c', securityContext: { allowPrivilegeEscalation: true } },
    { name: 'd', securityContext: { allowPrivilegeEscalation: false } },
  ],
};
const multipleDetail = 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false';
const windowsPod = { os: { name: 'windows' }, containers: [{ name: 'a' }] };

new RuleTester({ describe, it }).run(allowPrivilegeEscalation, {
  valid: [
    {
      name: 'false everywhere',
      pod: { containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: false } }] },
    },
    {
      name: 'upstream 1.25: windows pod, admit without checking privilegeEscalation',
      pod: windowsPod,
      version: 'v1.25',
    },
    { name: 'not checked before v1.8', pod: { containers: [{ name: 'a' }] }, version: 'v1.7' },
  ],
  invalid: [
    {
      name: 'upstream 1.8: multiple containers',
      pod: multiple,
      version: 'v1.8',
      reason: 'allowPrivilegeEscalation != false',
      detail: multipleDetail,
      locations: [
        { path: '/spec/containers/0', container: 'a' },
        { path: '/spec/containers/1/securityContext', container: 'b' },
        { path: '/spec/containers/2/securityContext/allowPrivilegeEscalation', container: 'c' },
      ],
      fix: {
        kind: 'safe',
        description:
          'Set securityContext.allowPrivilegeEscalation=false on each container that leaves it unset.',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/allowPrivilegeEscalation',
            value: false,
          },
          {
            op: 'add',
            path: '/spec/containers/1/securityContext/allowPrivilegeEscalation',
            value: false,
          },
        ],
      },
    },
    {
      name: 'upstream 1.25: multiple containers',
      pod: multiple,
      reason: 'allowPrivilegeEscalation != false',
      detail: multipleDetail,
    },
    {
      name: 'upstream 1.25: linux pod, reject if security context is not set',
      pod: { os: { name: 'linux' }, containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }] },
      reason: 'allowPrivilegeEscalation != false',
      detail: 'container "a" must set securityContext.allowPrivilegeEscalation=false',
      fix: {
        kind: 'safe',
        description:
          'Set securityContext.allowPrivilegeEscalation=false on each container that leaves it unset.',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/allowPrivilegeEscalation',
            value: false,
          },
        ],
      },
    },
    {
      name: 'windows pods are checked before v1.25, without a fix',
      pod: windowsPod,
      version: 'v1.24',
      reason: 'allowPrivilegeEscalation != false',
      detail: 'container "a" must set securityContext.allowPrivilegeEscalation=false',
      fix: null,
    },
    {
      name: 'per container: the plain container gets the fix, the privileged one keeps its finding',
      pod: { containers: [{ name: 'a' }, { name: 'p', securityContext: { privileged: true } }] },
      reason: 'allowPrivilegeEscalation != false',
      detail: 'containers "a", "p" must set securityContext.allowPrivilegeEscalation=false',
      fix: {
        kind: 'safe',
        description:
          'Set securityContext.allowPrivilegeEscalation=false on each container that leaves it unset.',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/allowPrivilegeEscalation',
            value: false,
          },
        ],
      },
    },
    {
      name: 'no fix for a container adding CAP_SYS_ADMIN',
      pod: { containers: [{ name: 's', securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'] } } }] },
      reason: 'allowPrivilegeEscalation != false',
      detail: 'container "s" must set securityContext.allowPrivilegeEscalation=false',
      fix: null,
    },
  ],
});

describe('allowPrivilegeEscalation: why a container gets no fix, or only an unsafe one (unfixable)', () => {
  const PRIVILEGED =
    'privileged containers cannot set allowPrivilegeEscalation=false; drop privileged first (unsafe)';
  const SYS_ADMIN =
    'containers that add SYS_ADMIN cannot set allowPrivilegeEscalation=false; remove SYS_ADMIN from capabilities.add first (unsafe)';
  const MIXED = 'containers that set allowPrivilegeEscalation=true get false only from an unsafe fix';
  const verdict = (pod: unknown, version?: string) => {
    const result = runRule(allowPrivilegeEscalation, pod, version);
    if (result.allowed) throw new Error('expected a finding');
    return {
      fix: result.fix && { kind: result.fix.kind, description: result.fix.description },
      unfixable: result.unfixable,
    };
  };

  it('says nothing when every container takes the fix', () => {
    expect(verdict({ containers: [{ name: 'a' }] })).toEqual({
      fix: {
        kind: 'safe',
        description:
          'Set securityContext.allowPrivilegeEscalation=false on each container that leaves it unset.',
      },
      unfixable: undefined,
    });
    expect(
      verdict({ containers: [{ name: 't', securityContext: { allowPrivilegeEscalation: true } }] }),
    ).toEqual({
      fix: {
        kind: 'unsafe',
        description: 'Replace securityContext.allowPrivilegeEscalation=true with false.',
      },
      unfixable: undefined,
    });
  });

  it('names the blocked containers once each, each reason once, and the unsafe remainder', () => {
    const pod = {
      containers: [
        { name: 'a' },
        { name: 'p', securityContext: { privileged: true } },
        { name: 's', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
        { name: 's2', securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'] } } },
        { name: 't', securityContext: { allowPrivilegeEscalation: true } },
      ],
    };
    expect(verdict(pod).unfixable).toBe(`containers "p", "s", "s2": ${PRIVILEGED}; ${SYS_ADMIN}; ${MIXED}`);
  });

  it('a safe and an unsafe part alone: no container named', () => {
    const pod = {
      containers: [{ name: 'a' }, { name: 't', securityContext: { allowPrivilegeEscalation: true } }],
    };
    expect(verdict(pod)).toEqual({
      fix: {
        kind: 'safe',
        description:
          'Set securityContext.allowPrivilegeEscalation=false on each container that leaves it unset.',
      },
      unfixable: MIXED,
    });
  });

  it('a Windows pod before v1.25: no fix, and why', () => {
    expect(verdict({ os: { name: 'windows' }, containers: [{ name: 'a' }] }, 'v1.24')).toEqual({
      fix: undefined,
      unfixable: 'Windows pods cannot set allowPrivilegeEscalation (a Linux-only field)',
    });
  });

  it('capabilities.add of another type (validation reports it) does not stop the check or its fix', () => {
    const result = evaluate(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'a', securityContext: { capabilities: { add: 'SYS_ADMIN' } } }] },
      },
      { level: 'restricted' },
    );
    const own = result.findings.filter((finding) => finding.rule === 'allowPrivilegeEscalation');
    expect(own.map((finding) => [finding.status, finding.fix?.kind])).toEqual([['fail', 'safe']]);
  });
});
