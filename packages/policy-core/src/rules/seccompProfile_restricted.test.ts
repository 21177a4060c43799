import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { seccompProfile_restricted } from './seccompProfile_restricted.js';

const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };
const badContainers = [
  { name: 'a' },
  { name: 'b', securityContext: {} },
  { name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } },
  { name: 'd', securityContext: { seccompProfile: { type: 'Unconfined' } } },
  { name: 'e', securityContext: { seccompProfile: RUNTIME_DEFAULT } },
  { name: 'f', securityContext: { seccompProfile: RUNTIME_DEFAULT } },
];
const fallthrough = {
  containers: [
    { name: 'a' },
    { name: 'b', securityContext: {} },
    { name: 'd', securityContext: { seccompProfile: RUNTIME_DEFAULT } },
    { name: 'e', securityContext: { seccompProfile: RUNTIME_DEFAULT } },
  ],
};

new RuleTester({ describe, it }).run(seccompProfile_restricted, {
  valid: [
    {
      name: 'pod-level RuntimeDefault',
      pod: { securityContext: { seccompProfile: RUNTIME_DEFAULT }, containers: [{ name: 'a' }] },
    },
    {
      name: 'every container Localhost',
      pod: {
        containers: [
          {
            name: 'a',
            securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
          },
        ],
      },
    },
    {
      name: 'upstream 1.25: no explicit seccomp, windows Pod',
      pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
      version: 'v1.25',
    },
    { name: 'not checked before v1.19', pod: { containers: [{ name: 'a' }] }, version: 'v1.18' },
  ],
  invalid: [
    {
      name: 'upstream: no explicit seccomp',
      pod: { containers: [{ name: 'a' }] },
      version: 'v1.19',
      reason: 'seccompProfile',
      detail:
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      locations: [{ path: '/spec/containers/0', container: 'a' }],
      fix: {
        kind: 'safe',
        description:
          'Set the pod-level seccompProfile (RuntimeDefault, or the Localhost profile its annotation names).',
        patch: [
          {
            op: 'add',
            path: '/spec/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/securityContext/seccompProfile',
            value: {
              type: 'RuntimeDefault',
            },
          },
        ],
      },
    },
    {
      name: 'upstream 1.25: no explicit seccomp, linux pod',
      pod: { os: { name: 'linux' }, containers: [{ name: 'a' }] },
      reason: 'seccompProfile',
      detail:
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
    {
      name: 'upstream: pod seccomp invalid',
      pod: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a' }] },
      reason: 'seccompProfile',
      detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
      locations: ['/spec/securityContext/seccompProfile/type'],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default seccomp profile instead of the forbidden ones.',
        patch: [
          {
            op: 'replace',
            path: '/spec/securityContext/seccompProfile',
            value: {
              type: 'RuntimeDefault',
            },
          },
        ],
      },
    },
    {
      name: 'upstream: containers seccomp invalid',
      pod: { securityContext: { seccompProfile: RUNTIME_DEFAULT }, containers: badContainers },
      version: 'v1.19',
      reason: 'seccompProfile',
      detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
      locations: [
        { path: '/spec/containers/2/securityContext/seccompProfile/type', container: 'c' },
        { path: '/spec/containers/3/securityContext/seccompProfile/type', container: 'd' },
      ],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default seccomp profile instead of the forbidden ones.',
        patch: [
          {
            op: 'replace',
            path: '/spec/containers/2/securityContext/seccompProfile',
            value: {
              type: 'RuntimeDefault',
            },
          },
          {
            op: 'replace',
            path: '/spec/containers/3/securityContext/seccompProfile',
            value: {
              type: 'RuntimeDefault',
            },
          },
        ],
      },
    },
    {
      name: 'upstream: pod nil, container fallthrough',
      pod: fallthrough,
      version: 'v1.19',
      reason: 'seccompProfile',
      detail:
        'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      locations: [
        { path: '/spec/containers/0', container: 'a' },
        { path: '/spec/containers/1/securityContext', container: 'b' },
      ],
    },
    {
      name: 'upstream 1.25: pod nil, container fallthrough',
      pod: fallthrough,
      reason: 'seccompProfile',
      detail:
        'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
    {
      name: 'explicit bad values are reported before missing ones; the fix covers both',
      pod: {
        containers: [
          { name: 'a' },
          { name: 'u', securityContext: { seccompProfile: { type: 'Unconfined' } } },
        ],
      },
      reason: 'seccompProfile',
      detail: 'container "u" must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'safe',
        description:
          'Set the pod-level seccompProfile (RuntimeDefault, or the Localhost profile its annotation names).',
        patch: [
          {
            op: 'add',
            path: '/spec/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/securityContext/seccompProfile',
            value: {
              type: 'RuntimeDefault',
            },
          },
        ],
      },
    },
    {
      name: 'windows pods are checked before v1.25, without a fix',
      pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
      version: 'v1.24',
      reason: 'seccompProfile',
      detail:
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      fix: null,
    },
    {
      name: 'a disagreeing pod annotation is set to runtime/default with the field',
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          annotations: {
            'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
            'container.seccomp.security.alpha.kubernetes.io/c': 'unconfined',
            'container.seccomp.security.alpha.kubernetes.io/a': 'localhost/x.json',
          },
        },
        spec: {
          securityContext: { seccompProfile: { type: 'Unconfined' } },
          containers: [
            { name: 'a' },
            { name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } },
          ],
        },
      },
      reason: 'seccompProfile',
      detail: 'pod and container "c" must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'safe',
        description:
          'Set the pod-level seccompProfile (RuntimeDefault, or the Localhost profile its annotation names).',
        patch: [
          {
            op: 'add',
            path: '/spec/containers/0/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/containers/0/securityContext/seccompProfile',
            value: {
              type: 'Localhost',
              localhostProfile: 'x.json',
            },
          },
        ],
      },
    },
  ],
});
