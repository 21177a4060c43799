/**
 * Kinds by API group, custom resources, podTemplates and `...Patch` resources through the policy
 * pack, over gRPC as the Pulumi CLI runs it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensurePulumiBuild, PODGUARD_PACK, PolicyPackHarness } from './harness.js';

let pack: PolicyPackHarness;

beforeAll(async () => {
  await ensurePulumiBuild();
  pack = await PolicyPackHarness.start(PODGUARD_PACK);
});

afterAll(() => pack?.close());

beforeEach(async () => {
  await pack.configure({});
});

const policies = (diagnostics: { policyName: string }[]) => diagnostics.map((d) => d.policyName).sort();

const privilegedSpec = () => ({
  containers: [{ name: 'app', image: 'app:1', securityContext: { privileged: true } }],
});

describe('kinds by API group and version', () => {
  it('a Volcano Job (batch.volcano.sh) is a custom resource, judged through its tasks', async () => {
    const job = {
      apiVersion: 'batch.volcano.sh/v1alpha1',
      kind: 'Job',
      metadata: { name: 'train', namespace: 'ml' },
      spec: { tasks: [{ name: 'worker', template: { spec: privilegedSpec() } }] },
    };
    const { diagnostics } = await pack.analyze({
      type: 'kubernetes:batch.volcano.sh/v1alpha1:Job',
      name: 'train',
      properties: job,
    });
    expect(policies(diagnostics)).not.toContain('podguard-invalidInput');
    const privileged = diagnostics.find((d) => d.policyName === 'podguard-privileged');
    expect(privileged?.message).toContain('Job ml/train: privileged (container "app" must not set');
    expect(privileged?.message).toContain(
      'at: /spec/tasks/0/template/spec/containers/0/securityContext/privileged',
    );
  });

  it('a Deployment of another group is not a Deployment: nothing to report', async () => {
    const object = {
      apiVersion: 'example.com/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { template: { spec: privilegedSpec() } },
    };
    const { diagnostics } = await pack.analyze({
      type: 'kubernetes:example.com/v1:Deployment',
      name: 'x',
      properties: object,
    });
    expect(diagnostics).toEqual([]);
  });

  it('an Argo Rollout (a CustomResource) with a privileged container is blocked; a hardened one passes', async () => {
    const rollout = (spec: Record<string, unknown>) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec } },
    });
    const blocked = await pack.analyze({
      type: 'kubernetes:argoproj.io/v1alpha1:Rollout',
      name: 'web',
      properties: rollout(privilegedSpec()),
    });
    expect(policies(blocked.diagnostics)).toContain('podguard-privileged');
    const hardened = {
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'app',
          image: 'app:1',
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    };
    const passing = await pack.analyze({
      type: 'kubernetes:argoproj.io/v1alpha1:Rollout',
      name: 'web',
      properties: rollout(hardened),
    });
    expect(passing.diagnostics).toEqual([]);
  });

  it('an Argo Workflow: templateDefaults are judged; a templated podSpecPatch is an advisory notice', async () => {
    const workflow = (spec: Record<string, unknown>) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'etl', namespace: 'data' },
      spec: { entrypoint: 'run', templates: [{ name: 'run', container: { image: 'app:1' } }], ...spec },
    });
    const blocked = await pack.analyze({
      type: 'kubernetes:argoproj.io/v1alpha1:Workflow',
      name: 'etl',
      properties: workflow({ templateDefaults: { container: { securityContext: { privileged: true } } } }),
    });
    const privileged = blocked.diagnostics.find((d) => d.policyName === 'podguard-privileged');
    expect(privileged?.message).toContain('at: /spec/templateDefaults/container/securityContext/privileged');
    const templated = await pack.analyze({
      type: 'kubernetes:argoproj.io/v1alpha1:Workflow',
      name: 'etl',
      properties: workflow({ podSpecPatch: '{{workflow.parameters.patch}}' }),
    });
    const notice = templated.diagnostics.find((d) => d.policyName === 'podguard-invalidInput');
    expect(notice?.message).toContain('/spec/podSpecPatch cannot be judged before Argo runs it');
    expect(notice?.enforcementLevel).toBe('advisory');
  });

  it('a Tekton Task: a value inherited from stepTemplate is reported there; remediation fills the step template', async () => {
    const task = (spec: Record<string, unknown>) => ({
      apiVersion: 'tekton.dev/v1',
      kind: 'Task',
      metadata: { name: 'build', namespace: 'ci' },
      spec,
    });
    const blocked = await pack.analyze({
      type: 'kubernetes:tekton.dev/v1:Task',
      name: 'build',
      properties: task({
        stepTemplate: { securityContext: { privileged: true } },
        steps: [{ name: 'compile', image: 'golang:1.22' }],
      }),
    });
    const privileged = blocked.diagnostics.find((d) => d.policyName === 'podguard-privileged');
    expect(privileged?.message).toContain('Task ci/build: privileged (container "compile" must not set');
    expect(privileged?.message).toContain('at: /spec/stepTemplate/securityContext/privileged');
    // A Task sets no pod fields: the token is the TaskRun's to set.
    expect(policies(blocked.diagnostics)).not.toContain('podguard-automountServiceAccountToken');

    await pack.configure({ all: 'remediate' });
    const properties = task({ steps: [{ name: 'compile', image: 'golang:1.22' }] });
    const fixed = await pack.preview({ type: 'kubernetes:tekton.dev/v1:Task', name: 'build', properties });
    expect(fixed.diagnostics.filter((d) => d.enforcementLevel === 'mandatory')).toEqual([]);
    expect(fixed.properties).toMatchObject({
      spec: {
        stepTemplate: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
        steps: [{ name: 'compile', securityContext: { allowPrivilegeEscalation: false } }],
      },
    });
    expect((fixed.properties.spec as Record<string, unknown>).securityContext).toBeUndefined();
  });

  it('the podTemplates setting declares a custom resource podguard does not know', async () => {
    const app = {
      apiVersion: 'apps.example.com/v1',
      kind: 'App',
      metadata: { name: 'a' },
      spec: { pods: [{ spec: privilegedSpec() }] },
    };
    const resource = { type: 'kubernetes:apps.example.com/v1:App', name: 'a', properties: app };
    expect((await pack.analyze(resource)).diagnostics).toEqual([]);
    const podTemplates = [{ apiVersion: 'apps.example.com/v1', kind: 'App', paths: ['/spec/pods/*'] }];
    await pack.configure({ 'podguard-privileged': { podTemplates } });
    const { diagnostics } = await pack.analyze(resource);
    expect(policies(diagnostics)).toEqual(['podguard-privileged']);
    expect(diagnostics[0]?.message).toContain(
      'at: /spec/pods/0/spec/containers/0/securityContext/privileged',
    );
  });
});

describe('...Patch resources are judged for what they set', () => {
  const patch = (container: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { spec: { containers: [{ name: 'app', ...container }] } } },
  });

  it('a DeploymentPatch that sets only an image is not a finding', async () => {
    const { diagnostics } = await pack.analyze({
      type: 'kubernetes:apps/v1:DeploymentPatch',
      name: 'web',
      properties: patch({ image: 'app:2' }),
    });
    expect(diagnostics).toEqual([]);
  });

  it('a DeploymentPatch that sets privileged: true is blocked', async () => {
    const { diagnostics } = await pack.analyze({
      type: 'kubernetes:apps/v1:DeploymentPatch',
      name: 'web',
      properties: patch({ securityContext: { privileged: true } }),
    });
    expect(policies(diagnostics)).toEqual(['podguard-privileged']);
    expect(diagnostics[0]?.message).toContain(
      'Deployment shop/web: privileged (container "app" must not set securityContext.privileged=true)',
    );
  });

  it('remediation never adds fields to a patch', async () => {
    await pack.configure({ all: 'remediate' });
    const properties = patch({ image: 'app:2', securityContext: { runAsNonRoot: false } });
    const result = await pack.preview({
      type: 'kubernetes:apps/v1:DeploymentPatch',
      name: 'web',
      properties,
    });
    // Replacing the value the patch set is an unsafe fix: safe remediation (the default) leaves it,
    // and adds nothing around it; the finding stays.
    expect(result.properties).toEqual(properties);
    expect(result.diagnostics.map((d) => d.policyName)).toContain('podguard-runAsNonRoot');
  });
});
