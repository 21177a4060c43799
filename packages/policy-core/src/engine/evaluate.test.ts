import { describe, expect, it, vi } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import type { RuleVersion } from '../rulekit/define.js';
import { runAsUserRange } from '../rules/runAsUserRange.js';
import { checkPod, formatForbiddenMessage } from './checkPod.js';
import { createEvaluation, evaluate } from './evaluate.js';

const container = { name: 'app', image: 'registry.example/app:1.0' };
const podSpec = { containers: [container] };

const workloads: [kind: string, apiVersion: string, object: Record<string, unknown>, specPath: string][] = [
  ['Pod', 'v1', { spec: podSpec }, '/spec'],
  ['PodTemplate', 'v1', { template: { spec: podSpec } }, '/template/spec'],
  ['ReplicationController', 'v1', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
  ['ReplicaSet', 'apps/v1', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
  ['Deployment', 'apps/v1', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
  ['StatefulSet', 'apps/v1', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
  ['DaemonSet', 'apps/v1', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
  ['Job', 'batch/v1', { spec: { template: { spec: podSpec } } }, '/spec/template/spec'],
  [
    'CronJob',
    'batch/v1',
    { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } },
    '/spec/jobTemplate/spec/template/spec',
  ],
];

describe('evaluate', () => {
  it.each(workloads)(
    'finds the pod spec of a %s and points into the original object',
    (kind, apiVersion, body, specPath) => {
      const object = { apiVersion, kind, metadata: { name: 'web', namespace: 'shop' }, ...body };
      const result = evaluate(object, { level: 'restricted' });
      expect(result.allowed).toBe(false);
      expect(result.objects).toEqual([
        {
          objectIndex: 0,
          resource: { apiVersion, kind, name: 'web', namespace: 'shop' },
          kind: 'pod',
          podSpecPath: specPath,
          path: '',
          rules: expect.arrayContaining(['allowPrivilegeEscalation', 'runAsNonRoot', 'privileged']),
        },
      ]);
      const ape = result.findings.find((f) => f.rule === 'allowPrivilegeEscalation');
      expect(ape).toMatchObject({
        status: 'fail',
        severity: 'error',
        level: 'restricted',
        container: 'app',
        resource: { kind, name: 'web', namespace: 'shop' },
        message:
          'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
      });
      expect(ape?.path.startsWith(`${specPath}/containers/0`)).toBe(true);
    },
  );

  it('reports kinds without a pod spec as not applicable, never as passing pods', () => {
    const result = evaluate([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: {} },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } },
    ]);
    expect(result.findings).toEqual([]);
    expect(result.objects.map((o) => o.kind)).toEqual(['not-applicable', 'not-applicable']);
  });

  it('walks List and *List wrappers, pointing into items', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'PodList',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: podSpec },
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: podSpec }],
        },
      ],
    };
    const result = evaluate(list, { level: 'restricted' });
    expect(result.objects.map((o) => o.podSpecPath)).toEqual(['/items/0/spec', '/items/1/items/0/spec']);
    expect(result.objects.map((o) => o.path)).toEqual(['/items/0', '/items/1/items/0']);
    const paths = result.findings.filter((f) => f.rule === 'runAsNonRoot').map((f) => f.resource.name);
    expect(paths).toEqual(['a', 'b']);
  });

  it('visits init, regular and ephemeral containers in upstream order', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init' }],
        containers: [{ name: 'main' }],
        ephemeralContainers: [{ name: 'debug' }],
      },
    };
    const finding = evaluate(pod, { level: 'restricted' }).findings.find(
      (f) => f.rule === 'allowPrivilegeEscalation',
    );
    expect(finding?.detail).toBe(
      'containers "init", "main", "debug" must set securityContext.allowPrivilegeEscalation=false',
    );
    expect(finding?.locations.map((l) => l.container)).toEqual(['init', 'main', 'debug']);
    expect(finding?.locations.map((l) => l.path.split('/').slice(0, 4).join('/'))).toEqual([
      '/spec/initContainers/0',
      '/spec/containers/0',
      '/spec/ephemeralContainers/0',
    ]);
  });

  it('gives error findings for wrongly typed fields, never a pass or a TypeError', () => {
    const result = evaluate(
      [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'a' },
          spec: { containers: [{ name: 'c', securityContext: { runAsUser: '0' } }] },
        },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { containers: {} } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'c' }, spec: {} },
        'not an object',
      ],
      // Baseline reads neither runAsUser nor (for a pod without containers) anything else that fails.
      { level: 'baseline' },
    );
    expect(result.allowed).toBe(false);
    expect(result.findings.map((f) => [f.status, f.rule, f.path, f.message])).toEqual([
      [
        'error',
        'invalidInput',
        '/spec/containers/0/securityContext/runAsUser',
        '/spec/containers/0/securityContext/runAsUser must be an integer, got a string ("0")',
      ],
      ['error', 'invalidInput', '/spec/containers', '/spec/containers must be an array, got an object'],
      ['error', 'invalidInput', '/spec/template', 'Deployment has no pod template at /spec/template'],
      ['error', 'invalidInput', '', 'expected a Kubernetes object, got a string ("not an object")'],
    ]);
    expect(result.objects.map((o) => o.kind)).toEqual(['pod', 'pod', 'invalid', 'invalid']);
  });

  it('evaluates the rest of an object with a wrongly typed field: only the rules reading it are skipped', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { version: 1.0 } },
      spec: {
        hostNetwork: true,
        containers: [{ name: 'c', image: 'app', securityContext: { privileged: true, runAsUser: 'root' } }],
      },
    };
    const result = evaluate(pod, { level: 'baseline' });
    expect(result.findings.map((f) => [f.rule, f.status, f.path])).toEqual([
      ['invalidInput', 'error', '/spec/containers/0/securityContext/runAsUser'],
      ['invalidInput', 'error', '/metadata/labels/version'],
      ['hostNamespaces', 'fail', '/spec/hostNetwork'],
      ['privileged', 'fail', '/spec/containers/0/securityContext/privileged'],
    ]);
    // The hardened rules that read runAsUser do not run on the wrong value; the others do.
    const hardened = evaluate(pod).findings.map((f) => f.rule);
    expect(hardened).toContain('readOnlyRootFilesystem');
    expect(hardened).not.toContain('runAsUser');
    expect(hardened).not.toContain('runAsUserRange');
    expect(hardened).not.toContain('kubeletRunAsNonRoot');
  });

  it('gives a rule that throws an error finding with the level of the rule', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'app' }] },
    };
    const variant = runAsUserRange.versions[0] as RuleVersion;
    const spy = vi.spyOn(variant, 'check').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      // A new profile object: plans are cached per profile, and this one must see the spy.
      const profile = { name: 'probe', level: 'privileged' as const, rules: ['runAsUserRange'] };
      const result = evaluate(pod, { profile });
      expect(result.findings).toMatchObject([
        {
          rule: 'runAsUserRange',
          status: 'error',
          level: 'hardened',
          messageId: 'ruleError',
          message: 'rule runAsUserRange failed: boom',
        },
      ]);
    } finally {
      spy.mockRestore();
    }
  });

  it('treats null fields as unset, as the API server does for YAML `field:`', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { securityContext: null, containers: [{ name: 'c', securityContext: null }] },
    };
    const result = evaluate(pod, { level: 'baseline' });
    expect(result.findings).toEqual([]);
    expect(result.allowed).toBe(true);
  });

  it('throws PodguardInputError naming the option for invalid options and unknown versions', () => {
    expect(() => evaluate({}, { version: 'v2.0' })).toThrow(PodguardInputError);
    expect(() => evaluate({}, { version: '1.25' })).toThrow(/invalid Pod Security version "1.25"/);
    expect(() => evaluate({}, { profile: 'strict' as 'hardened' })).toThrow(
      /invalid option profile: unknown profile "strict"/,
    );
    expect(() => evaluate({}, { uidRange: { min: 5000, max: 10 } })).toThrow(
      /invalid option uidRange: min \(5000\) is greater than max \(10\)/,
    );
    expect(() => evaluate({}, { rules: { noSuchRule: { enabled: false } } })).toThrow(
      /invalid option rules.noSuchRule: unknown rule id/,
    );
    expect(() => evaluate({}, { colour: 'red' } as object)).toThrow(/invalid option colour: unknown option/);
  });

  it('applies per-rule settings: disabled rules do not run, severity overrides', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec };
    const result = evaluate(pod, {
      level: 'restricted',
      rules: { allowPrivilegeEscalation: { enabled: false }, runAsNonRoot: { severity: 'warning' } },
    });
    expect(result.findings.some((f) => f.rule === 'allowPrivilegeEscalation')).toBe(false);
    expect(result.findings.find((f) => f.rule === 'runAsNonRoot')?.severity).toBe('warning');
  });

  it('applies pre-v1.19 restricted without a seccomp requirement, as upstream', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: podSpec };
    const rules = (version: string) =>
      evaluate(pod, { level: 'restricted', version }).findings.map((f) => f.rule);
    expect(rules('v1.18')).not.toContain('seccompProfile_restricted');
    expect(rules('v1.19')).toContain('seccompProfile_restricted');
  });
});

