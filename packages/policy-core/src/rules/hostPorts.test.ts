import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { hostPorts } from './hostPorts.js';

new RuleTester({ describe, it }).run(hostPorts, {
  valid: [
    { name: 'no ports', pod: { containers: [{ name: 'a' }] } },
    {
      name: 'container ports and hostPort 0',
      pod: {
        containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }] }],
      },
    },
  ],
  invalid: [
    {
      name: 'upstream: one container, one host port',
      pod: {
        containers: [
          { name: 'a', ports: [{ hostPort: 0 }] },
          { name: 'b', ports: [{ hostPort: 0 }, { hostPort: 20 }] },
        ],
      },
      reason: 'hostPort',
      detail: 'container "b" uses hostPort 20',
      locations: [{ path: '/spec/containers/1/ports/1/hostPort', container: 'b' }],
      fix: null,
    },
    {
      name: 'upstream: multiple containers, multiple host port',
      pod: {
        containers: [
          { name: 'a', ports: [{ hostPort: 0 }] },
          { name: 'b', ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 20 }] },
          { name: 'c', ports: [{ hostPort: 0 }, { hostPort: 10 }, { hostPort: 30 }] },
        ],
      },
      reason: 'hostPort',
      detail: 'containers "b", "c" use hostPorts 10, 20, 30',
    },
    {
      name: 'ports sort as strings, as upstream sets.String does',
      pod: { initContainers: [{ name: 'i', ports: [{ hostPort: 9 }, { hostPort: 10 }, { hostPort: 9 }] }] },
      reason: 'hostPort',
      detail: 'container "i" uses hostPorts 10, 9',
    },
  ],
});
