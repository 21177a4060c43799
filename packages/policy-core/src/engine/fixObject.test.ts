/**
 * The fix rounds under harden() and the namespace label fix: which fixes a round takes, how a fix
 * that does not resolve its finding or no longer applies is handled, the bound on rounds, and the
 * fields a suppression protects from other rules' fixes (issue 19).
 */
import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import type { Finding, Fix, FixKind, JsonPatchOperation } from '../model/types.js';
import { evaluate } from './evaluate.js';
import { fixObject, MAX_ROUNDS_PER_OBJECT, takesFix, writesProtectedField } from './fixObject.js';
import { harden } from './harden.js';

const finding = (rule: string, status: Finding['status'], fix?: Fix): Finding => ({
  rule,
  status,
  level: 'restricted',
  severity: 'error',
  resource: { apiVersion: 'v1', kind: 'Pod', name: 'web' },
  objectIndex: 0,
  path: '/spec',
  locations: [{ path: '/spec' }],
  reason: `${rule} reason`,
  detail: `${rule} detail`,
  message: `${rule} message`,
  messageId: rule,
  controls: [],
  ...(fix === undefined ? {} : { fix }),
});

const fixOf = (kind: FixKind, patch: JsonPatchOperation[]): Fix => ({
  kind,
  description: `${kind}: ${patch.map((op) => `${op.op} ${op.path}`).join(', ')}`,
  patch,
});

interface Spec {
  spec: Record<string, unknown>;
}
const specOf = (object: unknown) => (object as Spec).spec;

/** An evaluator over `{ spec }` objects that counts its calls. */
function evaluator(rules: (spec: Record<string, unknown>) => Finding[]) {
  const calls: unknown[] = [];
  const evaluateOne = (object: unknown): Finding[] => {
    calls.push(object);
    return rules(specOf(object));
  };
  return { calls, evaluateOne };
}

const describeObject = () => 'object 3';

describe('takesFix', () => {
  const safe = fixOf('safe', [{ op: 'add', path: '/spec/a', value: true }]);
  const unsafe = fixOf('unsafe', [{ op: 'replace', path: '/spec/a', value: true }]);

  it('takes the safe fix of a failing finding, and its unsafe fix only when asked', () => {
    expect(takesFix(finding('r', 'fail', safe), false)).toBe(true);
    expect(takesFix(finding('r', 'fail', unsafe), false)).toBe(false);
    expect(takesFix(finding('r', 'fail', unsafe), true)).toBe(true);
  });

  it('takes nothing from a finding without a fix, a suppressed one or an error', () => {
    expect(takesFix(finding('r', 'fail'), true)).toBe(false);
    expect(takesFix(finding('r', 'suppressed', safe), true)).toBe(false);
    expect(takesFix(finding('r', 'error', safe), true)).toBe(false);
  });
});

