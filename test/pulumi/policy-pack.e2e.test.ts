/**
 * The podguard policy pack, run as the Pulumi CLI runs it (run-policy-pack + gRPC), asserting
 * the diagnostics `pulumi preview --policy-pack packages/pulumi/pack` would print.
 */

import { psaPlan, resolveEvaluation, ruleRegistry } from '@podguard/policy-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEPLOYMENT,
  LEGACY_TYPES,
  NAMESPACE,
  namespace,
  podOf,
  rootDeployment,
  secureDeployment,
} from './fixtures.js';
import {
  type AnalyzeResult,
  type Diagnostic,
  ensurePulumiBuild,
  HARDEND_PACK,
  PODGUARD_PACK,
  PolicyPackHarness,
  SECRET_SIG,
  SECRET_SIG_KEY,
  type TestResource,
  UNKNOWN,
  urnOf,
} from './harness.js';

let pack: PolicyPackHarness;

beforeAll(async () => {
  await ensurePulumiBuild();
  pack = await PolicyPackHarness.start(PODGUARD_PACK);
});

afterAll(() => pack?.close());

/** The pod rules the default (hardened) profile runs. */
function hardenedRules() {
  const { profile, minor } = resolveEvaluation({});
  const ids = [...psaPlan(profile.level, minor).map((planned) => planned.rule.id), ...profile.rules];
  return [...ruleRegistry.values()].filter((rule) => rule.target === 'pod' && ids.includes(rule.id));
}

const byPolicy = (diagnostics: { policyName: string }[]) => diagnostics.map((d) => d.policyName).sort();
const atLevel = (level: string) => (diagnostics: Diagnostic[]) =>
  byPolicy(diagnostics.filter((d) => d.enforcementLevel === level));
