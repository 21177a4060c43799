/**
 * The generated ValidatingAdmissionPolicies: valid against the Kubernetes OpenAPI schema of
 * admissionregistration.k8s.io/v1 (the kubernetes-models package, generated from it), refused
 * options worded as evaluate() words them, suppressions and option settings honoured in CEL.
 */

import { parse } from '@bufbuild/cel';
import {
  type EvaluateOptions,
  evaluate,
  toAdmissionPolicies,
  type ValidatingAdmissionPolicy,
} from '@podguard/policy-core';
import {
  ValidatingAdmissionPolicyBinding as BindingModel,
  ValidatingAdmissionPolicy as PolicyModel,
} from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import { type CompiledPolicy, compilePolicy } from './admission/celHarness.js';

const NOW = '2026-06-01T00:00:00Z';

function thrown(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

function policy(options: EvaluateOptions, name = 'podguard-pods'): ValidatingAdmissionPolicy {
  const found = toAdmissionPolicies(options).objects.find((object) => object.metadata.name === name);
  if (found?.kind !== 'ValidatingAdmissionPolicy') throw new Error(`no policy ${name}`);
  return found;
}

const rootPod = (annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'app', namespace: 'team', ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'app', image: 'app:1', securityContext: { runAsUser: 0 } }] },
});

/** Compiling a policy takes a while: once per options and policy name. */
const compiledPolicies = new Map<string, CompiledPolicy>();
function compiled(options: EvaluateOptions, name = 'podguard-pods'): CompiledPolicy {
  const key = JSON.stringify([options, name]);
  let found = compiledPolicies.get(key);
  if (!found) {
    found = compilePolicy(policy(options, name));
    compiledPolicies.set(key, found);
  }
  return found;
}

function verdict(options: EvaluateOptions, object: unknown, rule: string): boolean {
  const outcome = compiled(options)
    .run(object)
    .find((candidate) => candidate.rule === rule);
  if (!outcome) throw new Error(`no validation for ${rule}`);
  return outcome.allowed;
}