describe('fixObject', () => {
  it('applies the fixes of a round together and evaluates again until none is left, the input untouched', () => {
    // `b` can only be fixed once `a` is there, as allowPrivilegeEscalation=false after SYS_ADMIN goes.
    const a = fixOf('safe', [{ op: 'add', path: '/spec/a', value: { on: true } }]);
    const b = fixOf('safe', [{ op: 'add', path: '/spec/b', value: 1 }]);
    const c = fixOf('safe', [{ op: 'add', path: '/spec/c', value: 2 }]);
    const { calls, evaluateOne } = evaluator((spec) => [
      ...(spec.a === undefined ? [finding('a', 'fail', a)] : []),
      ...(spec.a !== undefined && spec.b === undefined ? [finding('b', 'fail', b)] : []),
      ...(spec.c === undefined ? [finding('c', 'fail', c)] : []),
    ]);
    const input = { spec: { keep: 'me' } };
    const { object, applied } = fixObject(input, evaluateOne, false, describeObject);
    expect(object).toEqual({ spec: { keep: 'me', a: { on: true }, b: 1, c: 2 } });
    expect(input).toEqual({ spec: { keep: 'me' } });
    expect(applied).toEqual([
      { rule: 'a', kind: 'safe', path: '/spec', description: 'safe: add /spec/a', patch: a.patch },
      { rule: 'c', kind: 'safe', path: '/spec', description: 'safe: add /spec/c', patch: c.patch },
      { rule: 'b', kind: 'safe', path: '/spec', description: 'safe: add /spec/b', patch: b.patch },
    ]);
    expect(calls).toHaveLength(3);
  });

  it('returns the object as it is when nothing fails', () => {
    const input = { spec: {} };
    const { calls, evaluateOne } = evaluator(() => [finding('r', 'fail')]);
    expect(fixObject(input, evaluateOne, true, describeObject)).toEqual({ object: input, applied: [] });
    expect(calls).toEqual([input]);
  });

  it('applies an unsafe fix only when asked', () => {
    const replace = fixOf('unsafe', [{ op: 'replace', path: '/spec/runAsUser', value: 1000 }]);
    const { evaluateOne } = evaluator((spec) =>
      spec.runAsUser === 0 ? [finding('runAsRoot', 'fail', replace)] : [],
    );
    const input = { spec: { runAsUser: 0 } };
    expect(fixObject(input, evaluateOne, false, describeObject)).toEqual({ object: input, applied: [] });
    const { object, applied } = fixObject(input, evaluateOne, true, describeObject);
    expect(object).toEqual({ spec: { runAsUser: 1000 } });
    expect(applied.map((fix) => [fix.rule, fix.kind])).toEqual([['runAsRoot', 'unsafe']]);
  });

  it('applies each fix once: a fix that leaves its finding failing is not applied again', () => {
    // The fix does not resolve the finding (the rule wants more than the fix gives).
    const partly = fixOf('safe', [{ op: 'add', path: '/spec/tries/-', value: 'again' }]);
    const { calls, evaluateOne } = evaluator(() => [finding('stubborn', 'fail', partly)]);
    const { object, applied } = fixObject({ spec: { tries: [] } }, evaluateOne, false, describeObject);
    expect(object).toEqual({ spec: { tries: ['again'] } });
    expect(applied.map((fix) => fix.rule)).toEqual(['stubborn']);
    expect(calls).toHaveLength(2);
  });

  it('skips a fix whose patch no longer applies, reports only the fixes applied, and lets the next round judge', () => {
    // Both fixes come from the same round; removing the sidecar takes away what the second patches.
    const removeSidecar = fixOf('unsafe', [{ op: 'remove', path: '/spec/sidecar' }]);
    const unprivileged = fixOf('unsafe', [{ op: 'replace', path: '/spec/sidecar/privileged', value: false }]);
    const { calls, evaluateOne } = evaluator((spec) =>
      spec.sidecar === undefined
        ? []
        : [finding('noSidecar', 'fail', removeSidecar), finding('privileged', 'fail', unprivileged)],
    );
    const { object, applied } = fixObject(
      { spec: { sidecar: { privileged: true } } },
      evaluateOne,
      true,
      describeObject,
    );
    expect(object).toEqual({ spec: {} });
    expect(applied.map((fix) => fix.rule)).toEqual(['noSidecar']);
    expect(calls).toHaveLength(2);
  });

  it('lets any other error of a patch through: a fix that is not JSON data is a podguard bug', () => {
    const broken = fixOf('safe', [{ op: 'add', path: '/spec/a', value: () => 1 }]);
    const { evaluateOne } = evaluator(() => [finding('broken', 'fail', broken)]);
    expect(() => fixObject({ spec: {} }, evaluateOne, false, describeObject)).toThrow(PodguardInputError);
  });

  /** An object that passes after `rounds` rounds of fixes, each a new fix (another value). */
  const settlingAfter = (rounds: number) =>
    evaluator((spec) => {
      const round = spec.round as number;
      return round < rounds
        ? [finding('step', 'fail', fixOf('safe', [{ op: 'replace', path: '/spec/round', value: round + 1 }]))]
        : [];
    });

  it(`settles an object that needs ${MAX_ROUNDS_PER_OBJECT} rounds, and gives up, naming it, on one that needs more`, () => {
    expect(MAX_ROUNDS_PER_OBJECT).toBe(16);
    const enough = settlingAfter(MAX_ROUNDS_PER_OBJECT);
    const { object, applied } = fixObject({ spec: { round: 0 } }, enough.evaluateOne, false, describeObject);
    expect(object).toEqual({ spec: { round: 16 } });
    expect(applied).toHaveLength(16);
    expect(enough.calls).toHaveLength(17);

    const more = settlingAfter(MAX_ROUNDS_PER_OBJECT + 1);
    expect(() => fixObject({ spec: { round: 0 } }, more.evaluateOne, false, describeObject)).toThrow(
      new Error('harden did not settle object 3 within 16 rounds of fixes; this is a podguard bug'),
    );
    expect(more.calls).toHaveLength(17);
  });

  describe('suppressed findings bind the fixes of other rules', () => {
    const runAsUser = fixOf('unsafe', [
      { op: 'replace', path: '/spec/initContainers/0/securityContext/runAsUser', value: 1000 },
    ]);
    const group = fixOf('safe', [
      { op: 'add', path: '/spec/initContainers/0/securityContext/runAsGroup', value: 1000 },
    ]);

    it('a fix writing a field the suppressed rule reads is not applied, in any container group', () => {
      const { evaluateOne } = evaluator(() => [
        finding('runAsUserRange', 'suppressed'),
        finding('runAsRoot', 'fail', runAsUser),
        finding('runAsGroupPolicy', 'fail', group),
      ]);
      const input = { spec: { initContainers: [{ name: 'init', securityContext: { runAsUser: 0 } }] } };
      const { object, applied } = fixObject(input, evaluateOne, true, describeObject);
      expect(applied.map((fix) => fix.rule)).toEqual(['runAsGroupPolicy']);
      expect(object).toEqual({
        spec: { initContainers: [{ name: 'init', securityContext: { runAsUser: 0, runAsGroup: 1000 } }] },
      });
    });

    it('an item a suppressed finding judges protects its list, wherever the container sits', () => {
      const add = '/spec/templates/0/container/securityContext/capabilities/add';
      const suppressed: Finding = {
        ...finding('capabilities_restricted', 'suppressed'),
        locations: [{ path: `${add}/0` }],
      };
      const remove = fixOf('unsafe', [{ op: 'remove', path: `${add}/0` }]);
      const input = {
        spec: { templates: [{ container: { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } } }] },
      };
      const guarded = fixObject(
        input,
        evaluator((spec) => [
          suppressed,
          ...(JSON.stringify(spec).includes('SYS_ADMIN')
            ? [finding('capabilities_baseline', 'fail', remove)]
            : []),
        ]).evaluateOne,
        true,
        describeObject,
      );
      expect(guarded.applied).toEqual([]);
      expect(guarded.object).toEqual(input);
    });

    it('a suppressed finding of a rule podguard does not know protects nothing', () => {
      const { evaluateOne } = evaluator(() => [
        finding('vendor-policy/uid', 'suppressed'),
        finding('runAsRoot', 'fail', runAsUser),
      ]);
      const input = { spec: { initContainers: [{ name: 'init', securityContext: { runAsUser: 0 } }] } };
      const { object } = fixObject(input, evaluateOne, true, describeObject);
      expect(object).toEqual({
        spec: { initContainers: [{ name: 'init', securityContext: { runAsUser: 1000 } }] },
      });
    });
  });
});