/** The policies of the mandatory diagnostics, and of the advisory ones. */
const blocking = atLevel('mandatory');
const advisory = atLevel('advisory');

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
    // Last, so that it sees what every other policy, stack policies included, left unused.
    expect(names.at(-1)).toBe('podguard-unusedSuppression');
    expect(new Set(info.policies.map((policy) => policy.enforcementLevel))).toEqual(new Set(['mandatory']));
    const schema = info.policies.find((policy) => policy.name === 'podguard-runAsRoot')?.configSchema;
    expect(schema?.properties.profile?.default).toBe('hardened');
    expect(schema?.properties.suppressions?.type).toBe('array');
    // The input and stack policies suppress nothing, so their schemas offer no suppressions.
    for (const name of ['podguard-invalidInput', 'podguard-namespaces', 'podguard-unusedSuppression']) {
      const own = info.policies.find((policy) => policy.name === name)?.configSchema;
      expect(own?.properties.suppressions).toBeUndefined();
      expect(own?.properties.exemptions).toBeUndefined();
    }
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
    // The token rule needs the stack's ServiceAccounts: it runs in AnalyzeStack, on the pod's URN.
    const stack = await pack.analyzeStack([{ type: DEPLOYMENT, name: 'web', properties: rootDeployment() }]);
    const token = stack.diagnostics.filter((d) => d.policyName === 'podguard-automountServiceAccountToken');
    expect(token).toHaveLength(1);
    expect(token[0]?.enforcementLevel).toBe('mandatory');
    expect(token[0]?.message).toContain('Deployment shop/web: automountServiceAccountToken != false');
  });

  it('passes a pod whose ServiceAccount in the same stack turns the token off, as every door does', async () => {
    const deployment = withPodSecurity(secureDeployment(), (spec) => {
      delete (spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken;
      (spec as { serviceAccountName?: string }).serviceAccountName = 'web';
    });
    const account = (automount: boolean | undefined) => ({
      type: 'kubernetes:core/v1:ServiceAccount',
      name: 'web-sa',
      properties: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'web', namespace: 'shop' },
        ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
      },
    });
    const token = (result: {
      diagnostics: { policyName: string; message: string; enforcementLevel: string }[];
    }) => result.diagnostics.filter((d) => d.policyName === 'podguard-automountServiceAccountToken');
    const pod = { type: DEPLOYMENT, name: 'web', properties: deployment };
    expect(token(await pack.analyzeStack([pod, account(false)]))).toEqual([]);
    // Without it, or with one that leaves the token on, the finding names the account.
    const alone = token(await pack.analyzeStack([pod]));
    expect(alone).toHaveLength(1);
    const unset = token(await pack.analyzeStack([pod, account(undefined)]));
    expect(unset[0]?.message).toContain(
      'ServiceAccount "shop/web" in the same input leaves automountServiceAccountToken unset',
    );
    expect(token((await pack.analyze(pod)) as never)).toEqual([]);
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

  it('an unknown image leaves undecided exactly the rules that declare they read the image', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.containers[0].image = UNKNOWN.string;
      spec.containers[0].env = [{ name: 'TOKEN', value: UNKNOWN.string }];
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    // From the core's declarations, not from a list kept here (issue 12: the list had drifted).
    const readers = hardenedRules()
      .filter((rule) => rule.reads.includes('containers[].image'))
      .map((rule) => `podguard-${rule.id}`)
      .sort();
    expect(readers.length).toBeGreaterThan(0);
    expect(byPolicy(diagnostics)).toEqual(readers);
    expect(byPolicy(diagnostics)).not.toContain('podguard-runAsGroupPolicy');
    expect(diagnostics.every((d) => d.enforcementLevel === 'advisory')).toBe(true);
  });

  it('an unknown image leaves a missing runAsGroup a mandatory violation (issue 12)', async () => {
    const properties = withPodSecurity(secureDeployment(), (spec) => {
      spec.containers[0].image = UNKNOWN.string;
      delete spec.securityContext.runAsGroup;
    });
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    expect(diagnostics.find((d) => d.policyName === 'podguard-runAsGroupPolicy')?.enforcementLevel).toBe(
      'mandatory',
    );
  });

  it.each([
    ['number', UNKNOWN.number],
    ['string', UNKNOWN.string],
  ])(
    'privileged: true plus an unknown pod runAsUser (%s sentinel) is still a mandatory privileged violation (issue 12)',
    async (_, sentinel) => {
      const properties = withPodSecurity(secureDeployment(), (spec) => {
        spec.securityContext.runAsUser = sentinel;
        spec.containers[0].securityContext.privileged = true;
      });
      const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
      const privileged = diagnostics.find((d) => d.policyName === 'podguard-privileged');
      expect(privileged?.enforcementLevel).toBe('mandatory');
      expect(privileged?.message).toContain(
        'privileged (container "web" must not set securityContext.privileged=true)',
      );
      // The rules that read runAsUser wait for the value.
      expect(diagnostics.find((d) => d.policyName === 'podguard-runAsRoot')?.enforcementLevel).toBe(
        'advisory',
      );
      expect(diagnostics.find((d) => d.policyName === 'podguard-invalidInput')).toBeUndefined();
    },
  );

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

  it('the engine refuses a suppression without a 10-character reason (schema)', async () => {
    await expect(
      pack.configure({ 'podguard-runAsNonRoot': { suppressions: [{ reason: 'legacy' }] } }),
    ).rejects.toThrow(
      /podguard-runAsNonRoot: \/suppressions\/0\/reason must NOT have fewer than 10 characters/,
    );
  });
});

describe('exemptions', () => {
  const exempt = (expires: string, match: Record<string, string>) => ({
    'podguard-runAsNonRoot': {
      exemptions: [{ reason: 'legacy image, rebuilt in ticket SHOP-42', expires, match }],
    },
  });

  it('an exemption with a reason lets its rule pass for the resources it matches, and the finding shows it as advisory', async () => {
    await pack.configure(exempt('2999-12-31', { namespace: 'shop', name: 'w*' }));
    const web = (await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() }))
      .diagnostics;
    expect(blocking(web)).not.toContain('podguard-runAsNonRoot');
    expect(blocking(web)).toContain('podguard-runAsUserRange');
    // Shown as every door shows it: the core's line, tagged suppressed, with the reason.
    const suppressed = web.filter((d) => d.policyName === 'podguard-runAsNonRoot');
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]?.enforcementLevel).toBe('advisory');
    expect(suppressed[0]?.message).toContain('runAsNonRoot [suppressed]: Deployment shop/web: ');
    expect(suppressed[0]?.message).toContain(
      'suppressed until 2999-12-31: legacy image, rebuilt in ticket SHOP-42',
    );
    const other = blocking(
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
    expect(blocking(legacy.diagnostics)).not.toContain('podguard-runAsNonRoot');
    expect(advisory(legacy.diagnostics)).toContain('podguard-runAsNonRoot');
    const fresh = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: rootDeployment() });
    expect(blocking(fresh.diagnostics)).toContain('podguard-runAsNonRoot');
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
      'suppressed until 2020-01-31 (expired): legacy image, rebuilt in ticket SHOP-42',
    );
  });

  it('an exemption for another rule on a policy is a violation, not silently ignored', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': {
        suppressions: [{ rule: 'privileged', reason: 'needs the GPU device plugin' }],
      },
    });
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: secureDeployment(),
    });
    expect(diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringContaining('a suppression of privileged belongs on podguard-privileged; move it there'),
    );
  });

  it('the deprecated exemptions setting still works', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': { exemptions: [{ reason: 'legacy image, rebuilt in ticket SHOP-42' }] },
    });
    const { diagnostics } = await pack.analyze({
      type: DEPLOYMENT,
      name: 'web',
      properties: rootDeployment(),
    });
    expect(blocking(diagnostics)).not.toContain('podguard-runAsNonRoot');
    expect(advisory(diagnostics)).toContain('podguard-runAsNonRoot');
    expect(blocking(diagnostics)).toContain('podguard-runAsUserRange');
  });
});

