import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { runAsUser } from './runAsUser.js';

const rootPod = { securityContext: { runAsUser: 0 }, containers: [{ name: 'a' }] };

new RuleTester({ describe, it }).run(runAsUser, {
  valid: [
    {
      name: 'upstream: pod runAsUser=non-zero',
      pod: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'a' }] },
    },
    {
      name: 'upstream: pod runAsUser=nil',
      pod: { securityContext: { runAsUser: null }, containers: [{ name: 'a' }] },
    },
    {
      name: 'upstream: containers runAsUser=non-zero',
      pod: {
        containers: [1, 2, 3, 4].map((uid, index) => ({
          name: String.fromCharCode(99 + index),
          securityContext: { runAsUser: uid },
        })),
      },
    },
    { name: 'upstream: host users false allowed', pod: { hostUsers: false } },
    {
      name: 'hostUsers false relaxes root from v1.35',
      pod: { ...rootPod, hostUsers: false },
      version: 'v1.35',
    },
    { name: 'not checked before v1.23', pod: rootPod, version: 'v1.22' },
  ],
  invalid: [
    {
      name: 'upstream: pod runAsUser=0',
      pod: rootPod,
      reason: 'runAsUser=0',
      detail: 'pod must not set runAsUser=0',
      locations: ['/spec/securityContext/runAsUser'],
      fix: null,
    },
    {
      name: 'upstream: containers runAsUser=0',
      pod: {
        securityContext: { runAsUser: 1000 },
        containers: [
          { name: 'a' },
          { name: 'b', securityContext: {} },
          { name: 'c', securityContext: { runAsUser: 0 } },
          { name: 'd', securityContext: { runAsUser: 0 } },
          { name: 'e', securityContext: { runAsUser: 1 } },
          { name: 'f', securityContext: { runAsUser: 1 } },
        ],
      },
      reason: 'runAsUser=0',
      detail: 'containers "c", "d" must not set runAsUser=0',
      locations: [
        { path: '/spec/containers/2/securityContext/runAsUser', container: 'c' },
        { path: '/spec/containers/3/securityContext/runAsUser', container: 'd' },
      ],
    },
    {
      name: 'pod and ephemeral container',
      pod: { ...rootPod, ephemeralContainers: [{ name: 'debug', securityContext: { runAsUser: 0 } }] },
      version: 'v1.23',
      reason: 'runAsUser=0',
      detail: 'pod and container "debug" must not set runAsUser=0',
    },
    {
      name: 'pod and container',
      pod: { ...rootPod, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }] },
      reason: 'runAsUser=0',
      detail: 'pod and container "a" must not set runAsUser=0',
    },
    {
      name: 'hostUsers false is not relaxed before v1.35',
      pod: { ...rootPod, hostUsers: false },
      version: 'v1.34',
      reason: 'runAsUser=0',
      detail: 'pod must not set runAsUser=0',
    },
  ],
});
