/**
 * The podguard policy pack, run as the Pulumi CLI runs it (run-policy-pack + gRPC), asserting
 * the diagnostics `pulumi preview --policy-pack packages/pulumi/pack` would print.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEPLOYMENT, NAMESPACE, namespace, rootDeployment, secureDeployment } from './fixtures.js';
import {
  ensurePulumiBuild,
  PODGUARD_PACK,
  PolicyPackHarness,
  SECRET_SIG,
  SECRET_SIG_KEY,
  UNKNOWN,
  urnOf,
} from './harness.js';

let pack: PolicyPackHarness;

beforeAll(async () => {
  await ensurePulumiBuild();
  pack = await PolicyPackHarness.start(PODGUARD_PACK);
});

afterAll(() => pack?.close());

const byPolicy = (diagnostics: { policyName: string }[]) => diagnostics.map((d) => d.policyName).sort();

interface TestContainer {
  image: string;
  env?: { name: string; value: string }[];
  ports?: unknown[];
  securityContext: Record<string, unknown>;
}

/** The parts of a pod spec the tests change; fixtures always have them. */
interface TestPodSpec {
  securityContext: Record<string, unknown>;
  containers: [TestContainer, ...TestContainer[]];
  hostNetwork?: boolean;
  [field: string]: unknown;
}

function podSpecOf(properties: Record<string, unknown>): TestPodSpec {
  return (properties.spec as { template: { spec: TestPodSpec } }).template.spec;
}

function withPodSecurity(properties: Record<string, unknown>, change: (spec: TestPodSpec) => void) {
  const copy = structuredClone(properties);
  change(podSpecOf(copy));
  return copy;
}

describe('GetAnalyzerInfo', () => {
  it('lists one mandatory policy per core rule, the input policy and the stack policy, with a config schema', async () => {
    const info = await pack.getAnalyzerInfo();
    expect(info.name).toBe('podguard');
    expect(info.supportsConfig).toBe(true);
    const names = info.policies.map((policy) => policy.name);
    expect(names).toContain('podguard-runAsNonRoot');
    expect(names).toContain('podguard-kubeletRunAsNonRoot');
    expect(names).toContain('podguard-namespaceEnforceLabel');
    expect(names).toContain('podguard-invalidInput');
    expect(names).toContain('podguard-namespaces');
    expect(new Set(info.policies.map((policy) => policy.enforcementLevel))).toEqual(new Set(['mandatory']));
    const schema = info.policies.find((policy) => policy.name === 'podguard-runAsRoot')?.configSchema;
    expect(schema?.properties.profile?.default).toBe('hardened');
    expect(schema?.properties.exemptions?.default).toEqual([]);
  });
});

describe('Analyze with default config', () => {
  beforeEach(async () => {
    await pack.configure({});
  });

  it('blocks a Deployment that would run as root: mandatory diagnostics in the API server wording', async () => {
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: rootDeployment(),
    });
    expect(byPolicy(diagnostics)).toEqual([
      'podguard-allowPrivilegeEscalation',
      'podguard-automountServiceAccountToken',
      'podguard-capabilities_restricted',
      'podguard-readOnlyRootFilesystem',
      'podguard-runAsGroupPolicy',
      'podguard-runAsNonRoot',
      'podguard-runAsUserRange',
      'podguard-seccompProfile_restricted',
    ]);
    const runAsNonRoot = diagnostics.find((d) => d.policyName === 'podguard-runAsNonRoot');
    expect(runAsNonRoot?.enforcementLevel).toBe('mandatory');
    expect(runAsNonRoot?.message).toContain(
      'Deployment shop/web: runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)',
    );
    expect(runAsNonRoot?.message).toContain('fix: ');
  });

  it('passes the hardened Deployment', async () => {
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: secureDeployment(),
    });
    expect(diagnostics).toEqual([]);
  });

  it('blocks an explicit runAsUser: 0 even with runAsNonRoot: true (the kubelet would refuse to start it)', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.securityContext.runAsUser = 0;
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    expect(byPolicy(diagnostics)).toContain('podguard-runAsRoot');
    expect(diagnostics.every((d) => d.enforcementLevel === 'mandatory')).toBe(true);
  });

  it('checks every pod-spec type, not only Deployments', async () => {
    const pod = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'shop' },
      spec: {
        schedule: '0 * * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'report', image: 'report:1', securityContext: { privileged: true } }],
              },
            },
          },
        },
      },
    };
    const { diagnostics } = await pack.analyze({
      type: 'kubernetes:batch/v1:CronJob',
      name: 'report',
      properties: pod,
    });
    const privileged = diagnostics.find((d) => d.policyName === 'podguard-privileged');
    expect(privileged?.message).toContain(
      'CronJob shop/report: privileged (container "report" must not set securityContext.privileged=true)',
    );
  });

  it('ignores resources that carry no pod spec', async () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { ports: [{ port: 80 }] },
    };
    const { diagnostics } = await pack.analyze({
      type: 'kubernetes:core/v1:Service',
      name: 'web',
      properties: service,
    });
    expect(diagnostics).toEqual([]);
  });

  it('checks the Namespace enforce label', async () => {
    const { diagnostics } = await pack.analyze({
      type: NAMESPACE,
      name: 'shop',
      properties: namespace('shop'),
    });
    expect(byPolicy(diagnostics)).toEqual(['podguard-namespaceEnforceLabel']);
    const labelled = namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect((await pack.analyze({ type: NAMESPACE, name: 'shop', properties: labelled })).diagnostics).toEqual(
      [],
    );
  });

  it('reports a malformed pod spec through podguard-invalidInput instead of passing it', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.securityContext.runAsUser = 'root';
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    const invalid = diagnostics.find((d) => d.policyName === 'podguard-invalidInput');
    expect(invalid?.enforcementLevel).toBe('mandatory');
    expect(invalid?.message).toContain('runAsUser');
  });
});

