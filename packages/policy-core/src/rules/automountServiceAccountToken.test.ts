import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { RuleTester } from '../testing/index.js';
import { automountServiceAccountToken } from './automountServiceAccountToken.js';

const reason = 'automountServiceAccountToken != false';

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
      name: 'unset with the default ServiceAccount: an error, safe fix',
      pod: { containers: [{ name: 'a' }] },
      reason,
      detail: 'pod must set automountServiceAccountToken=false',
      messageId: 'defaultAccount',
      locations: ['/spec'],
      fix: {
        kind: 'safe',
        description: 'Set automountServiceAccountToken=false on the pod.',
        patch: [{ op: 'add', path: '/spec/automountServiceAccountToken', value: false }],
      },
    },
    {
      name: 'explicit true, in a CronJob: a stated need, unsafe fix only',
      pod: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c' },
        spec: {
          jobTemplate: {
            spec: { template: { spec: { automountServiceAccountToken: true, containers: [{ name: 'a' }] } } },
          },
        },
      },
      reason,
      detail:
        'pod sets automountServiceAccountToken=true; set it to false unless the pod calls the Kubernetes API',
      messageId: 'explicitTrue',
      locations: ['/spec/jobTemplate/spec/template/spec/automountServiceAccountToken'],
      fix: {
        kind: 'unsafe',
        description: 'Replace automountServiceAccountToken=true with false (the pod loses API access).',
        patch: [
          {
            op: 'replace',
            path: '/spec/jobTemplate/spec/template/spec/automountServiceAccountToken',
            value: false,
          },
        ],
      },
    },
    {
      name: 'unset with a named ServiceAccount: unsafe fix',
      pod: { serviceAccountName: 'controller', containers: [{ name: 'a' }] },
      reason,
      detail:
        'pod runs as ServiceAccount "controller" and leaves automountServiceAccountToken unset; set it to false unless the pod calls the Kubernetes API',
      messageId: 'namedAccount',
      locations: ['/spec'],
      fix: {
        kind: 'unsafe',
        description:
          'Set automountServiceAccountToken=false on the pod (it loses the API access ServiceAccount "controller" may grant).',
        patch: [{ op: 'add', path: '/spec/automountServiceAccountToken', value: false }],
      },
    },
  ],
});

describe('automountServiceAccountToken: the ServiceAccount in the same input', () => {
  const deployment = (namespace: string, serviceAccountName?: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      template: {
        spec: {
          ...(serviceAccountName ? { serviceAccountName } : {}),
          containers: [{ name: 'a', image: 'a:1' }],
        },
      },
    },
  });
  const account = (namespace: string, name: string, automount?: boolean) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  });
  const rule = (input: unknown) =>
    evaluate(input, { rules: {} }).findings.filter(
      (finding) => finding.rule === 'automountServiceAccountToken',
    );

  it('an account with automountServiceAccountToken: false counts for its pods, even after them', () => {
    expect(rule([deployment('shop'), account('shop', 'default', false)])).toEqual([]);
    expect(rule([deployment('shop', 'api'), account('shop', 'api', false)])).toEqual([]);
  });

  it('holds only for the same namespace and name', () => {
    expect(rule([deployment('shop'), account('other', 'default', false)])).toHaveLength(1);
    expect(rule([deployment('shop', 'api'), account('shop', 'default', false)])).toHaveLength(1);
  });

  it('names the account when it is in the input and does not opt out', () => {
    const [finding] = rule([deployment('ingress', 'controller'), account('ingress', 'controller', true)]);
    expect(finding?.message).toBe(
      'automountServiceAccountToken != false (pod runs as ServiceAccount "controller" and leaves automountServiceAccountToken unset; set it to false unless the pod calls the Kubernetes API; ServiceAccount "ingress/controller" in the same input sets automountServiceAccountToken=true)',
    );
    expect(finding?.severity).toBe('warning');
  });

  it('names an account without a namespace by its name, and says when it leaves the field unset', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { serviceAccountName: 'api', containers: [{ name: 'a', image: 'a:1' }] },
    };
    const serviceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' } };
    const [finding] = rule([pod, serviceAccount]);
    expect(finding?.message).toBe(
      'automountServiceAccountToken != false (pod runs as ServiceAccount "api" and leaves automountServiceAccountToken unset; set it to false unless the pod calls the Kubernetes API; ServiceAccount "api" in the same input leaves automountServiceAccountToken unset)',
    );
  });

  it('an empty serviceAccountName means the default account: an error with the safe fix', () => {
    const pod = deployment('shop');
    pod.spec.template.spec = {
      ...pod.spec.template.spec,
      serviceAccountName: '',
    } as typeof pod.spec.template.spec;
    expect(rule([pod])).toMatchObject([
      { messageId: 'defaultAccount', severity: 'error', fix: { kind: 'safe' } },
    ]);
  });

  it('a pod-level true wins over the account', () => {
    const pod = deployment('shop');
    pod.spec.template.spec = {
      ...pod.spec.template.spec,
      automountServiceAccountToken: true,
    } as typeof pod.spec.template.spec;
    expect(rule([pod, account('shop', 'default', false)])).toMatchObject([{ messageId: 'explicitTrue' }]);
  });
});
