/**
 * checkPod() and the API server's wording, in policy-core's own tests (the upstream corpus runs
 * them over thousands of pods in test/psa-conformance, in the e2e project): what it takes, what it
 * refuses and with which error, how reasons aggregate, and formatForbiddenMessage's every form.
 */
import { describe, expect, it } from 'vitest';
import { checkPod, forbiddenDetail, formatForbiddenMessage } from './checkPod.js';

const container = (securityContext?: Record<string, unknown>) => ({
  name: 'a',
  image: 'app:1',
  ...(securityContext ? { securityContext } : {}),
});

describe('checkPod', () => {
  it('aggregates the failed checks of the level in upstream order, with their reasons and message', () => {
    const result = checkPod(
      { hostNetwork: true, containers: [container({ privileged: true })] },
      'baseline',
      'v1.0',
    );
    expect(result).toEqual({
      allowed: false,
      reasons: [
        { check: 'hostNamespaces', reason: 'host namespaces', detail: 'hostNetwork=true' },
        {
          check: 'privileged',
          reason: 'privileged',
          detail: 'container "a" must not set securityContext.privileged=true',
        },
      ],
      message:
        'host namespaces (hostNetwork=true), privileged (container "a" must not set securityContext.privileged=true)',
    });
  });

  it('allows everything at privileged, and what passes the level', () => {
    expect(checkPod({ hostNetwork: true, containers: [container()] }, 'privileged')).toEqual({
      allowed: true,
      reasons: [],
      message: '',
    });
    expect(checkPod({ containers: [container()] }, 'baseline')).toEqual({
      allowed: true,
      reasons: [],
      message: '',
    });
  });

  it('takes a bare PodSpec, a Pod and a workload alike', () => {
    const spec = { hostPID: true, containers: [container()] };
    const expected = {
      allowed: false,
      reasons: [{ check: 'hostNamespaces', reason: 'host namespaces', detail: 'hostPID=true' }],
      message: 'host namespaces (hostPID=true)',
    };
    expect(checkPod(spec, 'baseline')).toEqual(expected);
    expect(checkPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }, 'baseline')).toEqual(
      expected,
    );
    expect(
      checkPod(
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } },
        'baseline',
      ),
    ).toEqual(expected);
  });

  it('refuses an unknown level or version, naming it', () => {
    const pod = { containers: [container()] };
    expect(() => checkPod(pod, 'strict' as never)).toThrow(
      expect.objectContaining({
        name: 'PodguardInputError',
        message: 'invalid level "strict": expected privileged, baseline or restricted',
        field: 'level',
      }),
    );
    expect(() => checkPod(pod, 'baseline', 'v9.x')).toThrow(
      'invalid Pod Security version "v9.x": expected "latest" or "v1.<minor>" (e.g. "v1.25")',
    );
  });

  it.each([
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }, 'Namespace has no pod spec'],
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'ConfigMap has no pod spec'],
    [
      { apiVersion: 'v1', kind: '', metadata: { name: 'n' } },
      'not a Kubernetes object: kind must be a non-empty string, got a string ("")',
    ],
    [{ apiVersion: 'v1', kind: 'Pod', spec: 'x' }, '/spec must be an object, got a string ("x")'],
    [{ spec: { containers: [container()] } }, 'not a Kubernetes object: apiVersion is missing'],
  ])('refuses what has no pod spec to check: %j', (input, message) => {
    expect(() => checkPod(input, 'baseline')).toThrow(
      expect.objectContaining({ name: 'PodguardInputError', message }),
    );
  });

  it.each([
    [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } }, 'Namespace has no pod spec', ''],
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'ConfigMap has no pod spec', ''],
    [
      { apiVersion: 'v1', kind: 1 },
      'not a Kubernetes object: kind must be a non-empty string, got a number (1)',
      '/kind',
    ],
  ])('names the field of what has no pod spec: %j', (input, message, field) => {
    expect(() => checkPod(input, 'baseline')).toThrow(
      expect.objectContaining({ name: 'PodguardInputError', message, field }),
    );
  });

  it('refuses wrongly typed fields, all of them, pointing at the first', () => {
    expect(() =>
      checkPod({ containers: [container({ runAsUser: 'x', privileged: 'yes' })] }, 'baseline'),
    ).toThrow(
      expect.objectContaining({
        name: 'PodguardInputError',
        message:
          '/spec/containers/0/securityContext/privileged must be a boolean, got a string ("yes"); ' +
          '/spec/containers/0/securityContext/runAsUser must be an integer, got a string ("x")',
        field: '/spec/containers/0/securityContext/privileged',
      }),
    );
  });
});

describe("the API server's words", () => {
  const reasons = [
    { reason: 'host namespaces', detail: 'hostNetwork=true' },
    { reason: 'unknown forbidden reason', detail: '' },
  ];

  it('forbiddenDetail: reason (detail), a reason alone without detail, joined by ", "', () => {
    expect(forbiddenDetail(reasons)).toBe('host namespaces (hostNetwork=true), unknown forbidden reason');
    expect(forbiddenDetail([])).toBe('');
  });

  it.each([
    [{ kind: 'Pod', name: 'web' }, 'pods "web"'],
    [{ kind: 'Deployment', name: 'web' }, 'deployments.apps "web"'],
    [{ kind: 'CronJob', name: 'nightly' }, 'cronjobs.batch "nightly"'],
    [{ kind: 'PodTemplate', name: 't' }, 'podtemplates "t"'],
    [{ kind: 'ReplicationController', name: 'rc' }, 'replicationcontrollers "rc"'],
    [{ kind: 'ReplicaSet', name: 'rs' }, 'replicasets.apps "rs"'],
    [{ kind: 'StatefulSet', name: 'db' }, 'statefulsets.apps "db"'],
    [{ kind: 'DaemonSet', name: 'agent' }, 'daemonsets.apps "agent"'],
    [{ kind: 'Job', name: 'once' }, 'jobs.batch "once"'],
    [{ kind: 'Rollout', name: 'r' }, 'rollouts "r"'],
    [{ kind: 'Pod', name: 'say "hi"' }, 'pods "say \\"hi\\""'],
    [{ kind: 'Pod', name: '' }, 'pods'],
    [{ kind: 'Pod' }, 'pods'],
  ])('enforce: %j is %s', (resource, subject) => {
    expect(formatForbiddenMessage(resource, { level: 'baseline', version: 'latest' }, reasons)).toBe(
      `${subject} is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), unknown forbidden reason`,
    );
  });

  it.each(['warn', 'audit'] as const)('%s: would violate', (mode) => {
    expect(
      formatForbiddenMessage(
        { kind: 'Pod', name: 'web' },
        { level: 'restricted', version: 'v1.30' },
        reasons,
        mode,
      ),
    ).toBe(
      'would violate PodSecurity "restricted:v1.30": host namespaces (hostNetwork=true), unknown forbidden reason',
    );
  });
});