describe('preview-time unknowns', () => {
  beforeEach(async () => {
    await pack.configure({});
  });

  it('reports an unknown runAsUser as undecidable (advisory), never as a pass', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.securityContext.runAsUser = UNKNOWN.number;
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    const runAsRoot = diagnostics.find((d) => d.policyName === 'podguard-runAsRoot');
    expect(runAsRoot?.enforcementLevel).toBe('advisory');
    expect(runAsRoot?.message).toContain("can't run policy 'podguard-runAsRoot'");
    expect(runAsRoot?.message).toContain('.spec.template.spec.securityContext.runAsUser');
    expect(runAsRoot?.message).toContain('podguard decides at update');
    expect(diagnostics.every((d) => d.enforcementLevel === 'advisory')).toBe(true);
  });

  it('an unknown image leaves only the image-user rules undecided', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.containers[0].image = UNKNOWN.string;
      spec.containers[0].env = [{ name: 'TOKEN', value: UNKNOWN.string }];
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    expect(byPolicy(diagnostics)).toEqual([
      'podguard-kubeletRunAsNonRoot',
      'podguard-runAsGroupPolicy',
      'podguard-runAsRoot',
      'podguard-runAsUserRange',
    ]);
    expect(diagnostics.every((d) => d.enforcementLevel === 'advisory')).toBe(true);
  });

  it('an unknown list of containers is undecidable, not invalid input', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      (spec as Record<string, unknown>).containers = UNKNOWN.array;
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.enforcementLevel === 'advisory')).toBe(true);
    expect(diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining("can't run policy 'podguard-runAsNonRoot'"),
    );
  });

  it('still blocks what is wrong whatever the unknown turns out to be (unknown env, privileged container)', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.containers[0].env = [{ name: 'TOKEN', value: UNKNOWN.string }];
      spec.containers[0].securityContext.privileged = true;
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    expect(diagnostics.find((d) => d.policyName === 'podguard-privileged')?.enforcementLevel).toBe(
      'mandatory',
    );
  });
});