describe('harden: runAsUserRange suppressed, runAsRoot does not rewrite an init container runAsUser', () => {
  const options = {
    unsafe: true,
    suppressions: [{ rule: 'runAsUserRange', reason: 'vendor image pinned uid, ticket DB-7' }],
  };
  const init = { name: 'init', image: 'vendor.example/init:1', securityContext: { runAsUser: 0 } };
  const main = { image: 'vendor.example/db:16', securityContext: { runAsUser: 2000 } };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'db', namespace: 'data' },
    spec: { initContainers: [init], containers: [{ name: 'db', ...main }] },
  };
  // An Argo template's containers sit under the template, not under a `spec`.
  const workflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'etl', namespace: 'data' },
    spec: { entrypoint: 'run', templates: [{ name: 'run', initContainers: [init], container: main }] },
  };
  const writesRunAsUser = (patch: JsonPatchOperation[]) => patch.some((op) => op.path.endsWith('/runAsUser'));

  it('in a Pod', () => {
    const { object, changes } = harden(pod, options);
    expect(object.spec.initContainers[0]?.securityContext).toMatchObject({ runAsUser: 0 });
    expect(changes.filter((change) => writesRunAsUser(change.patch))).toEqual([]);
    // Without the suppression, the same fix applies.
    expect(harden(pod, { unsafe: true }).object.spec.initContainers[0]?.securityContext).toMatchObject({
      runAsUser: 1000,
    });
  });

  it('in an Argo Workflow template', () => {
    const { object, changes } = harden(workflow, options);
    expect(object.spec.templates[0]?.initContainers[0]?.securityContext).toMatchObject({ runAsUser: 0 });
    expect(changes.filter((change) => writesRunAsUser(change.patch))).toEqual([]);
    expect(
      harden(workflow, { unsafe: true }).object.spec.templates[0]?.initContainers[0]?.securityContext,
    ).toMatchObject({ runAsUser: 1000 });
  });
});

