import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { seLinuxOptions } from './seLinuxOptions.js';

const allowedContainers = [
  { name: 'a', securityContext: { seLinuxOptions: { type: 'container_t' } } },
  { name: 'b', securityContext: { seLinuxOptions: { type: 'container_init_t' } } },
  { name: 'c', securityContext: { seLinuxOptions: { type: 'container_kvm_t' } } },
  { name: 'd', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } },
];
const badContainers = [
  { name: 'e', securityContext: { seLinuxOptions: { type: 'bar' } } },
  { name: 'f', securityContext: { seLinuxOptions: { user: 'bar' } } },
  { name: 'g', securityContext: { seLinuxOptions: { role: 'baz' } } },
];
const badPod = { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } };
const engineType = {
  containers: [{ name: 'd', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }],
};

new RuleTester({ describe, it }).run(seLinuxOptions, {
  valid: [
    {
      name: 'allowed types',
      pod: { securityContext: { seLinuxOptions: {} }, containers: allowedContainers },
    },
    { name: 'level may be set', pod: { securityContext: { seLinuxOptions: { level: 's0:c123,c456' } } } },
    { name: 'container_engine_t from v1.31', pod: engineType, version: 'v1.31' },
  ],
  invalid: [
    {
      name: 'upstream: invalid pod and containers',
      pod: { securityContext: badPod, containers: [...allowedContainers, ...badContainers] },
      reason: 'seLinuxOptions',
      detail:
        'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
      locations: [
        '/spec/securityContext/seLinuxOptions/type',
        '/spec/securityContext/seLinuxOptions/user',
        '/spec/securityContext/seLinuxOptions/role',
        '/spec/containers/4/securityContext/seLinuxOptions/type',
        '/spec/containers/5/securityContext/seLinuxOptions/user',
        '/spec/containers/6/securityContext/seLinuxOptions/role',
      ],
      fix: null,
    },
    {
      name: 'upstream: invalid pod',
      pod: { securityContext: badPod, containers: allowedContainers },
      reason: 'seLinuxOptions',
      detail:
        'pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set',
    },
    {
      name: 'upstream: invalid containers',
      pod: { securityContext: { seLinuxOptions: {} }, containers: [...allowedContainers, ...badContainers] },
      reason: 'seLinuxOptions',
      detail:
        'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
    },
    {
      name: 'upstream: bad type',
      pod: { securityContext: { seLinuxOptions: { type: 'bad' } } },
      reason: 'seLinuxOptions',
      detail: 'pod set forbidden securityContext.seLinuxOptions: type "bad"',
    },
    {
      name: 'upstream: bad user',
      pod: { securityContext: { seLinuxOptions: { user: 'bad' } } },
      reason: 'seLinuxOptions',
      detail: 'pod set forbidden securityContext.seLinuxOptions: user may not be set',
    },
    {
      name: 'upstream: bad role',
      pod: { securityContext: { seLinuxOptions: { role: 'bad' } } },
      reason: 'seLinuxOptions',
      detail: 'pod set forbidden securityContext.seLinuxOptions: role may not be set',
    },
    {
      name: 'container_engine_t before v1.31',
      pod: engineType,
      version: 'v1.30',
      reason: 'seLinuxOptions',
      detail: 'container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t"',
      locations: [{ path: '/spec/containers/0/securityContext/seLinuxOptions/type', container: 'd' }],
    },
  ],
});
