import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { windowsHostProcess } from './windowsHostProcess.js';

const containers = [
  { name: 'a' },
  { name: 'b', securityContext: {} },
  { name: 'c', securityContext: { windowsOptions: {} } },
  { name: 'd', securityContext: { windowsOptions: { hostProcess: false } } },
  { name: 'e', securityContext: { windowsOptions: { hostProcess: true } } },
  { name: 'f', securityContext: { windowsOptions: { hostProcess: true } } },
];

new RuleTester({ describe, it }).run(windowsHostProcess, {
  valid: [
    {
      name: 'unset or false',
      pod: { securityContext: { windowsOptions: {} }, containers: containers.slice(0, 4) },
    },
  ],
  invalid: [
    {
      name: 'upstream: host process',
      pod: { securityContext: { windowsOptions: { hostProcess: true } }, containers },
      reason: 'hostProcess',
      detail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true',
      locations: [
        { path: '/spec/securityContext/windowsOptions/hostProcess' },
        { path: '/spec/containers/4/securityContext/windowsOptions/hostProcess', container: 'e' },
        { path: '/spec/containers/5/securityContext/windowsOptions/hostProcess', container: 'f' },
      ],
      fix: null,
    },
    {
      name: 'the pod alone',
      pod: { securityContext: { windowsOptions: { hostProcess: true } }, containers: containers.slice(0, 4) },
      reason: 'hostProcess',
      detail: 'pod must not set securityContext.windowsOptions.hostProcess=true',
      locations: [{ path: '/spec/securityContext/windowsOptions/hostProcess' }],
    },
    {
      name: 'one container',
      pod: { os: { name: 'windows' }, containers: containers.slice(4, 5) },
      reason: 'hostProcess',
      detail: 'container "e" must not set securityContext.windowsOptions.hostProcess=true',
    },
  ],
});
