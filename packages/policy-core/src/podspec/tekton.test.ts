import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { harden } from '../engine/harden.js';
import type { Finding } from '../model/types.js';

type Json = Record<string, unknown>;

const step = (name: string, securityContext?: Json): Json => ({
  name,
  image: 'registry.example/tool:1.0',
  ...(securityContext ? { securityContext } : {}),
});

/** The container-level settings restricted and hardened accept, on one container. */
const hardenedContainer = (name: string): Json =>
  step(name, {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  });

/** Each Tekton kind, with a body putting `task` where a task spec goes, and that spec's pointer. */
const kinds: [
  name: string,
  apiVersion: string,
  kind: string,
  body: (task: Json) => Json,
  taskPath: string,
][] = [
  ['Task', 'tekton.dev/v1', 'Task', (task) => ({ spec: task }), '/spec'],
  ['Task (v1beta1)', 'tekton.dev/v1beta1', 'Task', (task) => ({ spec: task }), '/spec'],
  ['ClusterTask (v1beta1)', 'tekton.dev/v1beta1', 'ClusterTask', (task) => ({ spec: task }), '/spec'],
  ['TaskRun', 'tekton.dev/v1', 'TaskRun', (task) => ({ spec: { taskSpec: task } }), '/spec/taskSpec'],
  [
    'Pipeline',
    'tekton.dev/v1',
    'Pipeline',
    (task) => ({
      spec: {
        tasks: [
          { name: 'other', taskRef: { name: 'x' } },
          { name: 'build', taskSpec: task },
        ],
      },
    }),
    '/spec/tasks/1/taskSpec',
  ],
  [
    'PipelineRun',
    'tekton.dev/v1',
    'PipelineRun',
    (task) => ({ spec: { pipelineSpec: { tasks: [], finally: [{ name: 'report', taskSpec: task }] } } }),
    '/spec/pipelineSpec/finally/0/taskSpec',
  ],
  [
    'PipelineRun (v1beta1)',
    'tekton.dev/v1beta1',
    'PipelineRun',
    (task) => ({ spec: { pipelineSpec: { tasks: [{ name: 'build', taskSpec: task }] } } }),
    '/spec/pipelineSpec/tasks/0/taskSpec',
  ],
];

const object = (apiVersion: string, kind: string, body: Json): Json => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ci' },
  ...body,
});

const failing = (findings: readonly Finding[]) =>
  findings.filter((finding) => finding.status === 'fail').map((finding) => `${finding.rule} ${finding.path}`);

/** Every value the author wrote is in `after` unchanged (fixes only add). */
function keepsAuthored(before: unknown, after: unknown, path = ''): string[] {
  if (Array.isArray(before)) {
    if (!Array.isArray(after)) return [path];
    return before.flatMap((item, index) => keepsAuthored(item, after[index], `${path}/${index}`));
  }
  if (typeof before === 'object' && before !== null) {
    if (typeof after !== 'object' || after === null) return [path];
    return Object.entries(before).flatMap(([key, value]) =>
      keepsAuthored(value, (after as Json)[key], `${path}/${key}`),
    );
  }
  return before === after ? [] : [path];
}