describe('toAdmissionPolicies', () => {
  it.each<EvaluateOptions>([
    {},
    { profile: 'restricted' },
    { level: 'baseline' },
    { profile: 'openshift', failOn: 'warning' },
    { failOn: 'none', rules: { readOnlyRootFilesystem: { severity: 'warning' } } },
  ])('emits objects valid against the Kubernetes schema (%j)', (options) => {
    const { objects } = toAdmissionPolicies(options, { exemptNamespaces: ['kube-system'] });
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const model =
        object.kind === 'ValidatingAdmissionPolicy' ? new PolicyModel(object) : new BindingModel(object);
      expect(() => model.validate()).not.toThrow();
    }
  });

  it('covers Pods and every built-in workload kind, one policy per place of the pod spec', () => {
    const places = toAdmissionPolicies({})
      .objects.filter(
        (object): object is ValidatingAdmissionPolicy => object.kind === 'ValidatingAdmissionPolicy',
      )
      .filter((object) => !object.metadata.name.endsWith('-warn'))
      .map((object) => [
        object.metadata.name,
        object.spec.variables[0]?.expression,
        object.spec.matchConstraints.resourceRules,
      ]);
    const rule = (group: string, ...resources: string[]) => ({
      apiGroups: [group],
      apiVersions: ['v1'],
      operations: ['CREATE', 'UPDATE'],
      resources,
    });
    expect(places).toEqual([
      ['podguard-pods', 'object.spec', [rule('', 'pods', 'pods/ephemeralcontainers')]],
      ['podguard-podtemplates', 'object.template.spec', [rule('', 'podtemplates')]],
      [
        'podguard-workloads',
        'object.spec.template.spec',
        [
          rule('', 'replicationcontrollers'),
          rule('apps', 'replicasets', 'deployments', 'statefulsets', 'daemonsets'),
          rule('batch', 'jobs'),
        ],
      ],
      ['podguard-cronjobs', 'object.spec.jobTemplate.spec.template.spec', [rule('batch', 'cronjobs')]],
    ]);
  });

  it('uses only CEL the Kubernetes 1.30 admission environment has', () => {
    // The standard library and macros, strings extension v2 (join, replace), the Kubernetes list
    // (min, indexOf) and regex (find, findAll) libraries; no optional syntax, no two-variable macros.
    const allowed = new Set([
      ...['_+_', '_-_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_', '!_', '_?_:_', '_[_]'],
      ...['@in', '@not_strictly_false', 'size', 'string', 'matches', 'startsWith'],
      ...['join', 'replace', 'min', 'indexOf', 'find', 'findAll'],
      ...['has', 'all', 'exists', 'exists_one', 'map', 'filter'],
    ]);
    const used = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) for (const item of node) walk(item);
      else if (node !== null && typeof node === 'object') {
        const record = node as Record<string, unknown>;
        if (record.$typeName === 'cel.expr.Expr.Call') used.add(record.function as string);
        if (record.$typeName === 'cel.expr.Expr.Comprehension' && record.iterVar2 !== '')
          used.add('two-variable macro');
        if (
          record.$typeName === 'cel.expr.Expr.CreateList' &&
          (record.optionalIndices as unknown[]).length > 0
        )
          used.add('optional list element');
        for (const value of Object.values(record)) walk(value);
      }
    };
    const expressions = new Set<string>();
    const optionSets: EvaluateOptions[] = [
      {},
      { level: 'baseline' },
      {
        suppressions: [{ rule: 'privileged', reason: 'the node agent needs it', match: { name: 'agent-*' } }],
      },
    ];
    for (const options of optionSets) {
      for (const object of toAdmissionPolicies(options).objects) {
        if (object.kind !== 'ValidatingAdmissionPolicy') continue;
        for (const variable of object.spec.variables) expressions.add(variable.expression);
        for (const validation of object.spec.validations) {
          expressions.add(validation.expression);
          expressions.add(validation.messageExpression);
        }
      }
    }
    for (const expression of expressions) walk(parse(expression));
    expect([...used].filter((name) => !allowed.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(15);
  });

  it('the schema check can fail', () => {
    const broken = structuredClone(policy({})) as unknown as { spec: { validations: unknown[] } };
    broken.spec.validations.push({ message: 'no expression' });
    expect(() => new PolicyModel(broken as never).validate()).toThrow(/expression/);
  });

  it.each<unknown>([
    // An empty range: min above max.
    { uidRange: { min: 5, max: 1 } },
    { uidRange: { min: -1 } },
    { denyUids: 'root' },
    { rules: { noSuchRule: { enabled: false } } },
    { profile: 'nope' },
    { failOn: 'sometimes' },
  ])('refuses bad options with the words of evaluate() (%j)', (options) => {
    const expected = thrown(() => evaluate([], options as EvaluateOptions));
    expect(thrown(() => toAdmissionPolicies(options as EvaluateOptions))).toBe(expected);
  });

  it('refuses a pinned version: admission runs the latest checks', () => {
    expect(thrown(() => toAdmissionPolicies({ version: 'v1.25' }))).toMatch(/latest/);
  });

  it('lists the rules admission cannot enforce, in the result and in an annotation', () => {
    const { notEnforced, objects } = toAdmissionPolicies({ profile: 'hardened' });
    expect(notEnforced.map((entry) => entry.rule).sort()).toEqual([
      'dockerfileUser',
      'kubeletRunAsNonRoot',
      'namespaceEnforceLabel',
      'runAsRoot',
    ]);
    expect(notEnforced.find((entry) => entry.rule === 'runAsRoot')?.partial).toBe(true);
    const annotation = objects[0]?.metadata as { annotations: Record<string, string> };
    expect(annotation.annotations['podguard.dev/not-enforced']).toContain('kubeletRunAsNonRoot: ');
  });

  it('puts error rules under Deny and warnings under Warn, as failOn decides', () => {
    const actions = (options: EvaluateOptions) =>
      Object.fromEntries(
        toAdmissionPolicies(options)
          .objects.filter((object) => object.kind === 'ValidatingAdmissionPolicyBinding')
          .map((binding) => [
            binding.metadata.name,
            (binding.spec as { validationActions: string[] }).validationActions,
          ]),
      );
    expect(actions({})['podguard-pods']).toEqual(['Deny']);
    expect(actions({})['podguard-pods-warn']).toEqual(['Warn', 'Audit']);
    expect(actions({ failOn: 'warning' })['podguard-pods-warn']).toBeUndefined();
    expect(actions({ failOn: 'none' })['podguard-pods']).toBeUndefined();
    const warned = policy({ rules: { runAsUser: { severity: 'warning' } } }, 'podguard-pods-warn');
    expect(warned.spec.validations.map((validation) => validation.message)).toContain('podguard runAsUser');
  });

  it('leaves disabled rules out and exempt namespaces out of the bindings', () => {
    const rules = policy({ rules: { runAsUser: { enabled: false } } }).spec.validations.map((v) => v.message);
    expect(rules).not.toContain('podguard runAsUser');
    const binding = toAdmissionPolicies({}, { exemptNamespaces: ['kube-system'] }).objects[1];
    expect(binding?.spec).toMatchObject({
      matchResources: {
        namespaceSelector: {
          matchExpressions: [
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
          ],
        },
      },
    });
  });

  describe('the podguard.dev/suppress annotation, checked in CEL', () => {
    const options: EvaluateOptions = { now: NOW };
    it.each([
      ['JSON', '[{"rule":"runAsUser","reason":"legacy image needs root until Q3"}]', true],
      ['YAML flow', "[{rule: runAsUser, reason: 'legacy image needs root until Q3'}]", true],
      ['a single entry', '{rule: runAsUser, reason: legacy image needs root until Q3}', true],
      [
        'an unexpired entry',
        '[{rule: runAsUser, reason: "legacy image needs root", expires: 2026-06-01}]',
        true,
      ],
      [
        'an expired entry',
        '[{rule: runAsUser, reason: "legacy image needs root", expires: 2026-05-31}]',
        false,
      ],
      ['a short reason', '[{rule: runAsUser, reason: "legacy"}]', false],
      ['another rule', '[{rule: runAsUserRange, reason: "legacy image needs root until Q3"}]', false],
      ['a bad date', '[{rule: runAsUser, reason: "legacy image needs root", expires: soon}]', false],
    ])('%s', (_, annotation, suppressed) => {
      const object = rootPod({ 'podguard.dev/suppress': annotation });
      const finding = evaluate(object, options).findings.find((candidate) => candidate.rule === 'runAsUser');
      expect(finding?.status === 'suppressed').toBe(suppressed);
      expect(verdict(options, object, 'runAsUser')).toBe(suppressed);
    });
  });

  it('a Deployment suppressed on itself and its template: the Deployment and its Pods are admitted', () => {
    const annotations = {
      'podguard.dev/suppress': '[{rule: runAsUser, reason: "legacy image needs root until Q3"}]',
    };
    const pod = rootPod(annotations);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'team', annotations },
      spec: { template: { metadata: pod.metadata, spec: pod.spec } },
    };
    const run = (name: string, object: unknown) =>
      compiled({ now: NOW }, name)
        .run(object)
        .find((outcome) => outcome.rule === 'runAsUser')?.allowed;
    expect(run('podguard-workloads', deployment)).toBe(true);
    expect(run('podguard-pods', pod)).toBe(true);
    expect(run('podguard-pods', rootPod())).toBe(false);
  });

  it('honours option suppressions matched by kind, namespace and name; lists container ones as ignored', () => {
    const options: EvaluateOptions = {
      now: NOW,
      suppressions: [
        { rule: 'runAsUser', reason: 'team namespaces run the legacy agent', match: { namespace: 'te*' } },
        { rule: 'privileged', reason: 'the node agent needs it', match: { container: 'agent' } },
      ],
    };
    expect(verdict(options, rootPod(), 'runAsUser')).toBe(true);
    const elsewhere = { ...rootPod(), metadata: { name: 'app', namespace: 'prod' } };
    expect(verdict(options, elsewhere, 'runAsUser')).toBe(false);
    expect(toAdmissionPolicies(options).ignoredSuppressions).toEqual([
      "suppressions[1] (privileged, container agent): a finding's container is not known to CEL",
    ]);
  });

  it('inlines the UID options', () => {
    const pod = {
      ...rootPod(),
      spec: { containers: [{ name: 'app', image: 'app:1', securityContext: { runAsUser: 1500 } }] },
    };
    expect(verdict({ uidRange: { min: 1000, max: 2000 } }, pod, 'runAsUserRange')).toBe(true);
    expect(verdict({ uidRange: { min: 2000 } }, pod, 'runAsUserRange')).toBe(false);
    expect(verdict({ denyUids: [1500] }, pod, 'runAsUserRange')).toBe(false);
  });
});