describe('harden: a suppression binds fixes wherever the pod sits, and no fix breaks what held', () => {
  const options = {
    unsafe: true,
    suppressions: [{ rule: 'runAsUserRange', reason: 'vendor image pinned uid, ticket DB-7' }],
  };
  const template = (fields: Record<string, unknown>) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'etl', namespace: 'data' },
    spec: { entrypoint: 'run', templates: [{ name: 'run', ...fields }] },
  });
  const root = { image: 'vendor.example/etl:1', securityContext: { runAsUser: 0 } };

  it("an Argo template's container, script and sidecars keep the runAsUser a suppression protects", () => {
    for (const [field, value, rest] of [
      ['container', root],
      ['script', { ...root, source: 'echo hi' }],
      ['sidecars', [{ name: 'proxy', ...root }], { container: { image: 'vendor.example/etl:1' } }],
    ] as const) {
      const fields = { ...(rest ?? {}), [field]: value };
      const { object, changes } = harden(template(fields), options);
      const written = changes.flatMap((change) => change.patch.map((op) => op.path));
      expect(
        written.filter((path) => path.endsWith('/runAsUser') || path.endsWith('/runAsNonRoot')),
        field,
      ).toEqual([]);
      const kept = object.spec.templates[0] as Record<string, unknown>;
      expect(JSON.stringify(kept[field]), field).toContain('"runAsUser":0');
      // Without the suppression, the unsafe fix moves it off root.
      const unsuppressed = harden(template(fields), { unsafe: true }).object.spec.templates[0];
      expect(JSON.stringify((unsuppressed as Record<string, unknown>)[field]), field).toContain(
        '"runAsUser":1000',
      );
    }
  });

  it("an Argo template's own securityContext keeps the runAsUser a suppression protects", () => {
    const workflow = template({
      securityContext: { runAsUser: 0 },
      container: { image: 'vendor.example/etl:1' },
    });
    const kept = harden(workflow, options).object.spec.templates[0] as Record<string, unknown>;
    expect(kept.securityContext).toMatchObject({ runAsUser: 0 });
    expect(kept.securityContext).not.toHaveProperty('runAsNonRoot');
  });

  it('a suppressed list keeps its items: the SYS_ADMIN a suppression of capabilities_restricted allows stays', () => {
    const workflow = template({
      container: {
        image: 'vendor.example/fuse:1',
        securityContext: { capabilities: { add: ['SYS_ADMIN'] } },
      },
    });
    const suppressed = {
      unsafe: true,
      suppressions: [{ rule: 'capabilities_restricted', reason: 'FUSE mounts need SYS_ADMIN, ticket ST-4' }],
    };
    const container = (object: unknown) =>
      ((object as { spec: { templates: { container: { securityContext: unknown } }[] } }).spec.templates[0]
        ?.container.securityContext ?? {}) as Record<string, unknown>;
    expect(container(harden(workflow, suppressed).object).capabilities).toEqual({ add: ['SYS_ADMIN'] });
    // Without it, the unsafe fixes remove it.
    expect(container(harden(workflow, { unsafe: true }).object).capabilities).toEqual({
      add: [],
      drop: ['ALL'],
    });
  });

  it('runAsNonRoot: true is not added beside a runAsUser 0 the suppression keeps (the kubelet would refuse the pod)', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db', namespace: 'data' },
      spec: {
        containers: [{ name: 'db', image: 'vendor.example/db:16', securityContext: { runAsUser: 0 } }],
      },
    };
    const { object, changes } = harden(pod, options);
    expect((object.spec as Record<string, unknown>).securityContext).toEqual({
      seccompProfile: { type: 'RuntimeDefault' },
      runAsGroup: 1000,
    });
    expect(changes.map((change) => change.rule)).not.toContain('runAsNonRoot');
    const after = evaluate(object, { profile: 'hardened', suppressions: options.suppressions });
    const failing = after.findings
      .filter((finding) => finding.status === 'fail')
      .map((finding) => finding.rule);
    // What still fails is what the suppression keeps, with no kubeletRunAsNonRoot among it.
    expect(failing).toEqual(['runAsNonRoot', 'runAsUser', 'runAsRoot']);
    // Without the suppression, harden does as before: off root, then runAsNonRoot.
    const unsuppressed = harden(pod, { unsafe: true }).object.spec as Record<string, unknown>;
    expect(unsuppressed.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(JSON.stringify(unsuppressed.containers)).toContain('"runAsUser":1000');
  });
});

