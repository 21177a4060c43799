import { describe, expect, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { procMount_restricted } from './procMount_restricted.js';

const containers = [
  { name: 'a' },
  { name: 'b', securityContext: {} },
  { name: 'c', securityContext: { procMount: 'Default' } },
  { name: 'd', securityContext: { procMount: 'Unmasked' } },
  { name: 'e', securityContext: { procMount: 'other' } },
];
const detail = 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"';

describe('procMount_restricted registration', () => {
  it('starts at v1.35 and replaces the baseline procMount check', () => {
    expect(procMount_restricted.versions).toHaveLength(1);
    expect(procMount_restricted.versions[0]?.since).toBe('v1.35');
    expect(procMount_restricted.versions[0]?.overrides).toEqual(['procMount']);
  });
});

new RuleTester({ describe, it }).run(procMount_restricted, {
  valid: [
    { name: 'unset or Default', pod: { hostUsers: false, containers: containers.slice(0, 3) } },
    { name: 'not checked before v1.35', pod: { containers }, version: 'v1.34' },
  ],
  invalid: [
    {
      name: 'upstream: procMount, hostUsers true',
      pod: { hostUsers: true, containers },
      reason: 'procMount',
      detail,
      locations: [
        '/spec/containers/3/securityContext/procMount',
        '/spec/containers/4/securityContext/procMount',
      ],
    },
    {
      name: 'upstream: procMount, hostUsers false (no user-namespace relaxation)',
      pod: { hostUsers: false, containers },
      reason: 'procMount',
      detail,
      fix: {
        kind: 'unsafe',
        description: 'Use the default /proc mount (procMount: Default).',
        patch: [
          { op: 'replace', path: '/spec/containers/3/securityContext/procMount', value: 'Default' },
          { op: 'replace', path: '/spec/containers/4/securityContext/procMount', value: 'Default' },
        ],
      },
    },
  ],
});
