import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { hostNamespaces } from './hostNamespaces.js';

new RuleTester({ describe, it }).run(hostNamespaces, {
  valid: [
    { name: 'unset', pod: { containers: [{ name: 'a' }] } },
    {
      name: 'false',
      pod: { hostNetwork: false, hostPID: false, hostIPC: false, containers: [{ name: 'a' }] },
    },
  ],
  invalid: [
    {
      name: 'upstream: multiple host namespaces',
      pod: { hostNetwork: true, hostIPC: true, hostPID: true },
      reason: 'host namespaces',
      detail: 'hostNetwork=true, hostPID=true, hostIPC=true',
      locations: ['/spec/hostNetwork', '/spec/hostPID', '/spec/hostIPC'],
      fix: null,
    },
    {
      name: 'hostIPC only',
      pod: { hostIPC: true, containers: [{ name: 'a' }] },
      reason: 'host namespaces',
      detail: 'hostIPC=true',
      locations: ['/spec/hostIPC'],
    },
    {
      name: 'hostNetwork only',
      pod: { hostNetwork: true, containers: [{ name: 'a' }] },
      reason: 'host namespaces',
      detail: 'hostNetwork=true',
    },
    {
      name: 'hostPID only, in a Deployment',
      pod: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { template: { spec: { hostPID: true, containers: [{ name: 'a' }] } } },
      },
      reason: 'host namespaces',
      detail: 'hostPID=true',
      locations: ['/spec/template/spec/hostPID'],
    },
  ],
});
