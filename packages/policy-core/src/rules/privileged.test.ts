import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { privileged } from './privileged.js';

new RuleTester({ describe, it }).run(privileged, {
  valid: [
    { name: 'no security context', pod: { containers: [{ name: 'a' }] } },
    {
      name: 'privileged false or unset',
      pod: {
        containers: [
          { name: 'a', securityContext: {} },
          { name: 'b', securityContext: { privileged: false } },
          { name: 'c', securityContext: { privileged: null } },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'upstream: privileged',
      pod: {
        containers: [
          { name: 'a' },
          { name: 'b', securityContext: {} },
          { name: 'c', securityContext: { privileged: false } },
          { name: 'd', securityContext: { privileged: true } },
          { name: 'e', securityContext: { privileged: true } },
        ],
      },
      reason: 'privileged',
      detail: 'containers "d", "e" must not set securityContext.privileged=true',
      locations: [
        { path: '/spec/containers/3/securityContext/privileged', container: 'd' },
        { path: '/spec/containers/4/securityContext/privileged', container: 'e' },
      ],
      fix: null,
    },
    {
      name: 'init, regular and ephemeral containers in visiting order',
      pod: {
        ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }],
        containers: [{ name: 'app', securityContext: { privileged: true } }],
        initContainers: [{ name: 'init', securityContext: { privileged: true } }],
      },
      version: 'v1.0',
      reason: 'privileged',
      detail: 'containers "init", "app", "debug" must not set securityContext.privileged=true',
      locations: [
        '/spec/initContainers/0/securityContext/privileged',
        '/spec/containers/0/securityContext/privileged',
        '/spec/ephemeralContainers/0/securityContext/privileged',
      ],
    },
  ],
});