describe('fixObject: a fix that breaks a rule that held is left out, the others of its round kept', () => {
  it('redoes the round one fix at a time and drops the fix after which a rule fails that no fix repairs', () => {
    // `breaker` makes rule `held` fail with no fix (before, its finding was suppressed: it held for
    // the author); `good` is independent.
    const { calls, evaluateOne } = evaluator((spec) => [
      finding('held', spec.broken ? 'fail' : 'suppressed'),
      ...(spec.broken === undefined
        ? [finding('breaker', 'fail', fixOf('safe', [{ op: 'add', path: '/spec/broken', value: true }]))]
        : []),
      ...(spec.good === undefined
        ? [finding('good', 'fail', fixOf('safe', [{ op: 'add', path: '/spec/good', value: true }]))]
        : []),
    ]);
    const { object, applied } = fixObject({ spec: {} }, evaluateOne, false, describeObject);
    expect(object).toEqual({ spec: { good: true } });
    expect(applied.map((fix) => fix.rule)).toEqual(['good']);
    // The first evaluation, the round's, then one per fix of the redone round, the settled one.
    expect(calls).toHaveLength(5);
  });

  it('keeps a fix after which a rule fails that a later fix repairs (runAsNonRoot on Windows asks for runAsUserName)', () => {
    const { object, applied } = fixObject(
      { spec: {} },
      evaluator((spec) => [
        ...(spec.nonRoot === undefined
          ? [
              finding(
                'runAsNonRoot',
                'fail',
                fixOf('safe', [{ op: 'add', path: '/spec/nonRoot', value: true }]),
              ),
            ]
          : []),
        ...(spec.nonRoot && spec.user === undefined
          ? [
              finding(
                'kubelet',
                'fail',
                fixOf('safe', [{ op: 'add', path: '/spec/user', value: 'ContainerUser' }]),
              ),
            ]
          : []),
      ]).evaluateOne,
      false,
      describeObject,
    );
    expect(object).toEqual({ spec: { nonRoot: true, user: 'ContainerUser' } });
    expect(applied.map((fix) => fix.rule)).toEqual(['runAsNonRoot', 'kubelet']);
  });
});

