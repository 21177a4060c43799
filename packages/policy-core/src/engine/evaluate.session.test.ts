/**
 * The evaluation session behind evaluate(): which objects it reads, how it learns the facts of a
 * stream, the records and findings it gives (options, suppressions, diagnostics, rule errors), and
 * the Dockerfile and Jib doors. evaluate.test.ts covers the workloads and the rules themselves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import type { Finding } from '../model/types.js';
import type { CheckResult, RuleVersion } from '../rulekit/define.js';
import { runAsUserRange } from '../rules/runAsUserRange.js';
import { createEvaluation, evaluate } from './evaluate.js';
import { createHardening } from './harden.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const NO_RESOURCE = { apiVersion: '', kind: '' };

const namespace = (name: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(labels ? { labels } : {}) },
});

const pod = (
  name: string,
  securityContext: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', ...metadata },
  spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0', securityContext }] },
});

/** A pod only an unsafe fix (dropping the added capability) gets through baseline. */
const sysAdminPod = () => pod('agent', { capabilities: { add: ['SYS_ADMIN'] } });

/** The enforce level the safe fix of a Namespace's missing label adds. */
const labelAdded = (findings: readonly Finding[]): unknown =>
  findings
    .find((finding) => finding.rule === 'namespaceEnforceLabel')
    ?.fix?.patch.find((operation) => operation.path.endsWith('enforce'))?.value;

describe('which objects a session reads', () => {
  const session = createEvaluation({
    podTemplates: [{ apiVersion: 'example.com/v1', kind: 'Runner', paths: ['/spec/template'] }],
  });

  it.each([
    ['v1', 'List'],
    ['v1', 'PodList'],
    ['apps/v1', 'DeploymentList'],
    ['v1', 'Namespace'],
    ['', 'Namespace'],
    ['v1', 'ServiceAccount'],
    ['', 'ServiceAccount'],
    ['v1', 'Pod'],
    ['apps/v1', 'Deployment'],
    ['batch/v1', 'CronJob'],
    ['example.com/v1', 'Runner'],
  ])('reads %s %s', (apiVersion, kind) => {
    expect(session.reads(apiVersion, kind)).toBe(true);
  });

  it.each([
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['example.com/v1', 'Namespace'],
    ['example.com/v1', 'ServiceAccount'],
    ['', ''],
  ])('never reads %s %s, whatever its content', (apiVersion, kind) => {
    expect(session.reads(apiVersion, kind)).toBe(false);
  });
});

