import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { seccompProfile_baseline } from './seccompProfile_baseline.js';

const annotated = (annotations: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', annotations },
  spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
});
const badContainers = [
  { name: 'a' },
  { name: 'b', securityContext: {} },
  { name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } },
  { name: 'd', securityContext: { seccompProfile: { type: 'Unconfined' } } },
  { name: 'e', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
  { name: 'f', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
];

new RuleTester({ describe, it }).run(seccompProfile_baseline, {
  valid: [
    { name: 'unset', pod: { containers: [{ name: 'a' }] } },
    {
      name: 'v1.0: allowed annotation values; other containers are not looked at',
      pod: annotated({
        'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
        'container.seccomp.security.alpha.kubernetes.io/a': 'docker/default',
        'container.seccomp.security.alpha.kubernetes.io/b': 'localhost/profile.json',
        'container.seccomp.security.alpha.kubernetes.io/zzz': 'unconfined',
      }),
      version: 'v1.0',
    },
    {
      name: 'v1.19: annotations are no longer checked',
      pod: annotated({ 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }),
      version: 'v1.19',
    },
    {
      name: 'v1.19: allowed profiles (RuntimeDefault, Localhost) and unset ones',
      pod: {
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          { name: 'a' },
          {
            name: 'b',
            securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
          },
          { name: 'c', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
        ],
      },
    },
    {
      name: 'v1.19: a pod-level Localhost profile',
      pod: {
        securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
        containers: [{ name: 'a' }],
      },
    },
    {
      name: 'v1.18: fields are not checked yet',
      pod: { securityContext: { seccompProfile: { type: 'Unconfined' } } },
      version: 'v1.18',
    },
  ],
  invalid: [
    {
      name: 'upstream 1.0: pod seccomp invalid',
      pod: annotated({ 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }),
      version: 'v1.0',
      reason: 'seccompProfile',
      detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      locations: ['/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod'],
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default seccomp profile instead of the forbidden ones.',
        patch: [
          {
            op: 'replace',
            path: '/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod',
            value: 'runtime/default',
          },
        ],
      },
    },
    {
      name: 'upstream 1.0: containers seccomp invalid',
      pod: annotated({
        'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/b': 'unknown',
      }),
      version: 'v1.18',
      reason: 'seccompProfile',
      detail:
        'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown"',
    },
    {
      name: 'upstream 1.0: pod and containers seccomp invalid',
      pod: annotated({
        'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/b': 'unknown',
      }),
      version: 'v1.0',
      reason: 'seccompProfile',
      detail:
        'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
    },
    {
      name: 'v1.0: a field that disagrees with a rewritten annotation is rewritten too',
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          annotations: {
            'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
            'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined',
          },
        },
        spec: {
          securityContext: { seccompProfile: { type: 'Unconfined' } },
          containers: [
            { name: 'a', securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
            { name: 'b', securityContext: { seccompProfile: { type: 'Unconfined' } } },
          ],
        },
      },
      version: 'v1.0',
      reason: 'seccompProfile',
      detail:
        'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default seccomp profile instead of the forbidden ones.',
        patch: [
          {
            op: 'replace',
            path: '/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod',
            value: 'runtime/default',
          },
          {
            op: 'replace',
            path: '/metadata/annotations/container.seccomp.security.alpha.kubernetes.io~1a',
            value: 'runtime/default',
          },
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
      name: 'v1.0: values are quoted like Go %q',
      pod: annotated({ 'seccomp.security.alpha.kubernetes.io/pod': 'a"b\n' }),
      version: 'v1.0',
      reason: 'seccompProfile',
      detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="a\\"b\\n"',
    },
    {
      name: "v1.0: an annotation without a value (YAML `key:`) is Go's empty string",
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': null } },
        spec: { containers: [{ name: 'a' }] },
      },
      version: 'v1.0',
      reason: 'seccompProfile',
      detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod=""',
    },
    {
      name: 'upstream 1.19: pod seccomp invalid',
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
      name: 'upstream 1.19: containers seccomp invalid',
      pod: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: badContainers },
      version: 'v1.19',
      reason: 'seccompProfile',
      detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
      locations: [
        { path: '/spec/containers/2/securityContext/seccompProfile/type', container: 'c' },
        { path: '/spec/containers/3/securityContext/seccompProfile/type', container: 'd' },
      ],
    },
    {
      name: 'upstream 1.19: pod and containers seccomp invalid',
      pod: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: badContainers },
      reason: 'seccompProfile',
      detail: 'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    {
      name: 'v1.19: a seccompProfile without a type sets it to ""',
      pod: {
        securityContext: { seccompProfile: {} },
        containers: [{ name: 'a', securityContext: { seccompProfile: {} } }],
      },
      reason: 'seccompProfile',
      detail: 'pod and container "a" must not set securityContext.seccompProfile.type to ""',
    },
    {
      name: 'Windows pod: no fix',
      pod: { os: { name: 'windows' }, securityContext: { seccompProfile: { type: 'Unconfined' } } },
      reason: 'seccompProfile',
      detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: null,
    },
    {
      name: 'v1.19 fix: a disagreeing container annotation follows the field',
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'p',
          annotations: { 'container.seccomp.security.alpha.kubernetes.io/c': 'unconfined' },
        },
        spec: { containers: [{ name: 'c', securityContext: { seccompProfile: { type: 'Unconfined' } } }] },
      },
      reason: 'seccompProfile',
      detail: 'container "c" must not set securityContext.seccompProfile.type to "Unconfined"',
      fix: {
        kind: 'unsafe',
        description: 'Use the runtime default seccomp profile instead of the forbidden ones.',
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
  ],
});
