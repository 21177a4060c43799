import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import { harden } from '../engine/harden.js';
import { PodguardInputError } from '../model/errors.js';
import { KNOWN_CUSTOM_RESOURCES } from './kinds.js';

const privilegedSpec = () => ({
  containers: [{ name: 'app', image: 'registry.example/app:1.0', securityContext: { privileged: true } }],
});

/** A pod spec restricted and hardened accept. */
const hardenedSpec = () => ({
  automountServiceAccountToken: false,
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  containers: [
    {
      name: 'app',
      image: 'registry.example/app:1.0',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
    },
  ],
});

type Spec = Record<string, unknown>;

/** Each known custom resource, with a body putting `spec` at each pod template, and the pointers of the pod specs. */
const customResources: [
  name: string,
  apiVersion: string,
  kind: string,
  body: (spec: () => Spec) => Record<string, unknown>,
  specPaths: string[],
][] = [
  [
    'Argo Rollout',
    'argoproj.io/v1alpha1',
    'Rollout',
    (spec) => ({ spec: { replicas: 2, template: { metadata: { labels: { app: 'a' } }, spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'Knative Service',
    'serving.knative.dev/v1',
    'Service',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'Knative Configuration',
    'serving.knative.dev/v1',
    'Configuration',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  ['Knative Revision', 'serving.knative.dev/v1', 'Revision', (spec) => ({ spec: spec() }), ['/spec']],
  [
    'KEDA ScaledJob',
    'keda.sh/v1alpha1',
    'ScaledJob',
    (spec) => ({ spec: { jobTargetRef: { parallelism: 1, template: { spec: spec() } } } }),
    ['/spec/jobTargetRef/template/spec'],
  ],
  [
    'OpenKruise CloneSet',
    'apps.kruise.io/v1alpha1',
    'CloneSet',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'OpenKruise Advanced StatefulSet',
    'apps.kruise.io/v1beta1',
    'StatefulSet',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'OpenKruise Advanced StatefulSet (v1alpha1)',
    'apps.kruise.io/v1alpha1',
    'StatefulSet',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'OpenKruise Advanced DaemonSet',
    'apps.kruise.io/v1alpha1',
    'DaemonSet',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'OpenKruise BroadcastJob',
    'apps.kruise.io/v1alpha1',
    'BroadcastJob',
    (spec) => ({ spec: { template: { spec: spec() } } }),
    ['/spec/template/spec'],
  ],
  [
    'OpenKruise AdvancedCronJob',
    'apps.kruise.io/v1alpha1',
    'AdvancedCronJob',
    (spec) => ({
      spec: { schedule: '* * * * *', template: { jobTemplate: { spec: { template: { spec: spec() } } } } },
    }),
    ['/spec/template/jobTemplate/spec/template/spec'],
  ],
  [
    'Volcano Job',
    'batch.volcano.sh/v1alpha1',
    'Job',
    (spec) => ({
      spec: {
        tasks: [
          { name: 'ps', replicas: 1, template: { spec: spec() } },
          { name: 'worker', replicas: 2, template: { spec: spec() } },
        ],
      },
    }),
    ['/spec/tasks/0/template/spec', '/spec/tasks/1/template/spec'],
  ],
  [
    'FlinkDeployment',
    'flink.apache.org/v1beta1',
    'FlinkDeployment',
    (spec) => ({
      spec: {
        image: 'flink:1.20',
        podTemplate: { apiVersion: 'v1', kind: 'Pod', spec: spec() },
        jobManager: { resource: { cpu: 1 } },
        taskManager: { podTemplate: { spec: spec() } },
      },
    }),
    ['/spec/podTemplate/spec', '/spec/taskManager/podTemplate/spec'],
  ],
  [
    'SparkApplication',
    'sparkoperator.k8s.io/v1beta2',
    'SparkApplication',
    (spec) => ({
      spec: {
        driver: { template: { spec: spec() } },
        executor: { instances: 2, template: { spec: spec() } },
      },
    }),
    ['/spec/driver/template/spec', '/spec/executor/template/spec'],
  ],
  [
    'ScheduledSparkApplication',
    'sparkoperator.k8s.io/v1beta2',
    'ScheduledSparkApplication',
    (spec) => ({ spec: { schedule: '@daily', template: { driver: { template: { spec: spec() } } } } }),
    ['/spec/template/driver/template/spec'],
  ],
];

describe('known custom resources', () => {
  it.each(customResources)(
    '%s: a privileged container fails at its pointer',
    (_, apiVersion, kind, body, specPaths) => {
      const object = { apiVersion, kind, metadata: { name: 'x' }, ...body(privilegedSpec) };
      const result = evaluate(object, { level: 'baseline' });
      expect(result.objects).toMatchObject([{ kind: 'pod', podSpecPath: specPaths[0] }]);
      const privileged = result.findings.filter((finding) => finding.rule === 'privileged');
      expect(privileged.map((finding) => finding.path)).toEqual(
        specPaths.map((path) => `${path}/containers/0/securityContext/privileged`),
      );
      expect(privileged[0]?.message).toBe(
        'privileged (container "app" must not set securityContext.privileged=true)',
      );
      expect(result.allowed).toBe(false);
    },
  );

  it.each(customResources)(
    '%s: a hardened pod spec passes the hardened profile',
    (_, apiVersion, kind, body) => {
      const object = { apiVersion, kind, metadata: { name: 'x' }, ...body(hardenedSpec) };
      const result = evaluate(object, { profile: 'hardened' });
      expect(result.findings).toEqual([]);
      expect(result.objects[0]?.kind).toBe('pod');
    },
  );

  it.each(customResources)('%s: harden() fixes every pod template in place', (_, apiVersion, kind, body) => {
    const object = {
      apiVersion,
      kind,
      metadata: { name: 'x' },
      ...body(() => ({ containers: [{ name: 'app', image: 'registry.example/app:1.0' }] })),
    };
    const { object: fixed, remaining } = harden(object, { level: 'restricted' });
    expect(remaining).toEqual([]);
    expect(evaluate(fixed, { level: 'restricted' }).allowed).toBe(true);
  });

  it('lists every known custom resource in this test', () => {
    const tested = new Set(customResources.map(([, apiVersion, kind]) => `${apiVersion} ${kind}`));
    for (const known of KNOWN_CUSTOM_RESOURCES) {
      // Argo Workflows kinds have their own tests below; Tekton kinds in tekton.test.ts.
      if (known.layout === undefined) expect(tested).toContain(`${known.apiVersion} ${known.kind}`);
    }
  });

  it('a custom resource without any of its templates is not applicable (a Rollout with workloadRef)', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
    };
    const result = evaluate(rollout);
    expect(result.findings).toEqual([]);
    expect(result.objects).toMatchObject([{ kind: 'not-applicable' }]);
  });
});

describe('built-in workload kinds by API group and version', () => {
  const job = (apiVersion: string) => ({
    apiVersion,
    kind: 'Job',
    metadata: { name: 'j' },
    spec: { tasks: [{ template: { spec: privilegedSpec() } }] },
  });

  it('a Volcano Job is a custom resource, not a batch/v1 Job with a missing template', () => {
    const result = evaluate(job('batch.volcano.sh/v1alpha1'), { level: 'baseline' });
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['privileged', '/spec/tasks/0/template/spec/containers/0/securityContext/privileged'],
    ]);
    expect(result.findings.some((finding) => finding.rule === 'invalidInput')).toBe(false);
  });

  it('a batch/v1 Job without spec.template is still invalid input', () => {
    const result = evaluate(job('batch/v1'), { level: 'baseline' });
    expect(result.findings).toMatchObject([
      { rule: 'invalidInput', status: 'error', message: 'Job has no pod template at /spec/template' },
    ]);
  });

  it.each([
    ['example.com/v1', 'Deployment'],
    ['example.com/v1', 'CronJob'],
    ['apps/v2', 'Deployment'],
    ['batch/v1', 'Deployment'],
    ['v1', 'Job'],
  ])('%s %s is not the built-in kind: not applicable', (apiVersion, kind) => {
    const object = {
      apiVersion,
      kind,
      metadata: { name: 'x' },
      spec: { template: { spec: privilegedSpec() } },
    };
    const result = evaluate(object, { level: 'baseline' });
    expect(result.findings).toEqual([]);
    expect(result.objects).toMatchObject([{ kind: 'not-applicable', resource: { apiVersion, kind } }]);
  });

  it.each([
    ['apps/v1', 'Deployment', '/spec/template/spec'],
    ['batch/v1', 'CronJob', '/spec/jobTemplate/spec/template/spec'],
    ['batch/v1beta1', 'CronJob', '/spec/jobTemplate/spec/template/spec'],
    ['v1', 'ReplicationController', '/spec/template/spec'],
  ])('%s %s is the built-in kind', (apiVersion, kind, specPath) => {
    const template = { spec: privilegedSpec() };
    const body =
      kind === 'CronJob' ? { spec: { jobTemplate: { spec: { template } } } } : { spec: { template } };
    const result = evaluate({ apiVersion, kind, metadata: { name: 'x' }, ...body }, { level: 'baseline' });
    expect(result.findings.map((finding) => finding.path)).toEqual([
      `${specPath}/containers/0/securityContext/privileged`,
    ]);
  });
});

describe('the podTemplates option', () => {
  const app = {
    apiVersion: 'apps.example.com/v1',
    kind: 'App',
    metadata: { name: 'a' },
    spec: {
      components: [
        { name: 'web', pod: { spec: privilegedSpec() } },
        { name: 'db', pod: { spec: hardenedSpec() } },
      ],
    },
  };
  const podTemplates = [
    { apiVersion: 'apps.example.com/v1', kind: 'App', paths: ['/spec/components/*/pod'] },
  ];

  it('an undeclared custom resource is not applicable', () => {
    expect(evaluate(app).objects).toMatchObject([{ kind: 'not-applicable' }]);
  });

  it('judges declared pod templates, with their pointers, and fixes them', () => {
    const result = evaluate(app, { level: 'baseline', podTemplates });
    expect(result.objects).toMatchObject([
      { kind: 'pod', podSpecPaths: ['/spec/components/0/pod/spec', '/spec/components/1/pod/spec'] },
    ]);
    expect(result.findings.map((finding) => finding.path)).toEqual([
      '/spec/components/0/pod/spec/containers/0/securityContext/privileged',
    ]);
    const restricted = harden(
      {
        ...app,
        spec: { components: [{ name: 'web', pod: { spec: { containers: [{ name: 'c', image: 'i' }] } } }] },
      },
      { level: 'restricted', podTemplates },
    );
    expect(restricted.remaining).toEqual([]);
    expect(restricted.object.spec.components[0]?.pod.spec).toMatchObject({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
  });

  it('a declaration replaces the built-in knowledge of a custom resource', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { template: { spec: privilegedSpec() }, canary: { template: { spec: privilegedSpec() } } },
    };
    const result = evaluate(rollout, {
      level: 'baseline',
      podTemplates: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', paths: ['/spec/canary/template'] },
      ],
    });
    expect(result.findings.map((finding) => finding.path)).toEqual([
      '/spec/canary/template/spec/containers/0/securityContext/privileged',
    ]);
  });

  it('an object without any declared template is invalid input naming the paths', () => {
    const result = evaluate({ ...app, spec: {} }, { podTemplates });
    expect(result.findings).toMatchObject([
      {
        rule: 'invalidInput',
        message:
          'apps.example.com/v1 App has no pod template at /spec/components/*/pod (declared in podTemplates)',
      },
    ]);
  });

  it.each([
    [{}, 'invalid option podTemplates: expected an array of { apiVersion, kind, paths } entries'],
    [[{ apiVersion: 'x/v1', kind: 'K' }], 'invalid option podTemplates[0].paths: expected a non-empty array'],
    [
      [{ apiVersion: 'x/v1', kind: 'K', paths: ['spec/template'] }],
      'invalid option podTemplates[0].paths[0]',
    ],
    [
      [{ apiVersion: 'x/v1', kind: 'K', paths: ['/a'], extra: 1 }],
      'invalid option podTemplates[0].extra: unknown key',
    ],
    [[{ apiVersion: 'apps/v1', kind: 'Deployment', paths: ['/a'] }], 'is a built-in workload kind'],
    [[{ apiVersion: 7, kind: 'K', paths: ['/a'] }], 'invalid option podTemplates[0].apiVersion'],
  ])('rejects a malformed podTemplates option (%j)', (podTemplates, message) => {
    expect(() => evaluate(app, { podTemplates: podTemplates as never })).toThrow(PodguardInputError);
    expect(() => evaluate(app, { podTemplates: podTemplates as never })).toThrow(message);
  });
});