describe('Configure', () => {
  it('`all` and per-policy entries change enforcement levels', async () => {
    await pack.configure({
      all: 'advisory',
      'podguard-runAsNonRoot': 'mandatory',
      'podguard-readOnlyRootFilesystem': 'disabled',
    });
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: rootDeployment(),
    });
    expect(diagnostics.find((d) => d.policyName === 'podguard-runAsNonRoot')?.enforcementLevel).toBe(
      'mandatory',
    );
    expect(
      diagnostics.find((d) => d.policyName === 'podguard-allowPrivilegeEscalation')?.enforcementLevel,
    ).toBe('advisory');
    expect(byPolicy(diagnostics)).not.toContain('podguard-readOnlyRootFilesystem');
  });

  it('a per-policy profile changes which rules run: baseline drops the restricted and podguard rules', async () => {
    const config = Object.fromEntries(
      (await pack.getAnalyzerInfo()).policies.map((policy) => [policy.name, { profile: 'baseline' }]),
    );
    await pack.configure(config);
    const result = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() });
    expect(result.diagnostics).toEqual([]);
    expect(result.notApplicable.map((item) => item.policyName)).toContain('podguard-runAsNonRoot');
    const privileged = withPodSecurity(rootDeployment(), (spec) => {
      spec.hostNetwork = true;
    });
    expect(
      byPolicy((await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: privileged })).diagnostics),
    ).toEqual(['podguard-hostNamespaces']);
  });

  it('settings reach the core: a uidRange makes runAsUser 10001 a violation', async () => {
    await pack.configure({ 'podguard-runAsUserRange': { uidRange: { min: 20000, max: 29999 } } });
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: secureDeployment(),
    });
    expect(byPolicy(diagnostics)).toEqual(['podguard-runAsUserRange']);
    expect(diagnostics[0]?.message).toContain('10001');
  });

  it('warnings of a mandatory policy are advisory: an image whose USER is unknown', async () => {
    await pack.configure({});
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      delete spec.securityContext.runAsUser;
    });
    await pack.configure({ 'podguard-runAsUserRange': 'disabled' });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    const kubelet = diagnostics.find((d) => d.policyName === 'podguard-kubeletRunAsNonRoot');
    expect(kubelet).toBeDefined();
    expect(kubelet?.enforcementLevel).toBe('advisory');
  });

  it('the engine refuses an exemption without a 10-character reason (schema)', async () => {
    await expect(
      pack.configure({ 'podguard-runAsNonRoot': { exemptions: [{ reason: 'legacy' }] } }),
    ).rejects.toThrow(
      /podguard-runAsNonRoot: \/exemptions\/0\/reason must NOT have fewer than 10 characters/,
    );
  });
});

describe('exemptions', () => {
  const exempt = (expires: string, match: Record<string, string>) => ({
    'podguard-runAsNonRoot': {
      exemptions: [{ reason: 'legacy image, rebuilt in ticket SHOP-42', expires, match }],
    },
  });

  it('an exemption with a reason silences its rule for the resources it matches', async () => {
    await pack.configure(exempt('2999-12-31', { namespace: 'shop', name: 'w*' }));
    const names = byPolicy(
      (await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() })).diagnostics,
    );
    expect(names).not.toContain('podguard-runAsNonRoot');
    expect(names).toContain('podguard-runAsUserRange');
    const other = byPolicy(
      (await pack.analyze({ type: DEPLOYMENT, name: 'api', properties: rootDeployment('api') })).diagnostics,
    );
    expect(other).toContain('podguard-runAsNonRoot');
  });

  it('matches by Pulumi URN', async () => {
    await pack.configure(exempt('2999-12-31', { urn: '*::legacy-*' }));
    const legacy = await pack.analyze({
      type: DEPLOYMENT,
      name: 'legacy-web',
      urn: urnOf(DEPLOYMENT, 'legacy-web'),
      properties: rootDeployment(),
    });
    expect(byPolicy(legacy.diagnostics)).not.toContain('podguard-runAsNonRoot');
    const fresh = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() });
    expect(byPolicy(fresh.diagnostics)).toContain('podguard-runAsNonRoot');
  });

  it('an expired exemption no longer applies, and the violation says so', async () => {
    await pack.configure(exempt('2020-01-31', { name: 'web' }));
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: rootDeployment(),
    });
    const runAsNonRoot = diagnostics.find((d) => d.policyName === 'podguard-runAsNonRoot');
    expect(runAsNonRoot?.enforcementLevel).toBe('mandatory');
    expect(runAsNonRoot?.message).toContain(
      'exemption expired on 2020-01-31: legacy image, rebuilt in ticket SHOP-42',
    );
  });

  it('an exemption for another rule on a policy is a violation, not silently ignored', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': {
        exemptions: [{ rule: 'privileged', reason: 'needs the GPU device plugin' }],
      },
    });
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: secureDeployment(),
    });
    expect(diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining('move it to podguard-privileged'),
    );
  });
});