describe('the input of a session', () => {
  it('names the input when it is not JSON data', () => {
    const cyclic: Record<string, unknown> = { apiVersion: 'v1', kind: 'Pod' };
    cyclic.self = cyclic;
    expect(() => createEvaluation().evaluate(cyclic)).toThrow(/^input has a cycle/);
  });

  it('refuses a piece.base that is no JSON pointer, naming the option', () => {
    const session = createEvaluation();
    let thrown: unknown;
    try {
      session.evaluate(pod('web'), 0, { base: 'items/0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PodguardInputError);
    expect((thrown as PodguardInputError).message).toBe(
      'piece.base is a JSON pointer ("/items/3") for a piece that is one object',
    );
    expect((thrown as PodguardInputError).field).toBe('piece.base');
  });
});

describe('the label level of a Namespace: the pods of the same input', () => {
  it('is the strictest level its pods pass after their safe fixes, never their unsafe ones', () => {
    expect(labelAdded(evaluate([namespace('shop'), sysAdminPod()]).findings)).toBe('privileged');
    const escalating = pod('web', { allowPrivilegeEscalation: true });
    expect(labelAdded(evaluate([namespace('shop'), escalating]).findings)).toBe('baseline');
    expect(labelAdded(evaluate([namespace('shop'), pod('web')]).findings)).toBe('restricted');
  });

  it('is privileged when a pod of the namespace cannot be read: no level is known to admit it', () => {
    const unreadable = pod('web', { runAsUser: '0' });
    const { findings } = evaluate([namespace('shop'), unreadable]);
    expect(labelAdded(findings)).toBe('privileged');
    expect(
      findings.filter((finding) => finding.rule === 'invalidInput').map((finding) => finding.path),
    ).toEqual(['/spec/containers/0/securityContext/runAsUser']);
  });

  it('counts, in a stream evaluated piece by piece, the pods that come after their Namespace', () => {
    const session = createEvaluation();
    expect(labelAdded(session.evaluate([namespace('shop'), sysAdminPod()]).findings)).toBe('privileged');
  });

  it('keeps, in a stream, no pod of a namespace not seen yet: learn() every piece first for those', () => {
    const streamed = createEvaluation();
    streamed.evaluate(sysAdminPod());
    expect(labelAdded(streamed.evaluate(namespace('shop')).findings)).toBe('restricted');
    const learned = createEvaluation();
    learned.learn(sysAdminPod());
    learned.learn(namespace('shop'));
    expect(labelAdded(learned.evaluate(namespace('shop')).findings)).toBe('privileged');
  });

  it('counts the pods a hardening session observed after their Namespace', () => {
    const labelled = (object: unknown) =>
      (object as { metadata: { labels?: Record<string, string> } }).metadata.labels?.[ENFORCE];
    const session = createHardening();
    session.observe(namespace('shop'));
    session.observe(sysAdminPod());
    expect(labelled(session.harden(namespace('shop')).object)).toBe('privileged');
    const early = createHardening();
    early.observe(sysAdminPod());
    early.observe(namespace('shop'));
    expect(labelled(early.harden(namespace('shop')).object)).toBe('restricted');
  });
});

describe('what a session records of each object', () => {
  it('records objects without a pod spec, and invalid ones, with no rules run', () => {
    const { objects } = evaluate([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} },
    ]);
    expect(objects).toEqual([
      {
        objectIndex: 0,
        resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg' },
        kind: 'not-applicable',
        path: '',
        rules: [],
      },
      {
        objectIndex: 1,
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        kind: 'invalid',
        path: '',
        rules: [],
      },
    ]);
  });

  it('records a Namespace with the namespace rules', () => {
    expect(evaluate(namespace('shop', { [ENFORCE]: 'restricted' })).objects).toEqual([
      {
        objectIndex: 0,
        resource: { apiVersion: 'v1', kind: 'Namespace', name: 'shop' },
        kind: 'namespace',
        path: '',
        rules: ['namespaceEnforceLabel'],
      },
    ]);
  });
});

describe('partial objects (patches)', () => {
  const deployment = (spec: unknown) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec,
  });

  it('takes a workload with a strategic-merge directive in its pod template for a patch', () => {
    const patch = deployment({
      template: {
        spec: { containers: [{ name: 'app', $patch: 'merge', securityContext: { privileged: true } }] },
      },
    });
    const result = evaluate(patch);
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['privileged', '/spec/template/spec/containers/0/securityContext/privileged'],
    ]);
    expect(result.objects[0]).toMatchObject({ kind: 'pod', partial: true });
  });

  it('takes a workload without a pod template but with a directive elsewhere for a patch, not invalid', () => {
    const result = evaluate(deployment({ strategy: { $retainKeys: ['type'], type: 'Recreate' } }));
    expect(result.findings).toEqual([]);
    expect(result.objects.map((object) => object.kind)).toEqual(['not-applicable']);
  });

  it('judges a partial workload by the values it sets, even with no container', () => {
    const result = evaluate(deployment({ template: { spec: { hostNetwork: true } } }), { partial: true });
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['hostNamespaces', '/spec/template/spec/hostNetwork'],
    ]);
  });

  it('judges a well-formed workload with a directive only outside its pod template whole', () => {
    const object = deployment({
      strategy: { $retainKeys: ['type'], type: 'Recreate' },
      template: { spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] } },
    });
    const result = evaluate(object, { level: 'restricted' });
    expect(result.findings.map((finding) => finding.rule)).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
    expect(result.objects[0]?.partial).toBeUndefined();
  });

  it('takes a whole Argo workflow for a patch when one of its templates carries a directive', () => {
    const object = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'build', namespace: 'ci' },
      spec: {
        entrypoint: 'a',
        templates: [
          { name: 'a', container: { image: 'a', $patch: 'merge', securityContext: { privileged: true } } },
          { name: 'b', container: { image: 'b' } },
        ],
      },
    };
    const result = evaluate(object);
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['privileged', '/spec/templates/0/container/securityContext/privileged'],
    ]);
    expect(result.objects[0]?.partial).toBe(true);
  });

  it('judges a partial custom resource at the pod templates it sets, as podTemplates declares them', () => {
    const podTemplates = [
      { apiVersion: 'example.com/v1', kind: 'Runner', paths: ['/spec/build', '/spec/test'] },
    ];
    const patch = {
      apiVersion: 'example.com/v1',
      kind: 'Runner',
      metadata: { name: 'ci' },
      spec: { build: { spec: { hostNetwork: true } }, test: { metadata: { labels: { tier: 'test' } } } },
    };
    const result = evaluate(patch, { partial: true, podTemplates });
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['hostNamespaces', '/spec/build/spec/hostNetwork'],
    ]);
  });

  it('judges a partial Namespace by the labels it sets, never by those it leaves out', () => {
    expect(evaluate(namespace('shop'), { partial: true }).findings).toEqual([]);
    const weak = evaluate(namespace('shop', { [ENFORCE]: 'baseline' }), { partial: true }).findings;
    expect(weak.map((finding) => [finding.rule, finding.messageId, finding.path])).toEqual([
      ['namespaceEnforceLabel', 'levelTooLow', `/metadata/labels/${ENFORCE.replace('/', '~1')}`],
    ]);
  });
});

