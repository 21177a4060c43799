import { describe, expect, it } from 'vitest';
import { RuleTester, runRule } from '../testing/index.js';
import { capabilities_restricted } from './capabilities_restricted.js';

const multiple = {
  containers: [
    { name: 'a', securityContext: { capabilities: { add: ['FOO', 'BAR'] } } },
    { name: 'b', securityContext: { capabilities: { add: ['BAR', 'BAZ'] } } },
    {
      name: 'c',
      securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN'], drop: ['ALL', 'FOO'] } },
    },
  ],
};
const dropping = (name: string, add?: string[]) => ({
  name,
  securityContext: { capabilities: add ? { drop: ['ALL'], add } : { drop: ['ALL'] } },
});
const multipleDetail =
  'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add';

new RuleTester({ describe, it }).run(capabilities_restricted, {
  valid: [
    {
      name: 'drop ALL, add NET_BIND_SERVICE',
      pod: {
        containers: [
          { name: 'a', securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } },
        ],
      },
    },
    {
      name: 'upstream 1.25: windows pod, admit without checking capabilities',
      pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
      version: 'v1.25',
    },
    { name: 'drop ALL, add nothing', pod: { containers: [dropping('a'), dropping('b', [])] } },
    { name: 'not checked before v1.22', pod: { containers: [{ name: 'a' }] }, version: 'v1.21' },
  ],
  invalid: [
    {
      name: 'upstream 1.22: multiple containers',
      pod: multiple,
      version: 'v1.22',
      reason: 'unrestricted capabilities',
      detail: multipleDetail,
      locations: [
        { path: '/spec/containers/0/securityContext/capabilities', container: 'a' },
        { path: '/spec/containers/0/securityContext/capabilities/add/0', container: 'a' },
        { path: '/spec/containers/0/securityContext/capabilities/add/1', container: 'a' },
        { path: '/spec/containers/1/securityContext/capabilities', container: 'b' },
        { path: '/spec/containers/1/securityContext/capabilities/add/0', container: 'b' },
        { path: '/spec/containers/1/securityContext/capabilities/add/1', container: 'b' },
        { path: '/spec/containers/2/securityContext/capabilities/add/1', container: 'c' },
      ],
      fix: {
        kind: 'safe',
        description: 'Add ALL to securityContext.capabilities.drop.',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/capabilities/drop',
            value: [],
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/capabilities/drop/-',
            value: 'ALL',
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/1/securityContext/capabilities/drop',
            value: [],
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/1/securityContext/capabilities/drop/-',
            value: 'ALL',
            ifMissing: true,
          },
        ],
      },
    },
    {
      name: 'upstream 1.25: multiple containers',
      pod: multiple,
      reason: 'unrestricted capabilities',
      detail: multipleDetail,
    },
    {
      name: 'upstream 1.25: linux pod, reject if security context is not set',
      pod: { os: { name: 'linux' }, containers: [{ name: 'a' }] },
      reason: 'unrestricted capabilities',
      detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
      locations: [{ path: '/spec/containers/0', container: 'a' }],
      fix: {
        kind: 'safe',
        description: 'Add ALL to securityContext.capabilities.drop.',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/capabilities',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/capabilities/drop',
            value: [],
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/capabilities/drop/-',
            value: 'ALL',
            ifMissing: true,
          },
        ],
      },
    },
    {
      name: 'drop without ALL keeps its entries',
      pod: { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['NET_RAW'] } } }] },
      reason: 'unrestricted capabilities',
      detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
      locations: ['/spec/containers/0/securityContext/capabilities/drop'],
      fix: {
        kind: 'safe',
        description: 'Add ALL to securityContext.capabilities.drop.',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/capabilities/drop/-',
            value: 'ALL',
            ifMissing: true,
          },
        ],
      },
    },
    {
      name: 'every container drops ALL, one adds CHOWN beside NET_BIND_SERVICE: only the unsafe fix',
      pod: {
        containers: [dropping('a', ['NET_BIND_SERVICE']), dropping('b', ['NET_BIND_SERVICE', 'CHOWN'])],
      },
      reason: 'unrestricted capabilities',
      detail: 'container "b" must not include "CHOWN" in securityContext.capabilities.add',
      locations: [{ path: '/spec/containers/1/securityContext/capabilities/add/1', container: 'b' }],
      fix: {
        kind: 'unsafe',
        description: 'Remove the added capabilities other than NET_BIND_SERVICE.',
        patch: [{ op: 'remove', path: '/spec/containers/1/securityContext/capabilities/add/1' }],
      },
    },
    {
      name: 'windows pods are checked before v1.25, without a fix',
      pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
      version: 'v1.24',
      reason: 'unrestricted capabilities',
      detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
      fix: null,
    },
  ],
});

describe('capabilities_restricted: which fix, and why not the other (unfixable)', () => {
  const verdict = (pod: unknown, version?: string) => {
    const result = runRule(capabilities_restricted, pod, version);
    if (result.allowed) throw new Error('expected a finding');
    return { fix: result.fix?.kind, unfixable: result.unfixable };
  };

  it('only ALL missing from drop: the safe fix, nothing unfixable', () => {
    expect(verdict({ containers: [{ name: 'a' }, dropping('b', ['NET_BIND_SERVICE'])] })).toEqual({
      fix: 'safe',
      unfixable: undefined,
    });
  });

  it('only forbidden adds: the unsafe fix, nothing unfixable', () => {
    expect(verdict({ containers: [dropping('a', ['CHOWN'])] })).toEqual({
      fix: 'unsafe',
      unfixable: undefined,
    });
  });

  it('both: the safe fix, and the forbidden adds it leaves', () => {
    expect(verdict(multiple)).toEqual({
      fix: 'safe',
      unfixable:
        'removing "BAR", "BAZ", "CHOWN", "FOO" from securityContext.capabilities.add is an unsafe fix',
    });
  });

  it('a Windows pod before v1.25: no fix, and why', () => {
    expect(verdict({ os: { name: 'windows' }, containers: [dropping('a', ['CHOWN'])] }, 'v1.24')).toEqual({
      fix: undefined,
      unfixable: 'Windows pods cannot set capabilities (a Linux-only field)',
    });
  });
});
