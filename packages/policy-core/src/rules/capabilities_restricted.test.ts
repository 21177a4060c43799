import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
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
      name: 'windows pods are checked before v1.25, without a fix',
      pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
      version: 'v1.24',
      reason: 'unrestricted capabilities',
      detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
      fix: null,
    },
  ],
});