describe('suppressions', () => {
  const pod = (annotations?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'legacy', namespace: 'ops', ...(annotations ? { annotations } : {}) },
    spec: podSpec,
  });
  const now = '2026-11-23T12:00:00Z';

  it('suppresses with a reason and keeps the finding as an audit trail', () => {
    const result = evaluate(pod(), {
      level: 'restricted',
      now,
      suppressions: [
        {
          rule: 'runAsNonRoot',
          reason: 'vendor image, ticket SEC-42',
          match: { name: 'leg*', namespace: 'ops' },
        },
      ],
    });
    const finding = result.findings.find((f) => f.rule === 'runAsNonRoot');
    expect(finding?.status).toBe('suppressed');
    expect(finding?.suppression).toEqual({ reason: 'vendor image, ticket SEC-42', source: 'options' });
  });

  it('stops suppressing after the expiry day and says so on the finding', () => {
    const result = evaluate(pod(), {
      level: 'restricted',
      now,
      suppressions: [{ rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42', expires: '2026-11-22' }],
    });
    const finding = result.findings.find((f) => f.rule === 'runAsNonRoot');
    expect(finding?.status).toBe('fail');
    expect(finding?.suppression).toEqual({
      reason: 'vendor image, ticket SEC-42',
      source: 'options',
      expires: '2026-11-22',
      expired: true,
    });
    const stillValid = evaluate(pod(), {
      level: 'restricted',
      now,
      suppressions: [{ rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42', expires: '2026-11-23' }],
    });
    expect(stillValid.findings.find((f) => f.rule === 'runAsNonRoot')?.status).toBe('suppressed');
  });

  it('reads the podguard.dev/suppress annotation as JSON or YAML flow', () => {
    for (const text of [
      '[{"rule": "runAsNonRoot", "reason": "vendor image, ticket SEC-42"}]',
      "[{rule: runAsNonRoot, reason: 'vendor image, ticket SEC-42', expires: 2027-01-31}]",
    ]) {
      const finding = evaluate(pod({ 'podguard.dev/suppress': text }), {
        level: 'restricted',
        now,
      }).findings.find((f) => f.rule === 'runAsNonRoot');
      expect(finding?.status, text).toBe('suppressed');
      expect(finding?.suppression?.source).toBe('annotation');
    }
  });

  it('reports short reasons, unknown rules and malformed annotations as errors', () => {
    const result = evaluate(
      [
        pod({ 'podguard.dev/suppress': '[{"rule": "runAsNonRoot", "reason": "legacy"}]' }),
        pod({ 'podguard.dev/suppress': '{{{' }),
      ],
      { level: 'restricted', now, suppressions: [{ rule: 'noSuchRule', reason: 'a good long reason' }] },
    );
    const errors = result.findings.filter((f) => f.status === 'error').map((f) => f.message);
    expect(errors).toEqual([
      'suppression names unknown rule "noSuchRule" (suppressions[0])',
      'suppression of runAsNonRoot needs a reason of at least 10 characters (annotation podguard.dev/suppress, entry 0)',
      'annotation podguard.dev/suppress is not a JSON or YAML flow list of suppressions',
    ]);
    expect(result.findings.filter((f) => f.rule === 'runAsNonRoot').every((f) => f.status === 'fail')).toBe(
      true,
    );
  });

  it('reports suppressions that matched nothing', () => {
    const result = evaluate(
      pod({ 'podguard.dev/suppress': '[{"rule": "privileged", "reason": "left over from an old chart"}]' }),
      {
        level: 'restricted',
        now,
        suppressions: [{ rule: 'hostPorts', reason: 'left over from an old chart' }],
      },
    );
    expect(
      result.findings.filter((f) => f.rule === 'unusedSuppression').map((f) => [f.severity, f.detail]),
    ).toEqual([
      [
        'warning',
        'suppression of privileged in annotation podguard.dev/suppress matched no finding; remove it',
      ],
      [
        'warning',
        'suppression of hostPorts in suppressions of the evaluation options matched no finding; remove it',
      ],
    ]);
  });
});

describe('createEvaluation', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: podSpec },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' } },
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { hostPID: true, ...podSpec } },
      ],
    },
    'not an object',
  ];
  const options = {
    level: 'restricted' as const,
    suppressions: [
      { rule: 'hostNamespaces', reason: 'the node agent needs the host PID space' },
      { rule: 'hostPorts', reason: 'left over from an old chart, to be removed' },
    ],
  };

  it('evaluates input piece by piece exactly as evaluate() does it whole', () => {
    const whole = evaluate(objects, options);
    const session = createEvaluation(options);
    const findings = [...session.settings];
    const evaluated = [];
    for (const [index, object] of objects.entries()) {
      const piece = session.evaluate(object, index);
      findings.push(...piece.findings);
      evaluated.push(...piece.objects);
    }
    findings.push(...session.finish());
    expect(findings).toEqual(whole.findings);
    expect(evaluated).toEqual(whole.objects);
    // The option suppression was used by the third piece; the unused one is reported once, at the end.
    expect(findings.filter((f) => f.status === 'suppressed').map((f) => f.objectIndex)).toEqual([2]);
    expect(findings.filter((f) => f.rule === 'unusedSuppression')).toHaveLength(1);
  });

  it("evaluates a List's items one at a time, at their place in the List (piece.base)", () => {
    const list = objects[2] as { items: unknown[] };
    const whole = createEvaluation(options).evaluate(list);
    const session = createEvaluation(options);
    const pieces = list.items.map((item, index) => session.evaluate(item, 0, { base: `/items/${index}` }));
    expect(pieces.flatMap((piece) => piece.findings)).toEqual(whole.findings);
    expect(pieces.flatMap((piece) => piece.objects)).toEqual(whole.objects);
    expect(whole.findings.some((finding) => finding.path.startsWith('/items/0/'))).toBe(true);
    expect(() => session.evaluate([list.items[0]], 0, { base: '/items/0' })).toThrow(
      /piece that is one object/,
    );
    expect(() => session.evaluate(list.items[0], 0, { base: 'items/0' })).toThrow(/JSON pointer/);
  });

  it('numbers a piece from 0 unless told where it starts', () => {
    const session = createEvaluation({ level: 'restricted' });
    expect(session.evaluate(objects.slice(0, 2)).objects.map((o) => o.objectIndex)).toEqual([0, 1]);
    expect(session.evaluate(objects.slice(0, 2), 7).objects.map((o) => o.objectIndex)).toEqual([7, 8]);
  });
});

