import { describe, it } from 'vitest';
import type { Fix } from '../model/types.js';
import { RuleTester } from '../testing/index.js';
import { procMount } from './procMount.js';

const containers = [
  { name: 'a' },
  { name: 'b', securityContext: {} },
  { name: 'c', securityContext: { procMount: 'Default' } },
  { name: 'd', securityContext: { procMount: 'Unmasked' } },
  { name: 'e', securityContext: { procMount: 'other' } },
];
const fix: Fix = {
  kind: 'unsafe',
  description: 'Use the default /proc mount (procMount: Default).',
  patch: [
    { op: 'replace', path: '/spec/containers/3/securityContext/procMount', value: 'Default' },
    { op: 'replace', path: '/spec/containers/4/securityContext/procMount', value: 'Default' },
  ],
};

new RuleTester({ describe, it }).run(procMount, {
  valid: [
    { name: 'unset or Default', pod: { containers: containers.slice(0, 3) } },
    {
      name: 'upstream: procMount with userns (v1.35)',
      pod: { hostUsers: false, containers },
      version: 'v1.35',
    },
  ],
  invalid: [
    {
      name: 'upstream: procMount (v1.35, hostUsers true)',
      pod: { hostUsers: true, containers },
      version: 'v1.35',
      reason: 'procMount',
      detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"',
      locations: [
        { path: '/spec/containers/3/securityContext/procMount', container: 'd' },
        { path: '/spec/containers/4/securityContext/procMount', container: 'e' },
      ],
      fix,
    },
    {
      name: 'hostUsers false is not relaxed before v1.35',
      pod: { hostUsers: false, containers },
      version: 'v1.34',
      reason: 'procMount',
      detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"',
      fix,
    },
    {
      name: 'Windows pod: no fix',
      pod: {
        os: { name: 'windows' },
        containers: [{ name: 'w', securityContext: { procMount: 'Unmasked' } }],
      },
      reason: 'procMount',
      detail: 'container "w" must not set securityContext.procMount to "Unmasked"',
      fix: null,
    },
  ],
});