describe('unused suppressions: the podguard-unusedSuppression stack policy (issue 12)', () => {
  const reason = 'legacy image, rebuilt in ticket SHOP-42';
  const UNUSED = 'podguard-unusedSuppression';
  /** The core's report of an unused suppression of a rule given in options, as evaluate() words it. */
  const unusedLine = (rule: string) =>
    `unusedSuppression [warning]: object: unused suppression (options) (suppression of ${rule} in suppressions of the evaluation options matched no finding; remove it)`;
  const web = { type: DEPLOYMENT, name: 'web', properties: rootDeployment() };
  const api = { type: DEPLOYMENT, name: 'api', properties: rootDeployment('api') };

  /** One engine operation: Analyze for every resource, then AnalyzeStack over them all. */
  async function operation(resources: TestResource[]) {
    const analyzed = [];
    for (const resource of resources) analyzed.push(await pack.analyze(resource));
    return { analyzed, stack: await pack.analyzeStack(resources) };
  }

  const unusedOf = (result: AnalyzeResult) => result.diagnostics.filter((d) => d.policyName === UNUSED);

  beforeEach(async () => {
    // The harness serves every test from one process; an operation of the engine ends with AnalyzeStack.
    await pack.configure({});
    await pack.analyzeStack([]);
  });

  it('reports a suppression that matched nothing in the stack, in the core words, as advisory', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': { suppressions: [{ reason, match: { name: 'legacy-*' } }] },
    });
    const { analyzed, stack } = await operation([web]);
    expect(blocking(analyzed[0]?.diagnostics ?? [])).toContain('podguard-runAsNonRoot');
    const unused = unusedOf(stack);
    expect(unused).toHaveLength(1);
    expect(unused[0]?.enforcementLevel).toBe('advisory');
    expect(unused[0]?.message).toContain(unusedLine('runAsNonRoot'));
    // The report is of this operation only.
    expect(unusedOf(await pack.analyzeStack([]))).toEqual([]);
  });

  it('does not report a suppression a finding used, in any resource of the stack', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': {
        suppressions: [
          { reason, match: { name: 'web' } },
          { reason: 'the api image is rebuilt in SHOP-43', match: { name: 'api' } },
        ],
      },
    });
    expect(unusedOf((await operation([web, api])).stack)).toEqual([]);
    // Without the api Deployment, its suppression is the one left unused.
    expect(unusedOf((await operation([web])).stack).map((d) => d.message)).toEqual([
      expect.stringContaining(unusedLine('runAsNonRoot')),
    ]);
  });

  it('tells apart suppressions with the same reason: each is used by the resource it matches', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': {
        suppressions: [
          { reason, match: { name: 'web' } },
          { reason, match: { name: 'api' } },
        ],
      },
    });
    expect(unusedOf((await operation([web, api])).stack)).toEqual([]);
    expect(unusedOf((await operation([api])).stack)).toHaveLength(1);
  });

  it('reports a suppression in the config of a policy whose resources the stack does not have', async () => {
    // No Namespace in the stack: podguard-namespaceEnforceLabel never sees a resource of its type.
    await pack.configure({ 'podguard-namespaceEnforceLabel': { suppressions: [{ reason }] } });
    const unused = unusedOf((await operation([web])).stack);
    expect(unused.map((d) => d.message)).toEqual([
      expect.stringContaining(unusedLine('namespaceEnforceLabel')),
    ]);
    // A rule the profile does not run has no finding either.
    await pack.configure({ 'podguard-runAsUserRange': { profile: 'baseline', suppressions: [{ reason }] } });
    expect(unusedOf((await operation([web])).stack).map((d) => d.message)).toEqual([
      expect.stringContaining(unusedLine('runAsUserRange')),
    ]);
  });

  it('blocks with failOn warning, as the unused suppression is a warning', async () => {
    await pack.configure({
      'podguard-runAsNonRoot': { suppressions: [{ reason, match: { name: 'legacy-*' } }] },
      [UNUSED]: { failOn: 'warning' },
    });
    const unused = unusedOf((await operation([web])).stack);
    expect(unused.map((d) => d.enforcementLevel)).toEqual(['mandatory']);
  });

  it('counts the findings of rules run as stack policies (automountServiceAccountToken)', async () => {
    const tokenless = withPodSecurity(secureDeployment(), (spec) => {
      delete (spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken;
    });
    await pack.configure({ 'podguard-automountServiceAccountToken': { suppressions: [{ reason }] } });
    const urn = urnOf(DEPLOYMENT, 'web');
    const { stack } = await operation([{ type: DEPLOYMENT, name: 'web', urn, properties: tokenless }]);
    const token = stack.diagnostics.filter((d) => d.policyName === 'podguard-automountServiceAccountToken');
    expect(token.map((d) => d.enforcementLevel)).toEqual(['advisory']);
    // An advisory diagnostic of a stack policy is on the pod's URN too.
    expect(token[0]?.urn).toBe(urn);
    expect(token[0]?.message).toContain('automountServiceAccountToken [suppressed]: Deployment shop/web: ');
    expect(unusedOf(stack)).toEqual([]);
    // With the token turned off, nothing is left to suppress.
    const unused = unusedOf(
      (await operation([{ type: DEPLOYMENT, name: 'web', properties: secureDeployment() }])).stack,
    );
    expect(unused.map((d) => d.message)).toEqual([
      expect.stringContaining(unusedLine('automountServiceAccountToken')),
    ]);
  });

  it('reports an unused podguard.dev/suppress annotation entry on its resource', async () => {
    const annotated = secureDeployment();
    (annotated.metadata as { annotations?: Record<string, string> }).annotations = {
      'podguard.dev/suppress': JSON.stringify([
        { rule: 'hostNamespaces', reason: 'network debugging, INC-4711' },
      ]),
    };
    const urn = urnOf(DEPLOYMENT, 'web');
    const unused = unusedOf(
      (await operation([{ type: DEPLOYMENT, name: 'web', urn, properties: annotated }])).stack,
    );
    expect(unused).toHaveLength(1);
    expect(unused[0]?.urn).toBe(urn);
    expect(unused[0]?.message).toContain('unusedSuppression [warning]: Deployment shop/web: ');
    expect(unused[0]?.message).toContain('annotation podguard.dev/suppress');
  });

  it('leaves to update a suppression whose use waits for a value unknown during preview', async () => {
    await pack.configure({ 'podguard-runAsNonRoot': { suppressions: [{ reason, match: { name: 'web' } }] } });
    const unknown = withPodSecurity(rootDeployment(), (spec) => {
      spec.securityContext = { runAsNonRoot: UNKNOWN.bool };
    });
    const { analyzed, stack } = await operation([{ type: DEPLOYMENT, name: 'web', properties: unknown }]);
    expect(advisory(analyzed[0]?.diagnostics ?? [])).toContain('podguard-runAsNonRoot');
    expect(unusedOf(stack)).toEqual([]);
  });
});

