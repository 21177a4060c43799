import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { hostProbesAndHostLifecycle } from './hostProbesAndHostLifecycle.js';

const localhostStartupProbe = {
  containers: [{ name: 'a', startupProbe: { httpGet: { host: 'localhost', port: 80 } } }],
};

new RuleTester({ describe, it }).run(hostProbesAndHostLifecycle, {
  valid: [
    {
      name: 'upstream: valid pod with unset hosts',
      pod: {
        containers: [
          {
            name: 'a',
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { tcpSocket: { port: 80 } },
            lifecycle: { postStart: { httpGet: { port: 80 } } },
          },
        ],
      },
    },
    {
      name: 'empty host',
      pod: { containers: [{ name: 'a', livenessProbe: { tcpSocket: { host: '', port: 1 } } }] },
    },
    { name: 'upstream emulation: not checked before v1.34', pod: localhostStartupProbe, version: 'v1.33' },
  ],
  invalid: [
    {
      name: 'upstream emulation: checked at v1.34',
      pod: localhostStartupProbe,
      version: 'v1.34',
      reason: 'probe or lifecycle host',
      detail: 'container "a" uses probe or lifecycle host "localhost"',
      locations: [{ path: '/spec/containers/0/startupProbe/httpGet/host', container: 'a' }],
      fix: null,
    },
    {
      name: 'upstream: invalid pod with local host IP as probe host',
      pod: {
        containers: [
          {
            name: 'a',
            livenessProbe: { httpGet: { host: '127.0.0.1' } },
            readinessProbe: { tcpSocket: { host: '::1' } },
            startupProbe: { httpGet: { host: 'localhost' } },
          },
        ],
      },
      reason: 'probe or lifecycle host',
      detail: 'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"',
      locations: [
        '/spec/containers/0/livenessProbe/httpGet/host',
        '/spec/containers/0/readinessProbe/tcpSocket/host',
        '/spec/containers/0/startupProbe/httpGet/host',
      ],
    },
    {
      name: 'upstream: invalid httpget host in liveness probe',
      pod: { containers: [{ name: 'a', livenessProbe: { httpGet: { host: 'invalid.host' } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "a" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: 'upstream: invalid tcpsocket host in readiness probe',
      pod: { containers: [{ name: 'b', readinessProbe: { tcpSocket: { host: 'invalid.host' } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "b" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: 'upstream: invalid httpget host in startup probe',
      pod: { containers: [{ name: 'c', startupProbe: { httpGet: { host: 'invalid.host' } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "c" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: 'upstream: invalid poststart tcpsocket host',
      pod: { containers: [{ name: 'd', lifecycle: { postStart: { tcpSocket: { host: 'invalid.host' } } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "d" uses probe or lifecycle host "invalid.host"',
      locations: ['/spec/containers/0/lifecycle/postStart/tcpSocket/host'],
    },
    {
      name: 'upstream: invalid prestop httpget host',
      pod: {
        containers: [{ name: 'e', lifecycle: { preStop: { httpGet: { host: 'another.invalid.host' } } } }],
      },
      reason: 'probe or lifecycle host',
      detail: 'container "e" uses probe or lifecycle host "another.invalid.host"',
    },
    {
      name: 'upstream: multiple containers with multiple invalid hosts',
      pod: {
        containers: [
          { name: 'valid' },
          { name: 'invalid1', livenessProbe: { httpGet: { host: 'a.com' } } },
          {
            name: 'invalid2',
            lifecycle: { preStop: { tcpSocket: { host: 'b.com' } } },
            startupProbe: { httpGet: { host: 'a.com' } },
          },
        ],
      },
      reason: 'probe or lifecycle host',
      detail: 'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"',
    },
    {
      name: 'upstream: invalid ipv4 host in probe',
      pod: { containers: [{ name: 'a', livenessProbe: { httpGet: { host: '8.8.8.8' } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "a" uses probe or lifecycle host "8.8.8.8"',
    },
    {
      name: 'upstream: invalid ipv6 host in probe',
      pod: { containers: [{ name: 'a', livenessProbe: { tcpSocket: { host: '2001:4860:4860::8888' } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "a" uses probe or lifecycle host "2001:4860:4860::8888"',
    },
    {
      name: 'upstream: invalid host in initcontainer',
      pod: { initContainers: [{ name: 'init', livenessProbe: { httpGet: { host: 'invalid.init.host' } } }] },
      reason: 'probe or lifecycle host',
      detail: 'container "init" uses probe or lifecycle host "invalid.init.host"',
    },
    {
      name: 'containers are a sorted set, not visiting order',
      pod: {
        initContainers: [{ name: 'z', livenessProbe: { httpGet: { host: 'h' } } }],
        containers: [{ name: 'a', livenessProbe: { httpGet: { host: 'h' }, tcpSocket: { host: 'h' } } }],
      },
      reason: 'probe or lifecycle host',
      detail: 'containers "a", "z" use probe or lifecycle host "h"',
    },
  ],
});
