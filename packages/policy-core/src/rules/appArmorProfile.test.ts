import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { appArmorProfile } from './appArmorProfile.js';

const pod = (annotations: Record<string, string | null>, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', annotations },
  spec: { containers: [{ name: 'test' }], ...spec },
});

new RuleTester({ describe, it }).run(appArmorProfile, {
  valid: [
    {
      name: 'upstream: container with default AppArmor + extra annotations',
      pod: pod({ 'container.apparmor.security.beta.kubernetes.io/test': 'runtime/default', env: 'prod' }),
    },
    {
      name: 'upstream: container with local AppArmor + extra annotations',
      pod: pod({
        'container.apparmor.security.beta.kubernetes.io/test': 'localhost/sec-profile01',
        env: 'dev',
      }),
    },
    { name: 'upstream: container with no AppArmor annotations', pod: pod({ env: 'dev' }) },
    {
      name: 'an AppArmor annotation without a value is empty, which is allowed',
      pod: pod({ 'container.apparmor.security.beta.kubernetes.io/test': null }),
    },
    { name: 'upstream: container with no annotations', pod: { containers: [{ name: 'a' }] } },
    {
      name: 'upstream: pod with runtime default',
      pod: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } },
    },
    {
      name: 'upstream: container with localhost profile',
      pod: {
        containers: [
          { name: 'foo', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'upstream: unconfined pod',
      pod: { securityContext: { appArmorProfile: { type: 'Unconfined' } } },
      reason: 'forbidden AppArmor profile',
      detail: 'pod must not set AppArmor profile type to "Unconfined"',
      locations: ['/spec/securityContext/appArmorProfile/type'],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default AppArmor profile instead of the forbidden ones.',
        patch: [
          {
            op: 'replace',
            path: '/spec/securityContext/appArmorProfile',
            value: {
              type: 'RuntimeDefault',
            },
          },
        ],
      },
    },
    {
      name: 'upstream: unconfined container',
      pod: {
        securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'foo', securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
      },
      reason: 'forbidden AppArmor profile',
      detail: 'container "foo" must not set AppArmor profile type to "Unconfined"',
    },
    {
      name: 'upstream: unconfined init container',
      pod: {
        securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'foo' }],
        initContainers: [{ name: 'bar', securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
      },
      reason: 'forbidden AppArmor profile',
      detail: 'container "bar" must not set AppArmor profile type to "Unconfined"',
      locations: [{ path: '/spec/initContainers/0/securityContext/appArmorProfile/type', container: 'bar' }],
    },
    {
      name: 'upstream: multiple containers (annotations)',
      pod: pod({
        'container.apparmor.security.beta.kubernetes.io/': 'bogus',
        'container.apparmor.security.beta.kubernetes.io/a': '',
        'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default',
        'container.apparmor.security.beta.kubernetes.io/c': 'localhost/',
        'container.apparmor.security.beta.kubernetes.io/d': 'localhost/foo',
        'container.apparmor.security.beta.kubernetes.io/e': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/f': 'unknown',
      }),
      reason: 'forbidden AppArmor profiles',
      detail:
        'annotations must not set AppArmor profile type to ' +
        '"container.apparmor.security.beta.kubernetes.io/="bogus"", ' +
        '"container.apparmor.security.beta.kubernetes.io/e="unconfined"", ' +
        '"container.apparmor.security.beta.kubernetes.io/f="unknown""',
    },
    {
      name: 'pod, containers and an annotation; a profile without type is ""',
      pod: pod(
        { 'container.apparmor.security.beta.kubernetes.io/test': 'unconfined' },
        {
          securityContext: { appArmorProfile: {} },
          containers: [
            { name: 'test', securityContext: { appArmorProfile: { type: 'Unconfined' } } },
            { name: 'other', securityContext: { appArmorProfile: { type: 'Unconfined' } } },
          ],
        },
      ),
      reason: 'forbidden AppArmor profiles',
      detail:
        'pod and containers "test", "other" and annotation must not set AppArmor profile type to ' +
        '"", "Unconfined", "container.apparmor.security.beta.kubernetes.io/test="unconfined""',
      locations: [
        '/spec/securityContext/appArmorProfile',
        '/spec/containers/0/securityContext/appArmorProfile/type',
        '/spec/containers/1/securityContext/appArmorProfile/type',
        '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1test',
      ],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default AppArmor profile instead of the forbidden ones.',
        patch: [
          { op: 'replace', path: '/spec/securityContext/appArmorProfile', value: { type: 'RuntimeDefault' } },
          {
            op: 'replace',
            path: '/spec/containers/0/securityContext/appArmorProfile',
            value: { type: 'RuntimeDefault' },
          },
          {
            op: 'replace',
            path: '/spec/containers/1/securityContext/appArmorProfile',
            value: { type: 'RuntimeDefault' },
          },
          {
            op: 'replace',
            path: '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1test',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: 'an annotation alone',
      pod: pod({ 'container.apparmor.security.beta.kubernetes.io/test': 'unconfined', env: 'dev' }),
      reason: 'forbidden AppArmor profile',
      detail:
        'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/test="unconfined""',
      locations: ['/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1test'],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default AppArmor profile instead of the forbidden ones.',
        patch: [
          {
            op: 'replace',
            path: '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1test',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: 'a container profile without type is ""',
      pod: { containers: [{ name: 'a', securityContext: { appArmorProfile: {} } }] },
      reason: 'forbidden AppArmor profile',
      detail: 'container "a" must not set AppArmor profile type to ""',
      locations: [{ path: '/spec/containers/0/securityContext/appArmorProfile', container: 'a' }],
    },
    {
      name: 'a fixed pod profile aligns the annotations of the containers it governs, where they differ',
      pod: pod(
        {
          'container.apparmor.security.beta.kubernetes.io/same': 'runtime/default',
          'container.apparmor.security.beta.kubernetes.io/own': 'localhost/foo',
          'container.apparmor.security.beta.kubernetes.io/local': 'localhost/bar',
          'container.apparmor.security.beta.kubernetes.io/empty': null,
        },
        {
          securityContext: { appArmorProfile: { type: 'Unconfined' } },
          containers: [
            { name: 'same' },
            { name: 'none' },
            {
              name: 'own',
              securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'foo' } },
            },
            { name: 'local' },
            { name: 'empty', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } },
          ],
        },
      ),
      reason: 'forbidden AppArmor profile',
      detail: 'pod must not set AppArmor profile type to "Unconfined"',
      locations: ['/spec/securityContext/appArmorProfile/type'],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default AppArmor profile instead of the forbidden ones.',
        patch: [
          { op: 'replace', path: '/spec/securityContext/appArmorProfile', value: { type: 'RuntimeDefault' } },
          {
            op: 'replace',
            path: '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1local',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: 'Windows pod: no fix',
      pod: { os: { name: 'windows' }, securityContext: { appArmorProfile: { type: 'Unconfined' } } },
      reason: 'forbidden AppArmor profile',
      detail: 'pod must not set AppArmor profile type to "Unconfined"',
      fix: null,
    },
  ],
});