describe('writesProtectedField', () => {
  // The patterns of the fields rules read, as fixObject builds them from `reads`.
  const podRunAsUser = ['securityContext', 'runAsUser']; // securityContext.runAsUser
  const containerRunAsUser = ['containers', '*', 'securityContext', 'runAsUser']; // containers[].securityContext.runAsUser
  const volumes = ['volumes', '*']; // volumes[]
  const annotations = ['metadata', 'annotations']; // metadata.annotations
  const labels = ['metadata', 'labels']; // metadata.labels
  const writes = (path: string, value?: unknown): JsonPatchOperation[] => [
    value === undefined ? { op: 'remove', path } : { op: 'add', path, value },
  ];

  it('protects nothing without a suppressed field', () => {
    expect(writesProtectedField(writes('/spec/securityContext/runAsUser', 0), [])).toBe(false);
  });

  it('a pod-level field is the pod spec’s, in a Pod or a template, not a container’s of the same name', () => {
    expect(writesProtectedField(writes('/spec/securityContext/runAsUser', 1000), [podRunAsUser])).toBe(true);
    expect(
      writesProtectedField(writes('/spec/template/spec/securityContext/runAsUser', 1000), [podRunAsUser]),
    ).toBe(true);
    expect(writesProtectedField(writes('/spec/securityContext/runAsUser'), [podRunAsUser])).toBe(true);
    expect(
      writesProtectedField(writes('/spec/containers/0/securityContext/runAsUser', 1000), [podRunAsUser]),
    ).toBe(false);
    expect(writesProtectedField(writes('/spec/securityContext/runAsGroup', 1000), [podRunAsUser])).toBe(
      false,
    );
  });

  it('a container field is that field of every container group, wherever the containers sit', () => {
    for (const group of ['containers', 'initContainers', 'ephemeralContainers']) {
      const path = `/spec/template/spec/${group}/2/securityContext/runAsUser`;
      expect(writesProtectedField(writes(path, 1000), [containerRunAsUser]), path).toBe(true);
    }
    // An Argo template's init containers.
    const argo = '/spec/templates/0/initContainers/0/securityContext/runAsUser';
    expect(writesProtectedField(writes(argo, 1000), [containerRunAsUser])).toBe(true);
    expect(
      writesProtectedField(writes('/spec/containers/0/securityContext/runAsGroup', 1000), [
        containerRunAsUser,
      ]),
    ).toBe(false);
  });

  it('adding a container writes no volume, and an empty volume list no volume either', () => {
    expect(writesProtectedField(writes('/spec/containers/-', { name: 'sidecar' }), [volumes])).toBe(false);
    expect(writesProtectedField(writes('/spec/volumes', []), [volumes])).toBe(false);
    expect(writesProtectedField(writes('/spec/volumes/-', { name: 'tmp', emptyDir: {} }), [volumes])).toBe(
      true,
    );
  });

  it('metadata is protected wherever it sits: the object’s and a pod template’s', () => {
    expect(writesProtectedField(writes('/metadata/labels', { team: 'a' }), [labels])).toBe(true);
    expect(writesProtectedField(writes('/spec/template/metadata/annotations', {}), [annotations])).toBe(true);
    expect(writesProtectedField(writes('/spec/template/metadata/labels', {}), [annotations])).toBe(false);
  });

  it('sees every leaf of an object or array value, not only the path it is written at', () => {
    const securityContext = writes('/spec/securityContext', { runAsNonRoot: true, runAsUser: 1000 });
    expect(writesProtectedField(securityContext, [podRunAsUser])).toBe(true);
    const initContainers = writes('/spec/initContainers', [
      { name: 'init', securityContext: { capabilities: { drop: ['ALL'] } } },
      { name: 'setup', securityContext: { runAsUser: 0 } },
    ]);
    expect(writesProtectedField(initContainers, [containerRunAsUser])).toBe(true);
    expect(writesProtectedField(initContainers, [podRunAsUser])).toBe(false);
  });

  it('a field written at the root of the object is a pod spec’s own (a bare PodSpec)', () => {
    expect(writesProtectedField(writes('/securityContext/runAsUser', 1000), [podRunAsUser])).toBe(true);
    expect(writesProtectedField(writes('/hostNetwork', true), [['hostNetwork']])).toBe(true);
  });

  it('a patch writes a protected place when any one of its operations does', () => {
    const place = '/spec/templates/0/container/securityContext/runAsUser';
    const patch: JsonPatchOperation[] = [
      { op: 'add', path: '/spec/templates/0/container/securityContext/runAsGroup', value: 1000 },
      { op: 'replace', path: place, value: 1000 },
    ];
    expect(writesProtectedField(patch, [], [place])).toBe(true);
    expect(writesProtectedField(patch.slice(0, 1), [], [place])).toBe(false);
  });

  it('a value inside a protected field is protected: removing one added capability', () => {
    const add = ['containers', '*', 'securityContext', 'capabilities', 'add'];
    const remove: JsonPatchOperation[] = [
      { op: 'remove', path: '/spec/containers/0/securityContext/capabilities/add/0' },
    ];
    expect(writesProtectedField(remove, [add])).toBe(true);
    expect(
      writesProtectedField(remove, [['containers', '*', 'securityContext', 'capabilities', 'drop']]),
    ).toBe(false);
  });

  it('a judged value protects its place: writing there or inside, or replacing what holds it, not filling a parent', () => {
    const place = '/spec/templates/0/container/securityContext/runAsUser';
    const at = (op: JsonPatchOperation) => writesProtectedField([op], [], [place]);
    expect(at({ op: 'replace', path: place, value: 1000 })).toBe(true);
    expect(at({ op: 'remove', path: '/spec/templates/0/container/securityContext' })).toBe(true);
    expect(at({ op: 'replace', path: '/spec/templates/0/container', value: {} })).toBe(true);
    expect(at({ op: 'add', path: '/spec/templates/0/container/securityContext', value: {} })).toBe(true);
    expect(
      at({ op: 'add', path: '/spec/templates/0/container/securityContext', value: {}, ifMissing: true }),
    ).toBe(false);
    expect(
      at({ op: 'add', path: '/spec/templates/0/container/securityContext/runAsGroup', value: 1000 }),
    ).toBe(false);
    expect(at({ op: 'test', path: place, value: 0 })).toBe(false);
    // Inside a place that holds a list.
    const add = '/spec/templates/0/container/securityContext/capabilities/add';
    expect(writesProtectedField([{ op: 'remove', path: `${add}/0` }], [], [add])).toBe(true);
    // A place only shares a prefix of its name with another: /runAsUserName is not inside /runAsUser.
    expect(at({ op: 'add', path: `${place}Name`, value: 'ContainerUser' })).toBe(false);
  });

  it('reads keys and path tokens that need escaping in a JSON pointer (annotation keys)', () => {
    const key = 'container.apparmor.security.beta.kubernetes.io/app~1';
    const field = [...annotations, key];
    expect(writesProtectedField(writes('/metadata/annotations', { [key]: 'runtime/default' }), [field])).toBe(
      true,
    );
    expect(
      writesProtectedField(
        writes(
          '/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app~01',
          'runtime/default',
        ),
        [field],
      ),
    ).toBe(true);
  });
});
