import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { harden } from '../engine/harden.js';
import type { Finding } from '../model/types.js';
import { extractObject } from './extract.js';

const workflow = <Spec extends Record<string, unknown>>(spec: Spec) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'build', namespace: 'ci' },
  spec: { entrypoint: 'main', ...spec },
});

/** A container the restricted and hardened profiles accept, once the pod level is set. */
const hardenedContainer = (image: string) => ({
  image,
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  },
});

const hardenedPod = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

const failing = (findings: readonly Finding[], rule: string) =>
  findings.filter((finding) => finding.rule === rule && finding.status === 'fail');

const pathsOf = (findings: readonly Finding[], rule: string) =>
  failing(findings, rule).map((finding) => finding.path);

/** Every leaf of `authored` (by JSON pointer) with its value. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, `${path}/${index}`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => leaves(item, `${path}/${key}`));
  return [[path, value]];
}

function at(object: unknown, path: string): unknown {
  let current = object;
  for (const token of path.split('/').slice(1)) current = (current as Record<string, unknown>)?.[token];
  return current;
}

describe('Argo Workflows: templateDefaults', () => {
  it('a privileged container in templateDefaults fails once, at its pointer in templateDefaults', () => {
    const object = workflow({
      templateDefaults: { container: { securityContext: { privileged: true } } },
      templates: [
        { name: 'a', container: { image: 'a' } },
        { name: 'b', container: { image: 'b' } },
      ],
    });
    const { findings } = evaluate(object, { level: 'baseline' });
    expect(pathsOf(findings, 'privileged')).toEqual([
      '/spec/templateDefaults/container/securityContext/privileged',
    ]);
    expect(failing(findings, 'privileged')[0]?.message).toBe(
      'privileged (container "main" must not set securityContext.privileged=true)',
    );
  });

  it("the template's own field wins over the default; defaults of another template type do not apply", () => {
    const object = workflow({
      templateDefaults: {
        container: { securityContext: { privileged: true } },
        script: { securityContext: { privileged: true } },
      },
      templates: [
        { name: 'a', container: { image: 'a', securityContext: { privileged: false } } },
        { name: 'b', script: { image: 'b', source: 'true', securityContext: { privileged: false } } },
        { name: 'c', containerSet: { containers: [{ name: 'x', image: 'x' }] } },
      ],
    });
    expect(failing(evaluate(object, { level: 'baseline' }).findings, 'privileged')).toEqual([]);
  });

  it('templateDefaults.securityContext is the pod securityContext above the workflow spec, merged with the template', () => {
    const object = workflow({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      templateDefaults: { securityContext: { runAsNonRoot: false } },
      templates: [
        { name: 'a', container: hardenedContainer('a') },
        { name: 'b', container: hardenedContainer('b'), securityContext: { runAsUser: 1000 } },
      ],
    });
    const { findings } = evaluate(object, { level: 'restricted' });
    // The workflow's securityContext no longer applies: seccomp is unset for both templates.
    expect(pathsOf(findings, 'runAsNonRoot')).toEqual([
      '/spec/templateDefaults/securityContext/runAsNonRoot',
    ]);
    expect(pathsOf(findings, 'seccompProfile_restricted')).toEqual([
      '/spec/templates/0/container/securityContext',
      '/spec/templates/1/container/securityContext',
    ]);
    // The unsafe fix changes the value where it is written.
    expect(failing(findings, 'runAsNonRoot')[0]?.fix).toMatchObject({
      kind: 'unsafe',
      patch: [{ op: 'replace', path: '/spec/templateDefaults/securityContext/runAsNonRoot', value: true }],
    });
  });

  it('sidecars and initContainers merge by name; one only in the defaults is judged at its pointer there', () => {
    const object = workflow({
      templateDefaults: {
        sidecars: [
          { name: 'proxy', image: 'p', securityContext: { privileged: true } },
          { name: 'log', image: 'l', securityContext: { privileged: true } },
        ],
        initContainers: [
          { name: 'setup', image: 's', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
        ],
      },
      templates: [
        {
          name: 'a',
          container: { image: 'a' },
          sidecars: [{ name: 'log', securityContext: { privileged: false } }],
        },
      ],
    });
    const { findings } = evaluate(object, { level: 'baseline' });
    expect(pathsOf(findings, 'privileged')).toEqual([
      '/spec/templateDefaults/sidecars/0/securityContext/privileged',
    ]);
    expect(failing(findings, 'privileged')[0]?.message).toContain('container "proxy"');
    expect(pathsOf(findings, 'capabilities_baseline')).toEqual([
      '/spec/templateDefaults/initContainers/0/securityContext/capabilities/add/0',
    ]);
  });

  it('containerSet containers only the defaults have are judged, and fixed, in templateDefaults', () => {
    const object = workflow({
      templateDefaults: { containerSet: { containers: [{ name: 'x', image: 'x' }] } },
      templates: [{ name: 'a', containerSet: { volumeMounts: [] } }],
    });
    const { findings } = evaluate(object, { level: 'restricted' });
    expect(pathsOf(findings, 'capabilities_restricted')).toEqual([
      '/spec/templateDefaults/containerSet/containers/0',
    ]);
    const { object: fixed, remaining } = harden(object, { level: 'restricted' });
    expect(remaining).toEqual([]);
    expect(fixed.spec.templateDefaults.containerSet.containers[0]).toMatchObject({
      name: 'x',
      securityContext: { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
    });
    expect(fixed.spec.templates[0]?.containerSet).toEqual({ volumeMounts: [] });
  });

  it('a wrongly typed field in templateDefaults or a podSpecPatch is an input error naming where it is written', () => {
    const object = workflow({
      templateDefaults: { container: { securityContext: { privileged: 'yes' } } },
      podSpecPatch: 'securityContext:\n  runAsUser: "0"\n',
      templates: [{ name: 'a', container: { image: 'a' } }],
    });
    const errors = evaluate(object, { level: 'baseline' }).findings.filter(
      (finding) => finding.rule === 'invalidInput',
    );
    expect(errors.map((finding) => [finding.path, finding.message])).toEqual([
      [
        '/spec/templateDefaults/container/securityContext/privileged',
        '/spec/templateDefaults/container/securityContext/privileged must be a boolean, got a string ("yes")',
      ],
      [
        '/spec/podSpecPatch',
        '/spec/podSpecPatch (its securityContext/runAsUser) must be an integer, got a string ("0")',
      ],
    ]);
  });

  it('a workflow whose templateDefaults carry the hardening passes', () => {
    const object = workflow({
      automountServiceAccountToken: false,
      templateDefaults: {
        securityContext: hardenedPod,
        container: hardenedContainer('unused'),
        script: hardenedContainer('unused'),
      },
      templates: [
        { name: 'main', steps: [[{ name: 'a', template: 'a' }]] },
        { name: 'a', container: { image: 'registry.example/a:1' } },
        { name: 'b', script: { image: 'registry.example/b:1', source: 'true' } },
      ],
    });
    expect(evaluate(object).findings).toEqual([]);
    expect(evaluate(object, { level: 'restricted' }).allowed).toBe(true);
  });

  it('harden() reaches a passing workflow, adding to each template and never changing an authored value', () => {
    const object = workflow({
      templateDefaults: {
        securityContext: { runAsGroup: 1000 },
        container: { securityContext: { runAsUser: 1000, capabilities: { drop: ['NET_RAW'] } } },
      },
      templates: [
        { name: 'a', container: { image: 'a' } },
        { name: 'b', container: { image: 'b', securityContext: { readOnlyRootFilesystem: true } } },
        { name: 'c', script: { image: 'c', source: 'true' } },
      ],
    });
    const before = structuredClone(object);
    const { object: fixed, remaining, changes } = harden(object);
    expect(object).toEqual(before);
    expect(remaining).toEqual([]);
    expect(changes.every((change) => change.kind === 'safe')).toBe(true);
    expect(evaluate(fixed).findings).toEqual([]);
    for (const [path, value] of leaves(before)) expect(at(fixed, path), path).toEqual(value);
    // The defaults are the author's: fixes go to the templates, which win over them.
    expect(fixed.spec.templateDefaults).toEqual(before.spec.templateDefaults);
    expect(fixed.spec.templates[0]?.container).toMatchObject({
      securityContext: { capabilities: { drop: ['NET_RAW', 'ALL'] }, allowPrivilegeEscalation: false },
    });
  });

  it('the workflow-level automountServiceAccountToken counts for a template with its own securityContext', () => {
    const object = workflow({
      automountServiceAccountToken: false,
      templates: [{ name: 'a', container: hardenedContainer('a'), securityContext: hardenedPod }],
    });
    expect(evaluate(object).findings).toEqual([]);
    const own = workflow({
      automountServiceAccountToken: false,
      templates: [
        {
          name: 'a',
          container: hardenedContainer('a'),
          securityContext: hardenedPod,
          automountServiceAccountToken: true,
        },
      ],
    });
    expect(pathsOf(evaluate(own).findings, 'automountServiceAccountToken')).toEqual([
      '/spec/templates/0/automountServiceAccountToken',
    ]);
  });

  it('inside a List, fixes carry the item pointer', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        workflow({
          templateDefaults: { container: { securityContext: { capabilities: { drop: ['NET_RAW'] } } } },
          templates: [{ name: 'a', container: { image: 'a' } }],
        }),
      ],
    };
    const { findings } = evaluate(list, { level: 'restricted' });
    expect(failing(findings, 'capabilities_restricted')[0]).toMatchObject({
      path: '/items/0/spec/templateDefaults/container/securityContext/capabilities/drop',
      fix: {
        patch: expect.arrayContaining([
          {
            op: 'add',
            path: '/items/0/spec/templates/0/container/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/items/0/spec/templates/0/container/securityContext/capabilities/drop/-',
            value: 'ALL',
            ifMissing: true,
          },
        ]),
      },
    });
    const { object, remaining } = harden(list, { level: 'restricted' });
    expect(remaining).toEqual([]);
    expect(evaluate(object, { level: 'restricted' }).allowed).toBe(true);
  });
});

describe('Argo Workflows: podSpecPatch', () => {
  const base = <Spec extends Record<string, unknown>>(spec: Spec) =>
    workflow({
      automountServiceAccountToken: false,
      securityContext: hardenedPod,
      templates: [{ name: 'a', container: hardenedContainer('registry.example/a:1') }],
      ...spec,
    });

  it('hostNetwork set by the workflow podSpecPatch (JSON) fails at the patch', () => {
    const { findings } = evaluate(base({ podSpecPatch: '{"hostNetwork": true}' }), { level: 'baseline' });
    expect(pathsOf(findings, 'hostNamespaces')).toEqual(['/spec/podSpecPatch']);
    expect(failing(findings, 'hostNamespaces')[0]?.fix).toBeUndefined();
  });

  it('privileged set by a template podSpecPatch (YAML, merged by container name) fails at the patch', () => {
    const object = base({});
    object.spec.templates = [
      {
        name: 'a',
        container: hardenedContainer('registry.example/a:1'),
        podSpecPatch: 'containers:\n  - name: main\n    securityContext:\n      privileged: yes\n',
      } as never,
    ];
    const { findings } = evaluate(object, { level: 'baseline' });
    expect(pathsOf(findings, 'privileged')).toEqual(['/spec/templates/0/podSpecPatch']);
    expect(failing(findings, 'privileged')[0]?.message).toContain('container "main"');
  });

  it('a container a patch adds is judged; what a patch sets gets no fix, and says why', () => {
    const patch = JSON.stringify({
      containers: [
        { name: 'main', securityContext: { allowPrivilegeEscalation: true } },
        { name: 'debug', image: 'busybox' },
      ],
    });
    const { findings } = evaluate(base({ podSpecPatch: patch }), { level: 'restricted' });
    const escalation = failing(findings, 'allowPrivilegeEscalation')[0];
    expect(escalation?.path).toBe('/spec/podSpecPatch');
    expect(escalation?.fix).toBeUndefined();
    expect(escalation?.unfixable).toContain('/spec/podSpecPatch');
    const { remaining } = harden(base({ podSpecPatch: patch }), { level: 'restricted' });
    expect(remaining.map((finding) => [finding.rule, finding.path])).toEqual(
      expect.arrayContaining([['allowPrivilegeEscalation', '/spec/podSpecPatch']]),
    );
  });

  it('a patch that only adds a harmless field leaves the verdict alone', () => {
    const object = base({
      podSpecPatch: 'containers:\n- name: main\n  resources:\n    limits: {"cpu": "1"}\n',
    });
    expect(evaluate(object).findings).toEqual([]);
  });

  it.each([
    ['an Argo expression', '{{inputs.parameters.patch}}', 'it contains an Argo {{...}} expression'],
    ['YAML anchors', 'containers:\n- &c\n  name: main\n', 'anchors, aliases, tags, block scalars'],
    [
      'a $patch directive',
      '{"containers": [{"name": "main", "$patch": "delete"}]}',
      'strategic merge directive',
    ],
  ])('a podSpecPatch with %s is reported as not judged, never a silent pass', (_, patch, why) => {
    const { findings, allowed } = evaluate(base({ podSpecPatch: patch }));
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'unjudgedField',
        status: 'fail',
        severity: 'warning',
        path: '/spec/podSpecPatch',
      }),
    ]);
    expect(findings[0]?.message).toContain(why);
    expect(allowed).toBe(true);
    expect(evaluate(base({ podSpecPatch: patch }), { failOn: 'warning' }).allowed).toBe(false);
  });

  it('a __proto__ key in a patch is a field Kubernetes ignores, never inherited by the pod', () => {
    const object = base({ podSpecPatch: '{"securityContext": {"__proto__": {"runAsNonRoot": false}}}' });
    expect(evaluate(object).findings).toEqual([]);
    const extracted = extractObject(object);
    if (extracted.kind !== 'pod') throw new Error('expected a pod');
    expect(Object.getPrototypeOf(extracted.view.spec.securityContext)).toBe(Object.prototype);
  });

  it('extractObject gives the effective pod: the main container is named main', () => {
    const extracted = extractObject(base({ podSpecPatch: '{"hostNetwork": true}' }));
    expect(extracted.kind).toBe('pod');
    if (extracted.kind !== 'pod') return;
    expect(extracted.view.spec.hostNetwork).toBe(true);
    expect(extracted.view.containers.map((ref) => [ref.name, ref.group])).toEqual([['main', 'containers']]);
  });
});

describe('Argo Workflows: templates that cannot hold a pod are invalid input, never skipped', () => {
  it.each([
    [{ templates: ['build'] }, '/spec/templates/0 must be an object, got a string ("build")'],
    [
      { templates: [{ name: 'a', container: hardenedContainer('a') }, null] },
      '/spec/templates/1 must be an object, got null',
    ],
    [
      { templates: [{ name: 'a', container: 'alpine' }] },
      '/spec/templates/0/container must be an object, got a string ("alpine")',
    ],
    [
      { templates: [{ name: 'a', script: 7 }] },
      '/spec/templates/0/script must be an object, got a number (7)',
    ],
    [
      { templates: [{ name: 'a', containerSet: [] }] },
      '/spec/templates/0/containerSet must be an object, got an array',
    ],
    [
      { templates: [{ name: 'a', containerSet: { containers: { name: 'x' } } }] },
      '/spec/templates/0/containerSet/containers must be an array, got an object',
    ],
    [
      { templates: [{ name: 'a', containerSet: { containers: [hardenedContainer('a'), 'b'] } }] },
      '/spec/templates/0/containerSet/containers/1 must be an object, got a string ("b")',
    ],
    [
      { templates: [{ name: 'a', container: hardenedContainer('a'), initContainers: ['x'] }] },
      '/spec/templates/0/initContainers/0 must be an object, got a string ("x")',
    ],
    [
      { templates: [{ name: 'a', container: hardenedContainer('a'), sidecars: true }] },
      '/spec/templates/0/sidecars must be an array, got a boolean (true)',
    ],
    [
      { templateDefaults: { sidecars: [3] }, templates: [{ name: 'a', container: hardenedContainer('a') }] },
      '/spec/templateDefaults/sidecars/0 must be an object, got a number (3)',
    ],
  ])('%j', (spec, message) => {
    const result = evaluate(workflow({ securityContext: hardenedPod, ...spec }), { level: 'restricted' });
    expect(result.allowed).toBe(false);
    expect(result.objects.map((object) => object.kind)).toEqual(['invalid']);
    expect(result.findings.map((finding) => [finding.rule, finding.path, finding.message])).toEqual([
      ['invalidInput', message.slice(0, message.indexOf(' ')), message],
    ]);
  });

  it('null lists and templates without a container (dag, steps, suspend) are no problem', () => {
    const result = evaluate(
      workflow({
        securityContext: hardenedPod,
        templates: [
          { name: 'main', dag: { tasks: [{ name: 'a', template: 'a' }] } },
          { name: 'a', container: hardenedContainer('a'), initContainers: null, sidecars: null },
          { name: 'wait', suspend: {} },
        ],
      }),
      { level: 'restricted' },
    );
    expect(result.findings.filter((finding) => finding.status === 'error')).toEqual([]);
    expect(result.objects.map((object) => object.kind)).toEqual(['pod']);
  });
});
