import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { capabilities_baseline } from './capabilities_baseline.js';

const adding = (name: string, add: string[], drop?: string[]) => ({
  name,
  securityContext: { capabilities: drop ? { add, drop } : { add } },
});

new RuleTester({ describe, it }).run(capabilities_baseline, {
  valid: [
    {
      name: 'no capabilities',
      pod: { containers: [{ name: 'a' }, { name: 'b', securityContext: { capabilities: {} } }] },
    },
    {
      name: 'the default set',
      pod: {
        containers: [
          adding('a', [
            'AUDIT_WRITE',
            'CHOWN',
            'DAC_OVERRIDE',
            'FOWNER',
            'FSETID',
            'KILL',
            'MKNOD',
            'NET_BIND_SERVICE',
            'SETFCAP',
            'SETGID',
            'SETPCAP',
            'SETUID',
            'SYS_CHROOT',
          ]),
        ],
      },
    },
    { name: 'dropping is not restricted', pod: { containers: [adding('a', [], ['ALL', 'NET_RAW'])] } },
  ],
  invalid: [
    {
      name: 'only the containers that add a non-default capability are named',
      pod: { containers: [adding('a', ['CHOWN']), adding('b', ['NET_RAW', 'KILL']), { name: 'c' }] },
      reason: 'non-default capabilities',
      detail: 'container "b" must not include "NET_RAW" in securityContext.capabilities.add',
      locations: [{ path: '/spec/containers/1/securityContext/capabilities/add/0', container: 'b' }],
      fix: {
        kind: 'unsafe',
        description: 'Remove the capabilities beyond the default set from securityContext.capabilities.add.',
        patch: [{ op: 'remove', path: '/spec/containers/1/securityContext/capabilities/add/0' }],
      },
    },
    {
      name: 'upstream: multiple containers',
      pod: { containers: [adding('a', ['FOO', 'BAR']), adding('b', ['BAR', 'BAZ'])] },
      reason: 'non-default capabilities',
      detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
      locations: [
        { path: '/spec/containers/0/securityContext/capabilities/add/0', container: 'a' },
        { path: '/spec/containers/0/securityContext/capabilities/add/1', container: 'a' },
        { path: '/spec/containers/1/securityContext/capabilities/add/0', container: 'b' },
        { path: '/spec/containers/1/securityContext/capabilities/add/1', container: 'b' },
      ],
      fix: {
        kind: 'unsafe',
        description: 'Remove the capabilities beyond the default set from securityContext.capabilities.add.',
        patch: [
          {
            op: 'remove',
            path: '/spec/containers/0/securityContext/capabilities/add/1',
          },
          {
            op: 'remove',
            path: '/spec/containers/0/securityContext/capabilities/add/0',
          },
          {
            op: 'remove',
            path: '/spec/containers/1/securityContext/capabilities/add/1',
          },
          {
            op: 'remove',
            path: '/spec/containers/1/securityContext/capabilities/add/0',
          },
        ],
      },
    },
    {
      name: 'NET_RAW and SYS_ADMIN next to allowed ones: the allowed ones stay',
      pod: { initContainers: [adding('init', ['CHOWN', 'NET_RAW', 'SYS_ADMIN'])] },
      reason: 'non-default capabilities',
      detail: 'container "init" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
      fix: {
        kind: 'unsafe',
        description: 'Remove the capabilities beyond the default set from securityContext.capabilities.add.',
        patch: [
          {
            op: 'remove',
            path: '/spec/initContainers/0/securityContext/capabilities/add/2',
          },
          {
            op: 'remove',
            path: '/spec/initContainers/0/securityContext/capabilities/add/1',
          },
        ],
      },
    },
  ],
});
