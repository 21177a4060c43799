import { describe, it } from 'vitest';
import { RuleTester } from '../testing/index.js';
import { automountServiceAccountToken } from './automountServiceAccountToken.js';

const description = 'Set automountServiceAccountToken=false on the pod.';
const reason = 'automountServiceAccountToken != false';
const detail = 'pod must set automountServiceAccountToken=false';

new RuleTester({ describe, it }).run(automountServiceAccountToken, {
  valid: [
    { name: 'false', pod: { automountServiceAccountToken: false, containers: [{ name: 'a' }] } },
    {
      name: 'windows pods too',
      pod: { os: { name: 'windows' }, automountServiceAccountToken: false, containers: [] },
    },
  ],
  invalid: [
    {
      name: 'unset',
      pod: { containers: [{ name: 'a' }] },
      reason,
      detail,
      locations: ['/spec'],
      fix: {
        kind: 'safe',
        description,
        patch: [{ op: 'add', path: '/spec/automountServiceAccountToken', value: false }],
      },
    },
    {
      name: 'true, in a CronJob',
      pod: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c' },
        spec: {
          jobTemplate: {
            spec: { template: { spec: { automountServiceAccountToken: true, containers: [] } } },
          },
        },
      },
      reason,
      detail,
      locations: ['/spec/jobTemplate/spec/template/spec/automountServiceAccountToken'],
      fix: {
        kind: 'safe',
        description,
        patch: [
          {
            op: 'replace',
            path: '/spec/jobTemplate/spec/template/spec/automountServiceAccountToken',
            value: false,
          },
        ],
      },
    },
  ],
});