describe('findings about the options', () => {
  it('reports a deprecated option name once, as a warning about no object', () => {
    const { findings, allowed } = evaluate(pod('web'), { level: 'baseline', pssVersion: 'v1.30' });
    expect(findings).toEqual([
      {
        rule: 'deprecatedOption',
        status: 'fail',
        level: 'hardened',
        severity: 'warning',
        resource: NO_RESOURCE,
        objectIndex: -1,
        path: '',
        locations: [{ path: '' }],
        reason: 'deprecated option',
        detail: 'option pssVersion is deprecated and will be removed in 0.2.0: use version',
        message:
          'deprecated option (option pssVersion is deprecated and will be removed in 0.2.0: use version)',
        messageId: 'deprecatedOption',
        controls: [],
      },
    ]);
    expect(allowed).toBe(true);
  });

  it('reports a malformed option suppression as an error at its place in the options', () => {
    const { findings } = evaluate([], {
      suppressions: [
        { rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42' },
        { rule: 'noSuchRule', reason: 'a good long reason' },
      ],
    });
    expect(findings.filter((finding) => finding.rule === 'invalidSuppression')).toEqual([
      {
        rule: 'invalidSuppression',
        status: 'error',
        level: 'baseline',
        severity: 'error',
        resource: NO_RESOURCE,
        objectIndex: -1,
        path: '/suppressions/1',
        locations: [{ path: '/suppressions/1' }],
        reason: 'invalid suppression',
        detail: 'suppression names unknown rule "noSuchRule" (suppressions[1])',
        message: 'suppression names unknown rule "noSuchRule" (suppressions[1])',
        messageId: 'invalidSuppression',
        controls: [],
      },
    ]);
  });
});

describe('option suppressions across the pieces of a session', () => {
  const options = {
    level: 'restricted' as const,
    suppressions: [
      { rule: 'hostPorts', reason: 'left over from an old chart, to be removed' },
      { rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42' },
      { rule: 'privileged', reason: 'the node agent needs the host devices' },
    ],
  };

  it('tells which suppressions covered a finding, by their position in the options', () => {
    const session = createEvaluation(options);
    expect(session.usedSuppressions()).toEqual([]);
    session.evaluate(pod('web'));
    expect(session.usedSuppressions()).toEqual([1]);
  });

  it('reports, at the end, those no session over the same options used', () => {
    const session = createEvaluation(options);
    session.evaluate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    // Positions another session used; one past the end of the options is ignored.
    expect(session.finish([1, 7])).toEqual(
      [0, 2].map((index) => {
        const rule = options.suppressions[index]?.rule;
        const detail = `suppression of ${rule} in suppressions of the evaluation options matched no finding; remove it`;
        return {
          rule: 'unusedSuppression',
          status: 'fail',
          level: 'hardened',
          severity: 'warning',
          resource: NO_RESOURCE,
          objectIndex: -1,
          path: '',
          locations: [{ path: '' }],
          reason: 'unused suppression (options)',
          detail,
          message: `unused suppression (options) (${detail})`,
          messageId: 'unusedSuppression',
          controls: [],
        };
      }),
    );
  });
});

describe('blocking', () => {
  it("judges a finding by the session's failOn", () => {
    const warning = evaluate(pod('web', { runAsNonRoot: true }), {
      level: 'restricted',
      rules: { allowPrivilegeEscalation: { severity: 'warning' } },
    }).findings.find((finding) => finding.rule === 'allowPrivilegeEscalation') as Finding;
    expect(warning.severity).toBe('warning');
    expect(createEvaluation().isBlocking(warning)).toBe(false);
    expect(createEvaluation({ failOn: 'warning' }).isBlocking(warning)).toBe(true);
    expect(createEvaluation().isBlocking({ ...warning, severity: 'error' })).toBe(true);
    expect(createEvaluation({ failOn: 'none' }).isBlocking({ ...warning, severity: 'error' })).toBe(false);
  });
});

describe('suppressions on an object', () => {
  const ANNOTATION = 'podguard.dev/suppress';
  const ANNOTATION_PATH = '/metadata/annotations/podguard.dev~1suppress';
  const annotated = (text: unknown) => pod('legacy', {}, { annotations: { [ANNOTATION]: text } });

  it('reports an annotation that is not a string at the annotation', () => {
    const { findings } = evaluate(annotated(5), { level: 'baseline' });
    expect(findings.filter((finding) => finding.rule === 'invalidSuppression')).toEqual([
      {
        rule: 'invalidSuppression',
        status: 'error',
        level: 'baseline',
        severity: 'error',
        resource: { apiVersion: 'v1', kind: 'Pod', name: 'legacy', namespace: 'shop' },
        objectIndex: 0,
        path: ANNOTATION_PATH,
        locations: [{ path: ANNOTATION_PATH }],
        reason: 'invalid suppression',
        detail: 'annotation podguard.dev/suppress must be a string',
        message: 'annotation podguard.dev/suppress must be a string',
        messageId: 'invalidSuppression',
        controls: [],
      },
    ]);
  });

  it('refuses match in an annotation: it is on its object already', () => {
    const text = JSON.stringify([{ rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42', match: {} }]);
    const { findings } = evaluate(annotated(text), { level: 'restricted' });
    expect(
      findings.filter((finding) => finding.status === 'error').map((finding) => finding.message),
    ).toEqual(['unknown key "match" in suppression (annotation podguard.dev/suppress, entry 0)']);
    expect(findings.find((finding) => finding.rule === 'runAsNonRoot')?.status).toBe('fail');
  });

  it('reports an unused annotation suppression at the annotation of the List item', () => {
    const text = JSON.stringify([{ rule: 'privileged', reason: 'left over from an old chart' }]);
    const list = { apiVersion: 'v1', kind: 'List', items: [annotated(text)] };
    const unused = evaluate(list, { level: 'baseline' }).findings;
    const detail =
      'suppression of privileged in annotation podguard.dev/suppress matched no finding; remove it';
    expect(unused).toEqual([
      {
        rule: 'unusedSuppression',
        status: 'fail',
        level: 'hardened',
        severity: 'warning',
        resource: { apiVersion: 'v1', kind: 'Pod', name: 'legacy', namespace: 'shop' },
        objectIndex: 0,
        path: `/items/0${ANNOTATION_PATH}`,
        locations: [{ path: `/items/0${ANNOTATION_PATH}` }],
        reason: 'unused suppression (annotation)',
        detail,
        message: `unused suppression (annotation) (${detail})`,
        messageId: 'unusedSuppression',
        controls: [],
      },
    ]);
  });

  it('suppresses through the whole expiry day, up to its last millisecond', () => {
    const suppression = {
      rule: 'runAsNonRoot',
      reason: 'vendor image, ticket SEC-42',
      expires: '2026-11-22',
    };
    const statusAt = (now: string) =>
      evaluate(pod('web'), { level: 'restricted', now, suppressions: [suppression] }).findings.find(
        (finding) => finding.rule === 'runAsNonRoot',
      )?.status;
    expect(statusAt('2026-11-22T23:59:59.999Z')).toBe('suppressed');
    expect(statusAt('2026-11-23T00:00:00.000Z')).toBe('fail');
  });

  it('records on a suppressed finding only what the suppression says', () => {
    const finding = evaluate(pod('web'), {
      level: 'restricted',
      suppressions: [{ rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42' }],
    }).findings.find((candidate) => candidate.rule === 'runAsNonRoot');
    expect(finding?.suppression).toStrictEqual({ reason: 'vendor image, ticket SEC-42', source: 'options' });
  });
});

describe('a wrongly typed field', () => {
  it('is an error for that field, and the rules reading it do not judge it', () => {
    const object = pod('web', { seccompProfile: 'RuntimeDefault' });
    const findings = evaluate(object, { level: 'restricted' }).findings;
    expect(findings.map((finding) => [finding.rule, finding.status, finding.path])).toEqual([
      ['invalidInput', 'error', '/spec/containers/0/securityContext/seccompProfile'],
      ['allowPrivilegeEscalation', 'fail', '/spec/containers/0/securityContext'],
      ['capabilities_restricted', 'fail', '/spec/containers/0/securityContext'],
      ['runAsNonRoot', 'fail', '/spec/containers/0/securityContext'],
    ]);
  });
});

describe('findings from what a rule returns', () => {
  const variant = runAsUserRange.versions[0] as RuleVersion;
  const bare = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'app' }] },
  };
  /** Evaluates `bare` with runAsUserRange alone, its check answering `results`. */
  const evaluateWith = (results: () => CheckResult | readonly CheckResult[], options = {}) => {
    vi.spyOn(variant, 'check').mockImplementation(results as never);
    // A new profile object each time: plans are cached per profile, and this one must see the spy.
    const profile = { name: 'probe', level: 'privileged' as const, rules: ['runAsUserRange'] };
    return evaluate(bare, { profile, ...options });
  };
  const forbidden = (fields: Partial<Extract<CheckResult, { allowed: false }>> = {}): CheckResult => ({
    allowed: false,
    reason: 'runAsUser out of range',
    detail: 'runAsUser is 0',
    locations: [{ path: '/spec/containers/0/securityContext/runAsUser', container: 'c' }],
    ...fields,
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('makes one finding per failing result, none for an allowed one', () => {
    const { findings } = evaluateWith(() => [{ allowed: true }, forbidden(), { allowed: true }]);
    expect(findings.map((finding) => [finding.rule, finding.status, finding.message])).toEqual([
      ['runAsUserRange', 'fail', 'runAsUser out of range (runAsUser is 0)'],
    ]);
  });

  it("keeps a result's message id, and gives a result naming none the rule's first", () => {
    const { findings } = evaluateWith(() => [
      forbidden({ messageId: 'deniedUid' }),
      forbidden(),
      forbidden({ messageId: 'outOfRange' }),
      forbidden(),
    ]);
    expect(findings.map((finding) => finding.messageId)).toEqual([
      'deniedUid',
      'missingRunAsUser',
      'outOfRange',
      'missingRunAsUser',
    ]);
  });

  it('makes a result naming a message id the rule does not declare a rule error (a rule bug), not a crash', () => {
    const { findings, allowed } = evaluateWith(() => [forbidden({ messageId: 'tooHigh' }), forbidden()]);
    expect(allowed).toBe(false);
    expect(findings.map((finding) => [finding.status, finding.messageId, finding.message])).toEqual([
      ['error', 'ruleError', 'rule runAsUserRange failed: returned undeclared message id tooHigh'],
      ['fail', 'missingRunAsUser', 'runAsUser out of range (runAsUser is 0)'],
    ]);
    expect(findings[0]).toMatchObject({ rule: 'runAsUserRange', level: 'hardened', path: '/spec' });
  });

  it('places a result without locations at the pod spec', () => {
    const { findings } = evaluateWith(() => forbidden({ locations: [] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toStrictEqual({
      rule: 'runAsUserRange',
      status: 'fail',
      level: 'hardened',
      severity: 'error',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
      objectIndex: 0,
      path: '/spec',
      locations: [{ path: '/spec' }],
      reason: 'runAsUser out of range',
      detail: 'runAsUser is 0',
      message: 'runAsUser out of range (runAsUser is 0)',
      messageId: 'missingRunAsUser',
      controls: runAsUserRange.controls,
    });
  });

  it('names the container and carries the fix only when the result has them', () => {
    const fix = { kind: 'safe' as const, description: 'Set runAsUser.', patch: [] };
    const { findings } = evaluateWith(() => [
      forbidden({ messageId: 'outOfRange', fix, unfixable: 'container "d" is set elsewhere' }),
      forbidden({ messageId: 'outOfRange', locations: [{ path: '/spec/containers/0' }] }),
    ]);
    expect(findings.map((finding) => [finding.container, finding.fix, finding.unfixable])).toEqual([
      ['c', fix, 'container "d" is set elsewhere'],
      [undefined, undefined, undefined],
    ]);
    expect(Object.keys(findings[1] as Finding)).not.toContain('container');
    expect(Object.keys(findings[1] as Finding)).not.toContain('fix');
    expect(Object.keys(findings[1] as Finding)).not.toContain('unfixable');
  });

  it('never suppresses a rule error: the suppression stays unused', () => {
    const { findings } = evaluateWith(
      () => {
        throw new Error('boom');
      },
      { suppressions: [{ rule: 'runAsUserRange', reason: 'vendor image pins its uid' }] },
    );
    expect(findings.map((finding) => [finding.rule, finding.status])).toEqual([
      ['runAsUserRange', 'error'],
      ['unusedSuppression', 'fail'],
    ]);
    expect(findings[0]).toEqual({
      rule: 'runAsUserRange',
      status: 'error',
      level: 'hardened',
      severity: 'error',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
      objectIndex: 0,
      path: '/spec',
      locations: [{ path: '/spec' }],
      reason: 'rule error',
      detail: 'rule runAsUserRange failed: boom',
      message: 'rule runAsUserRange failed: boom',
      messageId: 'ruleError',
      controls: [],
    });
  });
});

describe('Dockerfiles and Jib build files', () => {
  it('points a malformed Dockerfile line at its line, past line 9 too', () => {
    const text = `${'# comment\n'.repeat(11)}FROM\n`;
    const { findings, allowed } = createEvaluation().evaluateDockerfile({ text, name: 'web/Dockerfile' });
    expect(findings).toEqual([
      {
        rule: 'invalidInput',
        status: 'error',
        level: 'baseline',
        severity: 'error',
        resource: { apiVersion: '', kind: 'Dockerfile', name: 'web/Dockerfile' },
        objectIndex: 0,
        path: '',
        locations: [{ path: '', line: 12, column: 1 }],
        reason: 'invalid input',
        detail: 'Dockerfile line 12: FROM needs an image',
        message: 'Dockerfile line 12: FROM needs an image',
        messageId: 'invalidInput',
        controls: [],
      },
    ]);
    expect(allowed).toBe(false);
  });

  it('judges the build target stage of a Dockerfile when one is given, else the last stage', () => {
    const text = 'FROM alpine AS build\nUSER 10001\nFROM alpine\n';
    const session = createEvaluation();
    expect(session.evaluateDockerfile({ text, target: 'build' }).findings).toEqual([]);
    expect(session.evaluateDockerfile({ text }).findings.map((finding) => finding.messageId)).toEqual([
      'noUser',
    ]);
  });

  it('applies the Maven profiles given', () => {
    const pom = `<project><profiles><profile><id>prod</id><build><plugins><plugin>
<artifactId>jib-maven-plugin</artifactId><configuration><container><user>10001</user></container></configuration>
</plugin></plugins></build></profile></profiles>
<build><plugins><plugin><artifactId>jib-maven-plugin</artifactId></plugin></plugins></build></project>`;
    const session = createEvaluation();
    expect(session.evaluateJib({ text: pom, format: 'maven', profiles: ['prod'] }).findings).toEqual([]);
    expect(
      session.evaluateJib({ text: pom, format: 'maven' }).findings.map((finding) => finding.messageId),
    ).toEqual(['noUser']);
  });

  it('reports a build file it cannot read as invalid input at the file', () => {
    const build = { text: 'x', format: 'ant' as never, name: 'build.xml' };
    expect(createEvaluation().evaluateJib(build).findings).toEqual([
      {
        rule: 'invalidInput',
        status: 'error',
        level: 'baseline',
        severity: 'error',
        resource: { apiVersion: '', kind: 'Jib', name: 'build.xml' },
        objectIndex: 0,
        path: '',
        locations: [{ path: '' }],
        reason: 'invalid input',
        detail: 'Jib build file format must be maven, gradle, gradle-kotlin, got "ant"',
        message: 'Jib build file format must be maven, gradle, gradle-kotlin, got "ant"',
        messageId: 'invalidInput',
        controls: [],
      },
    ]);
  });
});

describe('assembled pods (Argo Workflows, Tekton)', () => {
  const workflow = (spec: Record<string, unknown>) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'build', namespace: 'ci' },
    spec: {
      entrypoint: 'a',
      templates: [
        { name: 'a', container: { image: 'a' } },
        { name: 'b', container: { image: 'b' } },
      ],
      ...spec,
    },
  });

  it('reports a default two templates share once, with the fix of each template', () => {
    const object = workflow({
      templateDefaults: { container: { securityContext: { capabilities: { drop: ['NET_RAW'] } } } },
    });
    const findings = evaluate(object, { level: 'restricted' }).findings.filter(
      (finding) => finding.rule === 'capabilities_restricted',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.path).toBe('/spec/templateDefaults/container/securityContext/capabilities/drop');
    const fixFor = (template: number) => [
      {
        op: 'add',
        path: `/spec/templates/${template}/container/securityContext`,
        value: {},
        ifMissing: true,
      },
      {
        op: 'add',
        path: `/spec/templates/${template}/container/securityContext/capabilities`,
        value: {},
        ifMissing: true,
      },
      {
        op: 'add',
        path: `/spec/templates/${template}/container/securityContext/capabilities/drop`,
        value: ['NET_RAW'],
        ifMissing: true,
      },
      {
        op: 'add',
        path: `/spec/templates/${template}/container/securityContext/capabilities/drop/-`,
        value: 'ALL',
        ifMissing: true,
      },
    ];
    expect(findings[0]?.fix).toEqual({
      kind: 'safe',
      description: 'Add ALL to securityContext.capabilities.drop.',
      patch: [...fixFor(0), ...fixFor(1)],
    });
  });

  it('reports a default shared by a fixable and an unfixable template the same in either order: the fix of one, why not the other', () => {
    const linux = { name: 'a', container: { image: 'a' } };
    const windows = { name: 'b', nodeSelector: { 'kubernetes.io/os': 'windows' }, container: { image: 'b' } };
    const sharedDefault = {
      templateDefaults: { container: { securityContext: { capabilities: { drop: ['NET_RAW'] } } } },
    };
    const merged = (templates: unknown[]) => {
      const [finding, ...others] = evaluate(workflow({ ...sharedDefault, templates }), {
        level: 'restricted',
      }).findings.filter((each) => each.rule === 'capabilities_restricted');
      expect(others).toEqual([]);
      return finding;
    };
    const linuxFirst = merged([linux, windows]);
    const windowsFirst = merged([windows, linux]);
    expect(linuxFirst?.unfixable).toBe('Windows pods cannot set capabilities (a Linux-only field)');
    expect(windowsFirst?.unfixable).toBe(linuxFirst?.unfixable);
    // Each writes the Linux template's own container, wherever it sits; nothing for the Windows one.
    const paths = (finding: typeof linuxFirst) => finding?.fix?.patch.map((op) => op.path) ?? [];
    expect(paths(linuxFirst)).toHaveLength(4);
    expect(paths(linuxFirst).every((path) => path.startsWith('/spec/templates/0/container/'))).toBe(true);
    expect(paths(windowsFirst)).toEqual(
      paths(linuxFirst).map((path) => path.replace('/templates/0/', '/templates/1/')),
    );
    expect(windowsFirst?.fix?.kind).toBe('safe');
  });

  it('reports a wrongly typed default once, naming where it is written, with no fix', () => {
    const object = workflow({
      templateDefaults: { container: { securityContext: { privileged: 'yes' } } },
    });
    const path = '/spec/templateDefaults/container/securityContext/privileged';
    const errors = evaluate(object, { level: 'baseline' }).findings;
    expect(errors).toEqual([
      {
        rule: 'invalidInput',
        status: 'error',
        level: 'baseline',
        severity: 'error',
        resource: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'build', namespace: 'ci' },
        objectIndex: 0,
        path,
        locations: [{ path }],
        reason: 'invalid input',
        detail: `${path} must be a boolean, got a string ("yes")`,
        message: `${path} must be a boolean, got a string ("yes")`,
        messageId: 'invalidInput',
        controls: [],
      },
    ]);
  });

  it('reports a podSpecPatch it cannot judge as an unjudged field, a warning', () => {
    const object = workflow({ podSpecPatch: '{{inputs.parameters.patch}}' });
    const unjudged = evaluate(object, { level: 'baseline' }).findings;
    expect(unjudged).toHaveLength(1);
    expect(unjudged[0]).toEqual({
      rule: 'unjudgedField',
      status: 'fail',
      level: 'baseline',
      severity: 'warning',
      resource: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'build', namespace: 'ci' },
      objectIndex: 0,
      path: '/spec/podSpecPatch',
      locations: [{ path: '/spec/podSpecPatch' }],
      reason: 'unjudged field',
      detail: unjudged[0]?.message,
      message: unjudged[0]?.message,
      messageId: 'unjudgedField',
      controls: [],
    });
    expect(unjudged[0]?.message).toContain('it contains an Argo {{...}} expression');
  });

  it("keeps a finding's own unfixable reason when its fix maps onto the workflow whole", () => {
    const object = workflow({
      templates: [
        {
          name: 'a',
          container: { image: 'a' },
          sidecars: [{ name: 'proxy', image: 'p', securityContext: { allowPrivilegeEscalation: true } }],
        },
      ],
    });
    const finding = evaluate(object, { level: 'restricted' }).findings.find(
      (candidate) => candidate.rule === 'allowPrivilegeEscalation',
    );
    expect(finding?.fix?.patch).toEqual([
      { op: 'add', path: '/spec/templates/0/container/securityContext', value: {}, ifMissing: true },
      {
        op: 'add',
        path: '/spec/templates/0/container/securityContext/allowPrivilegeEscalation',
        value: false,
      },
    ]);
    expect(finding?.unfixable).toBe(
      'containers that set allowPrivilegeEscalation=true get false only from an unsafe fix',
    );
  });

  it("reports a wrongly typed field of an Argo template's container once, where it is written", () => {
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'etl' },
      spec: {
        entrypoint: 'run',
        templates: [
          {
            name: 'run',
            container: { image: 'registry.example/etl:1', securityContext: { privileged: 'yes' } },
          },
        ],
      },
    };
    const errors = evaluate(workflow, { level: 'baseline' }).findings.filter(
      (finding) => finding.status === 'error',
    );
    expect(errors.map((finding) => [finding.path, finding.message])).toEqual([
      [
        '/spec/templates/0/container/securityContext/privileged',
        '/spec/templates/0/container/securityContext/privileged must be a boolean, got a string ("yes")',
      ],
    ]);
  });

  it("reports a wrongly typed field of a Tekton run's podTemplate where it is written", () => {
    const run = {
      apiVersion: 'tekton.dev/v1',
      kind: 'TaskRun',
      metadata: { name: 'build' },
      spec: {
        podTemplate: { securityContext: { runAsUser: '0' } },
        taskSpec: { steps: [{ name: 'compile', image: 'registry.example/tool:1.0' }] },
      },
    };
    const errors = evaluate(run, { level: 'restricted' }).findings.filter(
      (finding) => finding.status === 'error',
    );
    expect(errors.map((finding) => [finding.rule, finding.path])).toEqual([
      ['invalidInput', '/spec/podTemplate/securityContext/runAsUser'],
    ]);
  });
});