describe('Argo Workflows', () => {
  const workflow = (templates: Record<string, unknown>[], spec: Record<string, unknown> = {}) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'build-' },
    spec: { entrypoint: 'main', ...spec, templates },
  });
  const steps = { name: 'main', steps: [[{ name: 'a', template: 'build' }]] };

  it('judges container, script, containerSet, init and sidecar containers at their pointers', () => {
    const result = evaluate(
      workflow([
        steps,
        {
          name: 'build',
          initContainers: [{ name: 'init', image: 'i', securityContext: { privileged: true } }],
          container: { image: 'c', securityContext: { privileged: true } },
          sidecars: [{ name: 'side', image: 's', securityContext: { privileged: true } }],
        },
        {
          name: 'py',
          script: { image: 'python', source: 'print(1)', securityContext: { privileged: true } },
        },
        {
          name: 'set',
          containerSet: { containers: [{ name: 'a', image: 'a', securityContext: { privileged: true } }] },
        },
      ]),
      { level: 'baseline' },
    );
    expect(result.findings.flatMap((finding) => finding.locations.map((location) => location.path))).toEqual([
      '/spec/templates/1/initContainers/0/securityContext/privileged',
      '/spec/templates/1/container/securityContext/privileged',
      '/spec/templates/1/sidecars/0/securityContext/privileged',
      '/spec/templates/2/script/securityContext/privileged',
      '/spec/templates/3/containerSet/containers/0/securityContext/privileged',
    ]);
  });

  it('pod-level fields come from the workflow spec, or from a template that sets its own securityContext', () => {
    const hardened = {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const container = {
      image: 'c',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
    };
    const passing = workflow([steps, { name: 'build', container }], {
      securityContext: hardened,
      automountServiceAccountToken: false,
    });
    expect(evaluate(passing).findings).toEqual([]);
    expect(evaluate(passing).objects).toMatchObject([{ kind: 'pod', podSpecPath: '/spec' }]);

    const own = workflow([steps, { name: 'build', container, securityContext: { runAsNonRoot: false } }], {
      securityContext: hardened,
      automountServiceAccountToken: false,
      hostNetwork: true,
    });
    const result = evaluate(own, { level: 'restricted' });
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['hostNamespaces', '/spec/hostNetwork'],
      ['runAsNonRoot', '/spec/templates/1/securityContext/runAsNonRoot'],
      ['seccompProfile_restricted', '/spec/templates/1/container/securityContext'],
    ]);
  });

  it('harden() puts pod-level fixes on the workflow spec once, for every template', () => {
    const plain = workflow([
      steps,
      { name: 'a', container: { image: 'a' } },
      { name: 'b', script: { image: 'b', source: 'true' } },
    ]);
    const { object, remaining } = harden(plain, { level: 'restricted' });
    expect(remaining).toEqual([]);
    expect(object.spec).toMatchObject({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(evaluate(object, { level: 'restricted' }).allowed).toBe(true);
  });

  it.each(['WorkflowTemplate', 'ClusterWorkflowTemplate'])('a %s is judged as a Workflow', (kind) => {
    const object = {
      ...workflow([{ name: 'x', container: { image: 'x', securityContext: { privileged: true } } }]),
      kind,
    };
    expect(evaluate(object, { level: 'baseline' }).findings.map((finding) => finding.path)).toEqual([
      '/spec/templates/0/container/securityContext/privileged',
    ]);
  });

  it('a CronWorkflow reads spec.workflowSpec; templates without pods make it not applicable', () => {
    const cron = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 0 * * *',
        workflowSpec: {
          templates: [{ name: 'x', container: { image: 'x', securityContext: { privileged: true } } }],
        },
      },
    };
    expect(evaluate(cron, { level: 'baseline' }).findings.map((finding) => finding.path)).toEqual([
      '/spec/workflowSpec/templates/0/container/securityContext/privileged',
    ]);
    expect(evaluate(workflow([steps])).objects).toMatchObject([{ kind: 'not-applicable' }]);
  });
});