describe('remediation', () => {
  it('with enforcementLevel remediate, each policy fixes its rule and the result passes', async () => {
    await pack.configure({ all: 'remediate' });
    const remediations = await pack.remediate({
      type: DEPLOYMENT,
      name: 'web',
      properties: rootDeployment(),
    });
    expect(remediations.map((r) => r.policyName)).toContain('podguard-runAsNonRoot');
    const result = await pack.preview({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() });
    expect(result.diagnostics).toEqual([]);
    const podSpec = podSpecOf(result.properties);
    expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
    expect(podSpec.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(podSpec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
  });

  it('only remediate-level policies change properties; the rest still report', async () => {
    await pack.configure({ 'podguard-readOnlyRootFilesystem': 'remediate' });
    const result = await pack.preview({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() });
    expect(byPolicy(result.diagnostics)).not.toContain('podguard-readOnlyRootFilesystem');
    expect(byPolicy(result.diagnostics)).toContain('podguard-runAsNonRoot');
  });

  it('keeps secrets secret: a secret env value comes back as a secret', async () => {
    await pack.configure({ all: 'remediate' });
    // The engine's encoding of a secret in a property Struct (resource.SecretSig in pulumi's Go SDK).
    const secret = { [SECRET_SIG_KEY]: SECRET_SIG, value: 's3cr3t' };
    const properties = withPodSecurity(rootDeployment(), (spec) => {
      spec.containers[0].env = [{ name: 'TOKEN', value: secret as unknown as string }];
    });
    const result = await pack.preview({ type: DEPLOYMENT, name: 'web', properties });
    expect(result.diagnostics).toEqual([]);
    expect(podSpecOf(result.properties).containers[0].env).toEqual([{ name: 'TOKEN', value: secret }]);
  });

  it('does not remediate on values unknown during preview, and says so', async () => {
    await pack.configure({ all: 'remediate' });
    const properties = withPodSecurity(rootDeployment(), (spec) => {
      (spec as Record<string, unknown>).securityContext = UNKNOWN.object;
    });
    const remediations = await pack.remediate({ type: DEPLOYMENT, name: 'web', properties });
    expect(remediations.length).toBeGreaterThan(0);
    expect(remediations.every((r) => r.properties === undefined)).toBe(true);
    expect(remediations[0]?.diagnostic).toContain("can't run remediation 'podguard-");
  });
});

describe('AnalyzeStack: namespaces and their pods', () => {
  beforeEach(async () => {
    await pack.configure({});
  });

  it('flags pods in a managed Namespace that does not enforce restricted', async () => {
    const web = urnOf(DEPLOYMENT, 'web');
    const { diagnostics } = await pack.analyzeStack([
      { type: NAMESPACE, name: 'shop', properties: namespace('shop') },
      { type: DEPLOYMENT, name: 'web', urn: web, properties: secureDeployment() },
    ]);
    const stack = diagnostics.filter((d) => d.policyName === 'podguard-namespaces');
    expect(stack).toHaveLength(1);
    expect(stack[0]?.urn).toBe(web);
    expect(stack[0]?.message).toContain(
      'Deployment shop/web runs in a Namespace that does not enforce Pod Security Admission',
    );
  });

  it('flags pods the Namespace would reject at admission', async () => {
    const { diagnostics } = await pack.analyzeStack([
      {
        type: NAMESPACE,
        name: 'shop',
        properties: namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted' }),
      },
      { type: DEPLOYMENT, name: 'web', properties: rootDeployment() },
    ]);
    const stack = diagnostics.filter((d) => d.policyName === 'podguard-namespaces');
    expect(stack).toHaveLength(1);
    expect(stack[0]?.message).toContain('will be rejected by Pod Security Admission of Namespace shop');
    expect(stack[0]?.message).toContain('- runAsNonRoot != true');
  });

  it('cannot tie pods to a Namespace whose name is unknown during preview, and says so', async () => {
    const { diagnostics } = await pack.analyzeStack([
      {
        type: NAMESPACE,
        name: 'shop',
        properties: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: UNKNOWN.string } },
      },
      { type: DEPLOYMENT, name: 'web', properties: secureDeployment() },
    ]);
    const stack = diagnostics.filter((d) => d.policyName === 'podguard-namespaces');
    expect(stack).toHaveLength(1);
    expect(stack[0]?.enforcementLevel).toBe('advisory');
    expect(stack[0]?.message).toContain('.metadata.name');
  });

  it('is quiet for compliant pods in a restricted Namespace', async () => {
    const { diagnostics } = await pack.analyzeStack([
      {
        type: NAMESPACE,
        name: 'shop',
        properties: namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted' }),
      },
      { type: DEPLOYMENT, name: 'web', properties: secureDeployment() },
    ]);
    expect(diagnostics).toEqual([]);
  });
});