describe('the pack validates its own config (issue 12)', () => {
  const reason = 'legacy image, rebuilt in ticket SHOP-42';
  const messagesFor = async (config: Parameters<PolicyPackHarness['configure']>[0]) => {
    await pack.configure(config);
    const stack = await pack.analyzeStack([
      { type: NAMESPACE, name: 'shop', properties: namespace('shop') },
      { type: DEPLOYMENT, name: 'web', properties: secureDeployment() },
    ]);
    const resource = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties: secureDeployment() });
    return [...stack.diagnostics, ...resource.diagnostics].map(
      (d) => `${d.policyName} ${d.enforcementLevel}: ${d.message}`,
    );
  };

  it('an unknown key is a mandatory violation naming it', async () => {
    const messages = await messagesFor({ 'podguard-runAsUserRange': { uidrange: { min: 20000 } } });
    expect(messages).toContainEqual(expect.stringMatching(/^podguard-runAsUserRange mandatory: /));
    expect(messages).toContainEqual(
      expect.stringContaining(
        'invalid podguard settings: invalid setting uidrange of podguard-runAsUserRange: unknown setting (did you mean uidRange?)',
      ),
    );
  });

  it('deprecated names are in no schema, and the pack still takes and checks them', async () => {
    const info = await pack.getAnalyzerInfo();
    for (const policy of info.policies) {
      for (const name of ['exemptions', 'pssVersion', 'warnings'])
        expect(policy.configSchema?.properties[name], `${policy.name} ${name}`).toBeUndefined();
    }
    // What the schema no longer refuses, the pack does: a reason shorter than 10 characters.
    const messages = await messagesFor({ 'podguard-runAsNonRoot': { exemptions: [{ reason: 'legacy' }] } });
    expect(messages).toContainEqual(
      expect.stringMatching(/^podguard-runAsNonRoot mandatory: [\s\S]*at least 10 characters/),
    );
    const version = await messagesFor({ 'podguard-privileged': { pssVersion: 'v1.x' } });
    expect(version).toContainEqual(
      expect.stringMatching(
        /^podguard-privileged mandatory: [\s\S]*invalid option pssVersion: invalid Pod Security version "v1.x"/,
      ),
    );
  });

  it("a setting its rule does not read, left out of a policy's schema, is still taken and checked by the pack", async () => {
    const info = await pack.getAnalyzerInfo();
    const schemaOf = (name: string) => info.policies.find((policy) => policy.name === name)?.configSchema;
    expect(schemaOf('podguard-privileged')?.properties.uidRange).toBeUndefined();
    expect(schemaOf('podguard-runAsUserRange')?.properties.uidRange).toBeDefined();
    // podguardPolicyConfig writes every setting on every policy: the engine accepts it...
    const messages = await messagesFor({ 'podguard-privileged': { uidRange: { min: 20000, max: 10 } } });
    // ...and the pack checks it there as on the rule's own policy.
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^podguard-privileged mandatory: [\s\S]*invalid option uidRange: min \(20000\) is greater than max \(10\)/,
      ),
    );
  });

  it('an impossible expiry date is a violation, not a silently dropped exemption', async () => {
    const messages = await messagesFor({
      'podguard-runAsNonRoot': { suppressions: [{ reason, expires: '2026-02-30' }] },
    });
    expect(messages).toContainEqual(
      expect.stringMatching(/^podguard-runAsNonRoot mandatory: [\s\S]*invalid expires "2026-02-30"/),
    );
  });

  it.each(['podguard-namespaces', 'podguard-invalidInput'])(
    'suppressions on %s, which suppresses nothing, are a violation',
    async (name) => {
      const messages = await messagesFor({ [name]: { exemptions: [{ rule: 'runAsNonRoot', reason }] } });
      expect(messages).toContainEqual(expect.stringContaining(`${name} suppresses nothing`));
    },
  );

  it('a misspelled rule id is told the policy that exists', async () => {
    const messages = await messagesFor({
      'podguard-runAsNonRoot': { suppressions: [{ rule: 'runAsNonroot', reason }] },
    });
    expect(messages).toContainEqual(
      expect.stringContaining(
        'unknown rule "runAsNonroot" (did you mean "runAsNonRoot", policy podguard-runAsNonRoot?)',
      ),
    );
    const names = (await pack.getAnalyzerInfo()).policies.map((policy) => policy.name);
    expect(names).toContain('podguard-runAsNonRoot');
  });

  it('createPodguardPack({ profile: "hardend" }) fails to start with one clear error', async () => {
    const error = await PolicyPackHarness.start(HARDEND_PACK).then(
      (started) => {
        started.close();
        throw new Error('the pack started');
      },
      (failure: Error) => failure.message,
    );
    expect(error).toContain(
      'podguard: invalid settings of createPodguardPack: invalid option profile: unknown profile "hardend"',
    );
    // One error, not one per policy (there were 28 identical engine errors).
    expect(error.match(/unknown profile "hardend"/g)).toHaveLength(1);
  });
});