describe('checkPod and the API server message', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'x' },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };

  it('aggregates like upstream AggregateCheckResult and prints like the API server', () => {
    const result = checkPod(pod, 'restricted', 'latest');
    expect(result.allowed).toBe(false);
    expect(result.reasons.map((r) => r.check)).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
    expect(
      formatForbiddenMessage(
        { kind: 'Pod', name: 'x' },
        { level: 'restricted', version: 'latest' },
        result.reasons,
      ),
    ).toBe(
      'pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect(
      formatForbiddenMessage(
        { kind: 'Deployment', name: 'web' },
        { level: 'baseline', version: 'v1.30' },
        [{ reason: 'host namespaces', detail: 'hostNetwork=true' }],
        'warn',
      ),
    ).toBe('would violate PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true)');
  });

  it('accepts a bare pod spec', () => {
    expect(checkPod({ containers: [{ name: 'c' }] }, 'baseline').allowed).toBe(true);
    expect(checkPod({ containers: [{ name: 'c' }], hostNetwork: true }, 'baseline').message).toBe(
      'host namespaces (hostNetwork=true)',
    );
  });

  it('allows everything at privileged', () => {
    expect(
      checkPod({ containers: [{ name: 'c', securityContext: { privileged: true } }] }, 'privileged').allowed,
    ).toBe(true);
  });

  it('throws PodguardInputError for input it cannot check', () => {
    expect(() => checkPod('pod', 'restricted')).toThrow(PodguardInputError);
    expect(() =>
      checkPod({ containers: [{ name: 'c', securityContext: { runAsUser: '0' } }] }, 'restricted'),
    ).toThrow(/runAsUser must be an integer/);
    expect(() => checkPod(pod, 'strict' as 'restricted')).toThrow(/invalid level "strict"/);
    expect(() => checkPod(pod, 'restricted', 'v1')).toThrow(/invalid Pod Security version "v1"/);
  });
});
