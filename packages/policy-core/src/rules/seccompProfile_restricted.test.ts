import { describe, expect, it } from 'vitest';
import { RuleTester, runRule } from '../testing/index.js';
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
const annotatedPod = (annotations: Record<string, string>, spec: unknown) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', annotations },
  spec,
});
const SAFE_DESCRIPTION =
  'Set the pod-level seccompProfile (RuntimeDefault, or the Localhost profile its annotation names).';
const UNSAFE_DESCRIPTION = 'Use the runtime default seccomp profile instead of the forbidden ones.';
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
    {
      name: 'pod-level Localhost, containers RuntimeDefault or unset',
      pod: {
        securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
        containers: [{ name: 'a' }, { name: 'b', securityContext: { seccompProfile: RUNTIME_DEFAULT } }],
      },
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
    {
      name: 'a seccompProfile without a type sets it to ""',
      pod: {
        securityContext: { seccompProfile: {} },
        containers: [{ name: 'a', securityContext: { seccompProfile: {} } }],
      },
      reason: 'seccompProfile',
      detail: 'pod and container "a" must not set securityContext.seccompProfile.type to ""',
    },
    {
      name: 'a pod annotation localhost/ without a file names no profile: RuntimeDefault, annotation rewritten',
      pod: annotatedPod(
        { 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/' },
        { containers: [{ name: 'a' }] },
      ),
      reason: 'seccompProfile',
      detail:
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
      fix: {
        kind: 'unsafe',
        description: UNSAFE_DESCRIPTION,
        patch: [
          { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
          { op: 'add', path: '/spec/securityContext/seccompProfile', value: { type: 'RuntimeDefault' } },
          {
            op: 'replace',
            path: '/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: 'every container sets a profile: the pod-level field and its annotation are left alone',
      pod: annotatedPod(
        { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' },
        { containers: [{ name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } }] },
      ),
      reason: 'seccompProfile',
      detail: 'container "c" must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'unsafe',
        description: UNSAFE_DESCRIPTION,
        patch: [
          {
            op: 'replace',
            path: '/spec/containers/0/securityContext/seccompProfile',
            value: { type: 'RuntimeDefault' },
          },
        ],
      },
    },
    {
      name: "a disagreeing container annotation follows its container's replaced profile",
      pod: annotatedPod(
        { 'container.seccomp.security.alpha.kubernetes.io/c': 'unconfined' },
        {
          securityContext: { seccompProfile: RUNTIME_DEFAULT },
          containers: [{ name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
        },
      ),
      reason: 'seccompProfile',
      detail: 'container "c" must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'unsafe',
        description: UNSAFE_DESCRIPTION,
        patch: [
          {
            op: 'replace',
            path: '/spec/containers/0/securityContext/seccompProfile',
            value: { type: 'RuntimeDefault' },
          },
          {
            op: 'replace',
            path: '/metadata/annotations/container.seccomp.security.alpha.kubernetes.io~1c',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: 'a forbidden pod profile is replaced, not set again for the containers that leave theirs unset',
      pod: annotatedPod(
        { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' },
        { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a' }] },
      ),
      reason: 'seccompProfile',
      detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'unsafe',
        description: UNSAFE_DESCRIPTION,
        patch: [
          { op: 'replace', path: '/spec/securityContext/seccompProfile', value: { type: 'RuntimeDefault' } },
          {
            op: 'replace',
            path: '/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: "under a valid pod profile, an unset container's Localhost annotation is no safe fix",
      pod: annotatedPod(
        { 'container.seccomp.security.alpha.kubernetes.io/a': 'localhost/x.json' },
        {
          securityContext: { seccompProfile: RUNTIME_DEFAULT },
          containers: [
            { name: 'a' },
            { name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } },
          ],
        },
      ),
      reason: 'seccompProfile',
      detail: 'container "c" must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'unsafe',
        description: UNSAFE_DESCRIPTION,
        patch: [
          {
            op: 'replace',
            path: '/spec/containers/1/securityContext/seccompProfile',
            value: { type: 'RuntimeDefault' },
          },
        ],
      },
    },
  ],
});

describe('seccompProfile_restricted: which fix, and why not a safe one (unfixable)', () => {
  const verdict = (pod: unknown, version?: string) => {
    const result = runRule(seccompProfile_restricted, pod, version);
    if (result.allowed) throw new Error('expected a finding');
    return {
      fix: result.fix && { kind: result.fix.kind, description: result.fix.description },
      unfixable: result.unfixable,
    };
  };

  it('only profiles to add: the safe fix, nothing unfixable', () => {
    expect(verdict({ containers: [{ name: 'a' }] })).toEqual({
      fix: { kind: 'safe', description: SAFE_DESCRIPTION },
      unfixable: undefined,
    });
  });

  it('only profiles to replace: the unsafe fix, nothing unfixable', () => {
    expect(
      verdict({ containers: [{ name: 'u', securityContext: { seccompProfile: { type: 'Unconfined' } } }] }),
    ).toEqual({ fix: { kind: 'unsafe', description: UNSAFE_DESCRIPTION }, unfixable: undefined });
  });

  it('profiles to add and to replace: the safe fix, and why the rest is not', () => {
    const pod = {
      containers: [{ name: 'a' }, { name: 'u', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
    };
    expect(verdict(pod)).toEqual({
      fix: { kind: 'safe', description: SAFE_DESCRIPTION },
      unfixable: 'replacing a forbidden seccomp profile or annotation the author wrote is an unsafe fix',
    });
  });

  it('Windows pods (checked before v1.25): no fix, and why', () => {
    expect(verdict({ os: { name: 'windows' }, containers: [{ name: 'a' }] }, 'v1.24')).toEqual({
      fix: undefined,
      unfixable: 'Windows pods cannot set seccomp profiles (a Linux-only field)',
    });
  });
});
