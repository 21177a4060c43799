import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { hostPathVolumes } from './hostPathVolumes.js';

new RuleTester({ describe, it }).run(hostPathVolumes, {
  valid: [
    { name: 'no volumes', pod: { containers: [{ name: 'a' }] } },
    {
      name: 'emptyDir and null hostPath',
      pod: {
        volumes: [
          { name: 'a', emptyDir: {} },
          { name: 'b', hostPath: null },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'a volume without a name (upstream quotes the empty name)',
      pod: { volumes: [{ hostPath: { path: '/' } }], containers: [{ name: 'a' }] },
      reason: 'hostPath volumes',
      detail: 'volume ""',
    },
    {
      name: 'upstream: host path volumes',
      pod: {
        volumes: [
          { name: 'a', hostPath: {} },
          { name: 'b', hostPath: {} },
          { name: 'c', emptyDir: {} },
        ],
      },
      reason: 'hostPath volumes',
      detail: 'volumes "a", "b"',
      locations: ['/spec/volumes/0/hostPath', '/spec/volumes/1/hostPath'],
      fix: null,
    },
    {
      name: 'one volume',
      pod: { volumes: [{ name: 'docker-sock', hostPath: { path: '/var/run/docker.sock' } }] },
      reason: 'hostPath volumes',
      detail: 'volume "docker-sock"',
    },
  ],
});