describe('Pulumi types decide the kind; legacy pod-spec types are checked like their v1 twins', () => {
  beforeEach(async () => {
    await pack.configure({});
  });

  const v1Twin = (type: string) =>
    type.replace(/(apps|extensions)\/v1beta[12]/, 'apps/v1').replace(/batch\/(v1beta1|v2alpha1)/, 'batch/v1');

  it.each(LEGACY_TYPES)('%s', async (type) => {
    const [, apiVersion = '', kind = ''] = type.split(':');
    const twin = await pack.analyze({
      type: v1Twin(type),
      name: 'legacy',
      properties: podOf(kind, 'apps/v1'),
    });
    const result = await pack.analyze({ type, name: 'legacy', properties: podOf(kind, apiVersion) });
    expect(byPolicy(result.diagnostics)).toEqual(byPolicy(twin.diagnostics));
    expect(byPolicy(result.diagnostics)).toContain('podguard-privileged');
    expect(result.diagnostics.find((d) => d.policyName === 'podguard-privileged')?.message).toContain(
      `${kind} shop/legacy:`,
    );
  });

  it('a kind in the properties does not override the Pulumi type', async () => {
    const properties = { ...rootDeployment(), kind: 'Service' };
    const { diagnostics } = await pack.analyze({ type: DEPLOYMENT, name: 'web', properties });
    expect(byPolicy(diagnostics)).toContain('podguard-runAsNonRoot');
    expect(diagnostics.find((d) => d.policyName === 'podguard-runAsNonRoot')?.message).toContain(
      'Deployment shop/web',
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

  it('does not remediate rules that read a value unknown during preview, and says so; the others still fix', async () => {
    await pack.configure({ all: 'remediate' });
    const properties = withPodSecurity(rootDeployment(), (spec) => {
      (spec as Record<string, unknown>).securityContext = UNKNOWN.object;
    });
    const remediations = await pack.remediate({ type: DEPLOYMENT, name: 'web', properties });
    const runAsNonRoot = remediations.find((r) => r.policyName === 'podguard-runAsNonRoot');
    expect(runAsNonRoot?.properties).toBeUndefined();
    expect(runAsNonRoot?.diagnostic).toContain("can't run remediation 'podguard-runAsNonRoot'");
    // allowPrivilegeEscalation reads only the containers' field: decided, fixed, the unknown kept.
    const escalation = remediations.find((r) => r.policyName === 'podguard-allowPrivilegeEscalation');
    expect(escalation?.properties).toBeDefined();
    const fixed = podSpecOf(escalation?.properties ?? {});
    expect(fixed.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false });
    expect(fixed.securityContext).toBe(UNKNOWN.object);
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

  it('treats unknown values as unknown, not as values (issue 12)', async () => {
    const restricted = namespace('shop', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    // A number sentinel was read as runAsUser=0: a mandatory rejection for a value nobody wrote.
    const numeric = withPodSecurity(secureDeployment(), (spec) => {
      spec.securityContext.runAsUser = UNKNOWN.number;
    });
    const first = await pack.analyzeStack([
      { type: NAMESPACE, name: 'shop', properties: restricted },
      { type: DEPLOYMENT, name: 'web', properties: numeric },
    ]);
    const stack = first.diagnostics.filter((d) => d.policyName === 'podguard-namespaces');
    expect(stack.filter((d) => d.enforcementLevel === 'mandatory')).toEqual([]);
    expect(stack.map((d) => d.message)).toContainEqual(
      expect.stringContaining(
        "can't be known during preview: runAsUser read .spec.template.spec.securityContext.runAsUser",
      ),
    );
    // A string sentinel made the pod unreadable: a privileged pod got no stack diagnostic at all.
    const privileged = withPodSecurity(secureDeployment(), (spec) => {
      spec.securityContext.runAsUser = UNKNOWN.string;
      spec.containers[0].securityContext.privileged = true;
    });
    const second = await pack.analyzeStack([
      { type: NAMESPACE, name: 'shop', properties: restricted },
      { type: DEPLOYMENT, name: 'web', properties: privileged },
    ]);
    const rejected = second.diagnostics.find(
      (d) => d.policyName === 'podguard-namespaces' && d.enforcementLevel === 'mandatory',
    );
    expect(rejected?.message).toContain('will be rejected by Pod Security Admission of Namespace shop');
    expect(rejected?.message).toContain(
      '- privileged (container "web" must not set securityContext.privileged=true)',
    );
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