describe('Tekton Pipelines', () => {
  it.each(kinds)('%s: a privileged step fails at its pointer', (_, apiVersion, kind, body, taskPath) => {
    const task = { steps: [step('build', { privileged: true })] };
    const result = evaluate(object(apiVersion, kind, body(task)), { level: 'baseline' });
    const privileged = result.findings.filter((finding) => finding.rule === 'privileged');
    expect(privileged.map((finding) => finding.path)).toEqual([
      `${taskPath}/steps/0/securityContext/privileged`,
    ]);
    expect(privileged[0]?.message).toBe(
      'privileged (container "build" must not set securityContext.privileged=true)',
    );
    expect(result.objects[0]?.kind).toBe('pod');
  });

  it.each(kinds)(
    '%s: steps and sidecars hardened one by one pass the hardened profile',
    (_, apiVersion, kind, body) => {
      const task = { steps: [hardenedContainer('build')], sidecars: [hardenedContainer('cache')] };
      const runs = kind.endsWith('Run');
      const withPodTemplate = (value: Json): Json => {
        if (!runs) return value;
        const spec = value.spec as Json;
        const podTemplate = { automountServiceAccountToken: false };
        if (kind === 'TaskRun' || apiVersion === 'tekton.dev/v1beta1')
          return { spec: { ...spec, podTemplate } };
        return { spec: { ...spec, taskRunTemplate: { podTemplate } } };
      };
      const result = evaluate(object(apiVersion, kind, withPodTemplate(body(task))), { profile: 'hardened' });
      expect(failing(result.findings)).toEqual([]);
    },
  );

  it.each(kinds)(
    '%s: harden() makes it pass restricted and hardened, adding only, and a second run changes nothing',
    (_, apiVersion, kind, body) => {
      const before = object(
        apiVersion,
        kind,
        body({
          stepTemplate: { env: [{ name: 'HOME', value: '/workspace' }] },
          steps: [step('build'), step('test', { runAsUser: 1000 })],
          sidecars: [step('cache')],
          volumes: [{ name: 'cache', emptyDir: {} }],
        }),
      );
      const { object: fixed, remaining } = harden(before, { profile: 'hardened' });
      expect(remaining.filter((finding) => finding.status === 'fail')).toEqual([]);
      expect(failing(evaluate(fixed, { level: 'restricted' }).findings)).toEqual([]);
      expect(keepsAuthored(before, fixed)).toEqual([]);
      expect(harden(fixed, { profile: 'hardened' }).changes).toEqual([]);
    },
  );

  it.each(kinds)(
    '%s: a step running as a user its author chose keeps its group, and a privileged one stays root',
    (_, apiVersion, kind, body, taskPath) => {
      const before = object(
        apiVersion,
        kind,
        body({
          steps: [step('build'), step('test', { runAsUser: 1001 }), step('mount', { privileged: true })],
        }),
      );
      const { object: fixed, remaining } = harden(before, { profile: 'hardened' });
      const unfixed = (rule: string) =>
        remaining.filter((finding) => finding.rule === rule).map((finding) => finding.unfixable);
      expect(unfixed('runAsGroupPolicy')).toEqual([
        'a safe fix would change the group of a user the author chose: privileged container "mount" runs as root; container "test" runs as runAsUser=1001',
      ]);
      expect(unfixed('runAsNonRoot')).toEqual([
        'a safe fix would stop what runs as root on purpose: privileged container "mount" would run without root\'s capabilities',
      ]);
      expect(keepsAuthored(before, fixed)).toEqual([]);
      // No identity field was added where the steps' pod-level settings go.
      const added = harden(before, { profile: 'hardened' }).changes.flatMap((change) =>
        change.patch.map((operation) => operation.path),
      );
      expect(added.filter((path) => /runAs(NonRoot|User|Group)/.test(path))).toEqual([]);
      expect(added.some((path) => path.startsWith(taskPath))).toBe(true);
    },
  );

  it('steps inherit the step template, as Tekton merges it; sidecars do not', () => {
    const task = object('tekton.dev/v1', 'Task', {
      spec: {
        stepTemplate: { securityContext: { runAsNonRoot: true, privileged: true } },
        steps: [step('build'), step('test', { privileged: false })],
        sidecars: [step('cache')],
      },
    });
    const result = evaluate(task, { level: 'restricted' });
    const byRule = (rule: string) => result.findings.filter((finding) => finding.rule === rule);
    // The privileged value of "build" is the template's: reported where it is written.
    expect(byRule('privileged').map((finding) => [finding.path, finding.message])).toEqual([
      [
        '/spec/stepTemplate/securityContext/privileged',
        'privileged (container "build" must not set securityContext.privileged=true)',
      ],
    ]);
    expect(byRule('runAsNonRoot').map((finding) => finding.message)).toEqual([
      'runAsNonRoot != true (pod or container "cache" must set securityContext.runAsNonRoot=true)',
    ]);
  });

  it('a Task alone: pod-level fixes go on the step template and each sidecar; its run sets the token', () => {
    const task = object('tekton.dev/v1', 'Task', {
      spec: { steps: [step('build'), step('test')], sidecars: [step('cache')] },
    });
    const result = evaluate(task, { profile: 'hardened' });
    // automountServiceAccountToken is a field of the TaskRun's podTemplate, judged there.
    expect(result.findings.some((finding) => finding.rule === 'automountServiceAccountToken')).toBe(false);
    const { object: fixed } = harden(task, { profile: 'hardened' });
    const spec = (fixed as { spec: Json }).spec;
    expect(spec.stepTemplate).toMatchObject({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 },
    });
    expect((spec.sidecars as Json[])[0]).toMatchObject({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 },
    });
    expect(spec).not.toHaveProperty('securityContext');
    expect(spec).not.toHaveProperty('podTemplate');
  });

  it('a run: pod fields are read from and fixed in its podTemplate, the ServiceAccount from the run', () => {
    const run = object('tekton.dev/v1', 'TaskRun', {
      spec: {
        serviceAccountName: 'builder',
        podTemplate: { securityContext: { runAsNonRoot: false } },
        taskSpec: { steps: [step('build')] },
      },
    });
    const result = evaluate(run, { profile: 'hardened' });
    const runAsNonRoot = result.findings.find((finding) => finding.rule === 'runAsNonRoot');
    expect(runAsNonRoot?.path).toBe('/spec/podTemplate/securityContext/runAsNonRoot');
    expect(runAsNonRoot?.fix?.kind).toBe('unsafe');
    // A named ServiceAccount: its token may be needed, so the fix is unsafe, not an error.
    const automount = result.findings.find((finding) => finding.rule === 'automountServiceAccountToken');
    expect(automount?.severity).toBe('warning');
    const { object: fixed } = harden(run, { profile: 'hardened', unsafe: true });
    expect((fixed as { spec: Json }).spec).toMatchObject({
      podTemplate: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      },
      serviceAccountName: 'builder',
    });
  });

  it('a PipelineRun (v1): pod fields go to spec.taskRunTemplate.podTemplate, created when missing', () => {
    const run = object('tekton.dev/v1', 'PipelineRun', {
      spec: { pipelineSpec: { tasks: [{ name: 'build', taskSpec: { steps: [step('build')] } }] } },
    });
    const { object: fixed, remaining } = harden(run, { profile: 'hardened' });
    expect(remaining.filter((finding) => finding.status === 'fail')).toEqual([]);
    expect((fixed as { spec: Json }).spec).toMatchObject({
      taskRunTemplate: {
        podTemplate: { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } },
      },
    });
  });

  it('a run that references its Task is judged for its pod fields', () => {
    const run = object('tekton.dev/v1', 'TaskRun', {
      spec: {
        taskRef: { name: 'build' },
        podTemplate: {
          hostNetwork: true,
          volumes: [{ name: 'd', hostPath: { path: '/var/run/docker.sock' } }],
        },
      },
    });
    expect(failing(evaluate(run, { level: 'baseline' }).findings)).toEqual([
      'hostNamespaces /spec/podTemplate/hostNetwork',
      'hostPathVolumes /spec/podTemplate/volumes/0/hostPath',
    ]);
    const pipelineRun = object('tekton.dev/v1beta1', 'PipelineRun', {
      spec: {
        pipelineRef: { name: 'p' },
        podTemplate: { automountServiceAccountToken: false },
        taskRunSpecs: [{ pipelineTaskName: 'build', taskPodTemplate: { hostPID: true } }],
      },
    });
    // The per-task override is judged for what it sets; the run's own template holds the rest.
    expect(failing(evaluate(pipelineRun, { profile: 'hardened' }).findings)).toEqual([
      'hostNamespaces /spec/taskRunSpecs/0/taskPodTemplate/hostPID',
    ]);
  });

  it("volumes: the Task's, then the run's podTemplate's, each at its own pointer", () => {
    const run = object('tekton.dev/v1', 'TaskRun', {
      spec: {
        podTemplate: { volumes: [{ name: 'host', hostPath: { path: '/' } }] },
        taskSpec: {
          steps: [step('build')],
          volumes: [
            { name: 'ok', emptyDir: {} },
            { name: 'etc', hostPath: { path: '/etc' } },
          ],
        },
      },
    });
    expect(
      evaluate(run, { level: 'baseline' })
        .findings.filter((finding) => finding.rule === 'hostPathVolumes')
        .flatMap((finding) => finding.locations.map((location) => location.path)),
    ).toEqual(['/spec/taskSpec/volumes/1/hostPath', '/spec/podTemplate/volumes/0/hostPath']);
  });

  it('a Task whose steps are not a list is invalid input naming the field', () => {
    const task = object('tekton.dev/v1', 'Task', { spec: { steps: { name: 'build' } } });
    const result = evaluate(task);
    expect(result.findings.map((finding) => [finding.rule, finding.path, finding.message])).toEqual([
      ['invalidInput', '/spec/steps', '/spec/steps must be an array'],
    ]);
  });

  it.each([
    [['echo'], 'steps', '/spec/steps/0 must be an object, got a string ("echo")'],
    [[{ name: 'build', image: 'alpine' }, null], 'steps', '/spec/steps/1 must be an object, got null'],
    [[42], 'sidecars', '/spec/sidecars/0 must be an object, got a number (42)'],
    [[[]], 'sidecars', '/spec/sidecars/0 must be an object, got an array'],
  ])(
    'a step or sidecar that is not an object is invalid input, not skipped: %j in %s',
    (items, list, message) => {
      const task = object('tekton.dev/v1', 'Task', { spec: { [list]: items } });
      const result = evaluate(task, { level: 'restricted' });
      expect(result.allowed).toBe(false);
      expect(result.findings.map((finding) => [finding.rule, finding.message])).toEqual([
        ['invalidInput', message],
      ]);
    },
  );

  it.each([
    [
      'TaskRun',
      'tekton.dev/v1',
      { taskSpec: 'build' },
      '/spec/taskSpec must be an object, got a string ("build")',
    ],
    ['Pipeline', 'tekton.dev/v1', { tasks: { name: 'a' } }, '/spec/tasks must be an array, got an object'],
    ['Pipeline', 'tekton.dev/v1', { tasks: [null] }, '/spec/tasks/0 must be an object, got null'],
    [
      'Pipeline',
      'tekton.dev/v1',
      { tasks: [{ name: 'a', taskRef: { name: 'a' } }], finally: [{ name: 'b', taskSpec: [] }] },
      '/spec/finally/0/taskSpec must be an object, got an array',
    ],
    [
      'PipelineRun',
      'tekton.dev/v1',
      { pipelineSpec: 7 },
      '/spec/pipelineSpec must be an object, got a number (7)',
    ],
    [
      'PipelineRun',
      'tekton.dev/v1',
      { pipelineSpec: { tasks: ['a'] } },
      '/spec/pipelineSpec/tasks/0 must be an object, got a string ("a")',
    ],
    [
      'PipelineRun',
      'tekton.dev/v1',
      { pipelineRef: { name: 'p' }, taskRunSpecs: [{ pipelineTaskName: 'a', podTemplate: 'x' }] },
      '/spec/taskRunSpecs/0/podTemplate must be an object, got a string ("x")',
    ],
    [
      'PipelineRun',
      'tekton.dev/v1beta1',
      { pipelineRef: { name: 'p' }, taskRunSpecs: true },
      '/spec/taskRunSpecs must be an array, got a boolean (true)',
    ],
  ])(
    'what holds the task specs of a %s (%s) that Tekton cannot read is invalid input: %j',
    (kind, apiVersion, spec, message) => {
      const result = evaluate(object(apiVersion, kind, { spec }), { level: 'restricted' });
      expect(result.allowed).toBe(false);
      expect(result.findings.map((finding) => [finding.rule, finding.message])).toEqual([
        ['invalidInput', message],
      ]);
    },
  );

  it('a wrongly typed field of a step, the step template (once) or a sidecar is invalid input where it is written', () => {
    const task = object('tekton.dev/v1', 'Task', {
      spec: {
        stepTemplate: { securityContext: { runAsUser: '0' } },
        steps: [step('build'), step('test', { privileged: 'yes' })],
        sidecars: [{ name: 'docker', image: 'docker:dind', securityContext: 'privileged' }],
      },
    });
    const errors = evaluate(task, { level: 'restricted' }).findings.filter(
      (finding) => finding.status === 'error',
    );
    expect(errors.map((finding) => [finding.rule, finding.path, finding.message])).toEqual([
      [
        'invalidInput',
        '/spec/stepTemplate/securityContext/runAsUser',
        '/spec/stepTemplate/securityContext/runAsUser must be an integer, got a string ("0")',
      ],
      [
        'invalidInput',
        '/spec/steps/1/securityContext/privileged',
        '/spec/steps/1/securityContext/privileged must be a boolean, got a string ("yes")',
      ],
      [
        'invalidInput',
        '/spec/sidecars/0/securityContext',
        '/spec/sidecars/0/securityContext must be an object, got a string ("privileged")',
      ],
    ]);
    // The rules that read a wrongly typed field do not run on it (they would fail on a string).
    const capabilities = object('tekton.dev/v1', 'Task', {
      spec: { steps: [step('build', { capabilities: { add: 'SYS_ADMIN' } })] },
    });
    const findings = evaluate(capabilities, { level: 'restricted' }).findings;
    expect(
      findings.filter((finding) => finding.status === 'error').map((finding) => finding.message),
    ).toEqual([
      '/spec/steps/0/securityContext/capabilities/add must be an array, got a string ("SYS_ADMIN")',
    ]);
    expect(findings.map((finding) => finding.rule)).not.toContain('capabilities_restricted');
  });

  it("a wrongly typed field of a run's podTemplate is named where it is written", () => {
    const run = object('tekton.dev/v1', 'TaskRun', {
      spec: { podTemplate: { securityContext: { runAsUser: '0' } }, taskSpec: { steps: [step('build')] } },
    });
    const errors = evaluate(run).findings.filter((finding) => finding.status === 'error');
    expect(errors.map((finding) => [finding.path, finding.message, finding.detail])).toEqual([
      [
        '/spec/podTemplate/securityContext/runAsUser',
        '/spec/podTemplate/securityContext/runAsUser must be an integer, got a string ("0")',
        '/spec/podTemplate/securityContext/runAsUser must be an integer, got a string ("0")',
      ],
    ]);
  });

  it('null fields are absent, as Kubernetes reads JSON: a null podTemplate is created by the fixes', () => {
    const run = object('tekton.dev/v1', 'TaskRun', {
      spec: { podTemplate: null, taskSpec: { steps: [step('build')], sidecars: null, stepTemplate: null } },
    });
    expect(evaluate(run).findings.filter((finding) => finding.rule === 'invalidInput')).toEqual([]);
    const { object: fixed, remaining } = harden(run, { profile: 'hardened' });
    expect(remaining.filter((finding) => finding.status === 'fail')).toEqual([]);
    expect((fixed as { spec: Json }).spec.podTemplate).toMatchObject({
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true },
    });
  });

  it('a List item keeps its pointers', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        object('tekton.dev/v1', 'Task', {
          // A privileged template that names a user: it does not run as root on purpose.
          spec: {
            stepTemplate: { securityContext: { privileged: true, runAsUser: 1000 } },
            steps: [step('build')],
          },
        }),
      ],
    };
    const { object: fixed } = harden(list, { level: 'restricted' });
    expect(evaluate(list, { level: 'baseline' }).findings.map((finding) => finding.path)).toEqual([
      '/items/0/spec/stepTemplate/securityContext/privileged',
    ]);
    expect((fixed as { items: Json[] }).items[0]).toMatchObject({
      spec: { stepTemplate: { securityContext: { privileged: true, runAsUser: 1000, runAsNonRoot: true } } },
    });
  });
});
