import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { readOnlyRootFilesystem } from './readOnlyRootFilesystem.js';

const description =
  'Set securityContext.readOnlyRootFilesystem=true on each container; mount an emptyDir where the application writes.';

new RuleTester({ describe, it }).run(readOnlyRootFilesystem, {
  valid: [
    {
      name: 'every container read-only',
      pod: { containers: [{ name: 'a', securityContext: { readOnlyRootFilesystem: true } }] },
    },
    { name: 'windows pods are exempt', pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] } },
  ],
  invalid: [
    {
      name: 'unset, false and missing securityContext, in every container group',
      pod: {
        initContainers: [{ name: 'i' }],
        containers: [
          { name: 'a', securityContext: { readOnlyRootFilesystem: false } },
          { name: 'b', securityContext: { readOnlyRootFilesystem: true } },
          { name: 'c', securityContext: {} },
        ],
        ephemeralContainers: [{ name: 'e', securityContext: { readOnlyRootFilesystem: null } }],
      },
      reason: 'readOnlyRootFilesystem != true',
      detail: 'containers "i", "a", "c", "e" must set securityContext.readOnlyRootFilesystem=true',
      locations: [
        { path: '/spec/initContainers/0', container: 'i' },
        { path: '/spec/containers/0/securityContext/readOnlyRootFilesystem', container: 'a' },
        { path: '/spec/containers/2/securityContext', container: 'c' },
        { path: '/spec/ephemeralContainers/0/securityContext', container: 'e' },
      ],
      fix: {
        kind: 'safe',
        description,
        patch: [
          {
            op: 'add',
            path: '/spec/initContainers/0/securityContext',
            value: { readOnlyRootFilesystem: true },
          },
          { op: 'replace', path: '/spec/containers/0/securityContext/readOnlyRootFilesystem', value: true },
          { op: 'add', path: '/spec/containers/2/securityContext/readOnlyRootFilesystem', value: true },
          {
            op: 'replace',
            path: '/spec/ephemeralContainers/0/securityContext/readOnlyRootFilesystem',
            value: true,
          },
        ],
      },
    },
  ],
});
