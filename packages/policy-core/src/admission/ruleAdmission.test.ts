/// <reference types="vite/client" />
/**
 * Each rule's `admission` CEL, as toAdmissionPolicies() wraps it, gives the verdict and the message
 * of evaluate() for that rule on the pods of the rule's own RuleTester cases (valid and invalid).
 * A fast, per-rule counterpart of test/admission-sameness.test.ts (the whole PSA corpus, every
 * workload kind, in the e2e project): this one runs with policy-core's unit tests, so a change of
 * a rule's CEL fails here too (and `npm run mutate` sees the `admission` part covered).
 */
import { describe, expect, it, vi } from 'vitest';
import { type CompiledPolicy, compilePolicy } from '../../../../test/admission/celHarness.js';
import { evaluate, isBlocking } from '../engine/evaluate.js';
import { resolveEvaluation } from '../engine/resolveOptions.js';
import type { EvaluateOptions, Profile } from '../model/options.js';
import { parseVersion } from '../model/versions.js';
import { isRecord } from '../podspec/extract.js';
import { type PodRule, variantFor } from '../rulekit/define.js';
import { ruleRegistry } from '../rules/index.js';
import type { InvalidCase, ValidCase } from '../testing/index.js';
import { toAdmissionPolicies, type ValidatingAdmissionPolicy } from './toAdmissionPolicies.js';

type Cases = { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] };

// The rules' tests hand their cases to RuleTester: while their files are imported below, a
// RuleTester that records the cases stands in for it (their tests run in their own files).
const recorded = vi.hoisted(() => new Map<string, Cases[]>());
vi.mock('../testing/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../testing/index.js')>();
  class RecordingRuleTester {
    run(rule: PodRule, cases: Cases): void {
      recorded.set(rule.id, [...(recorded.get(rule.id) ?? []), cases]);
    }
  }
  return { ...original, RuleTester: RecordingRuleTester };
});

// Imported for their cases: the few tests of theirs outside RuleTester are collected here too and
// run a second time (a millisecond or two each), rather than listed as skipped tests.
// One after the other: imported together, the first import of the mocked module raced the others
// under Stryker's runner (the mock's importOriginal saw an empty module).
describe('the rule test files, imported for their RuleTester cases', async () => {
  for (const load of Object.values(
    import.meta.glob<unknown>(['../rules/*.test.ts', '!../rules/*.property.test.ts']),
  )) {
    await load();
  }
});

const NOW = '2026-06-01T00:00:00Z';

const spec = (securityContext: Record<string, unknown> | undefined, ...containers: unknown[]): unknown => ({
  ...(securityContext ? { securityContext } : {}),
  containers,
});
const container = (name: string, securityContext?: Record<string, unknown>): unknown => ({
  name,
  ...(securityContext ? { securityContext } : {}),
});

/**
 * Pods for what the rules' tests check with runRuleResults() instead of RuleTester (several
 * results per pod, image users, fixes): the same situations, for their CEL.
 */
const HAND_WRITTEN: Readonly<Record<string, readonly ValidCase[]>> = {
  readOnlyRootFilesystem: [
    {
      pod: spec(
        undefined,
        container('a', { readOnlyRootFilesystem: false }),
        container('b', { readOnlyRootFilesystem: false }),
        container('c'),
      ),
    },
    {
      pod: spec(
        undefined,
        container('a', { readOnlyRootFilesystem: false }),
        container('b', { readOnlyRootFilesystem: true }),
      ),
    },
  ],
  runAsRoot: [
    { pod: spec(undefined, container('a')) },
    { pod: spec({ runAsUser: 1000 }, container('a'), container('b', { runAsUser: 0 })) },
    {
      pod: spec(
        { runAsUser: 0 },
        container('a'),
        container('b', { runAsUser: 0 }),
        container('c', { runAsUser: 5 }),
      ),
    },
    { pod: { os: { name: 'windows' }, containers: [container('a', { runAsUser: 0 })] } },
  ],
  runAsUserRange: [
    { pod: spec(undefined, container('a')) },
    { pod: spec({ runAsUser: 1000 }, container('a')) },
    { pod: spec({ runAsUser: 65534 }, container('a', { runAsUser: 5 }), container('b')) },
    { pod: spec(undefined, container('a'), container('b', { runAsUser: 0 })) },
    {
      pod: spec({ runAsUser: 15000 }, container('a', { runAsUser: 30000 }), container('b')),
      options: { level: 'restricted', uidRange: { min: 10000, max: 20000 }, denyUids: [15000] },
    },
    {
      pod: spec(undefined, container('a'), container('b', { runAsUser: 1000 })),
      options: { profile: 'openshift', uidRange: { min: 1000660000, max: 1000669999 } },
    },
    {
      pod: spec(undefined, container('a'), container('b', { runAsUser: 5 })),
      options: { profile: 'openshift', requireRunAsUser: true },
    },
  ],
  runAsGroupPolicy: [
    { pod: spec({ runAsGroup: 1000 }, container('a')) },
    { pod: spec(undefined, container('a'), container('b', { runAsGroup: 3000 })) },
    { pod: spec({ runAsGroup: 0, fsGroup: 0, supplementalGroups: [0, 2000] }, container('a')) },
    {
      pod: spec(
        { runAsGroup: 0, fsGroup: 0, supplementalGroups: [1000, 0] },
        container('a', { runAsGroup: 0 }),
        container('b', { runAsGroup: 0 }),
      ),
      options: { level: 'restricted', allowRootGroup: false },
    },
    {
      pod: spec({ runAsGroup: 10, fsGroup: 500, supplementalGroups: [7] }, container('a')),
      options: { level: 'restricted', gidRange: { min: 100 } },
    },
    { pod: spec({ fsGroup: 0 }, container('a')), options: { profile: 'openshift' } },
  ],
};

/** Volume sources the API server knows: it drops other fields before admission (evaluate() does not). */
const VOLUME_SOURCES = new Set(
  (
    'name configMap csi downwardAPI emptyDir ephemeral image persistentVolumeClaim projected secret hostPath ' +
    'gcePersistentDisk awsElasticBlockStore gitRepo nfs iscsi glusterfs rbd flexVolume cinder cephfs flocker fc ' +
    'azureFile vsphereVolume quobyte azureDisk photonPersistentDisk portworxVolume scaleIO storageos'
  ).split(' '),
);

/** A sysctl without a name: the API server's validation, which runs before admission policies, refuses it. */
function hasUnnamedSysctl(spec: unknown): boolean {
  const sysctls = (spec as { securityContext?: { sysctls?: unknown } }).securityContext?.sysctls;
  return (
    Array.isArray(sysctls) && sysctls.some((sysctl) => isRecord(sysctl) && typeof sysctl.name !== 'string')
  );
}

function hasUnknownVolumeSource(spec: unknown): boolean {
  const volumes = (spec as { volumes?: unknown }).volumes;
  return (
    Array.isArray(volumes) &&
    volumes.some((volume) => isRecord(volume) && Object.keys(volume).some((key) => !VOLUME_SOURCES.has(key)))
  );
}

/** The rules with a CEL check, pod rules all. */
const admissionRules = [...ruleRegistry.values()].filter(
  (rule): rule is PodRule => rule.target === 'pod' && 'check' in rule.admission,
);

/**
 * The options a case runs with (RuleTester's default is the `restricted` level), with a profile
 * that runs the rule: the resolved profile (so its option defaults stay), at least at level
 * the rule's own level for a PSA rule (restricted replaces some baseline checks), plus the rule when it is a podguard rule.
 */
function optionsWithRule(rule: PodRule, testCase: ValidCase): EvaluateOptions {
  const options = testCase.options ?? { level: 'restricted' };
  const { profile } = resolveEvaluation(options);
  const psa = rule.level === 'baseline' || rule.level === 'restricted';
  const withRule: Profile = {
    name: 'with-rule',
    // Upstream's restricted checks replace some baseline ones (hostPath volumes, capabilities...).
    level: psa ? rule.level : 'restricted',
    rules: psa || profile.rules.includes(rule.id) ? [...profile.rules] : [...profile.rules, rule.id],
    ...(profile.options ? { options: profile.options } : {}),
  };
  return { ...options, profile: withRule, now: NOW };
}

/** The Pod policies (deny and warn) for these options, cut down to the rule's validations. */
function podPolicies(rule: PodRule, options: EvaluateOptions): { action: string; policy: CompiledPolicy }[] {
  const out: { action: string; policy: CompiledPolicy }[] = [];
  for (const object of toAdmissionPolicies(options).objects) {
    if (object.kind !== 'ValidatingAdmissionPolicy') continue;
    const [, warn] = /^podguard-pods(-warn)?$/.exec(object.metadata.name) ?? [];
    if (!/^podguard-pods(-warn)?$/.test(object.metadata.name)) continue;
    const validations = object.spec.validations.filter(
      (validation) => validation.message === `podguard ${rule.id}`,
    );
    if (validations.length === 0) continue;
    const policy: ValidatingAdmissionPolicy = { ...object, spec: { ...object.spec, validations } };
    out.push({ action: warn ? 'warn' : 'deny', policy: compilePolicy(policy) });
  }
  return out;
}

/** A case's pod as the Pod the API server would see. */
function asPod(pod: unknown): Record<string, unknown> {
  const object = pod as Record<string, unknown>;
  if (object.kind === 'Pod') return object;
  if (object.kind === undefined && object.spec === undefined)
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test', namespace: 'team' }, spec: object };
  throw new Error(`not a Pod or a pod spec: ${JSON.stringify(pod)}`);
}

interface Verdict {
  allowed: boolean;
  message?: string;
}

describe('each rule says in CEL what its check says', () => {
  it('finds the rules with CEL and their cases', () => {
    expect(admissionRules.length).toBeGreaterThan(20);
    for (const rule of admissionRules) {
      expect(recorded.has(rule.id) || HAND_WRITTEN[rule.id] !== undefined, rule.id).toBe(true);
    }
  });

  for (const rule of admissionRules) {
    it(rule.id, () => {
      const latest = variantFor(rule, parseVersion('latest'));
      const compiled = new Map<string, { action: string; policy: CompiledPolicy }[]>();
      const disagreements: string[] = [];
      let denied = 0;
      let allowed = 0;
      const testCases = [
        ...(recorded.get(rule.id) ?? []).flatMap((cases) => [...cases.valid, ...cases.invalid]),
        ...(HAND_WRITTEN[rule.id] ?? []),
      ];
      for (const testCase of testCases) {
        // CEL enforces the latest checks: a case at a version whose variant is older has no CEL to match.
        if (variantFor(rule, parseVersion(testCase.version ?? 'latest')) !== latest) continue;
        const object = testCase.pod as Record<string, unknown>;
        // Workloads: the Pod policy is the one cut down here; their pod specs are the same CEL.
        if (object.kind !== undefined && object.kind !== 'Pod') continue;
        const pod = asPod(object);
        if (hasUnknownVolumeSource(pod.spec) || hasUnnamedSysctl(pod.spec)) continue;
        const options = optionsWithRule(rule, testCase);
        const key = JSON.stringify(options);
        let policies = compiled.get(key);
        if (policies === undefined) {
          policies = podPolicies(rule, options);
          compiled.set(key, policies);
        }
        const expected = new Map<string, Verdict>();
        for (const finding of evaluate(pod, options).findings) {
          if (finding.rule !== rule.id || finding.status !== 'fail') continue;
          const action = isBlocking(finding, options.failOn) ? 'deny' : 'warn';
          const previous = expected.get(action);
          expected.set(action, {
            allowed: false,
            message:
              previous?.message === undefined ? finding.message : `${previous.message}; ${finding.message}`,
          });
        }
        for (const { action, policy } of policies) {
          for (const outcome of policy.run(pod)) {
            const want = expected.get(action) ?? { allowed: true };
            if (want.allowed) allowed++;
            else denied++;
            if (want.allowed !== outcome.allowed || want.message !== outcome.message) {
              disagreements.push(
                `${testCase.name ?? JSON.stringify(testCase.pod)} (${action}): evaluate ${want.allowed ? 'allows' : `denies: ${want.message}`}; CEL ${outcome.allowed ? 'allows' : `denies: ${outcome.message}`}`,
              );
            }
          }
        }
      }
      expect(disagreements.join('\n')).toBe('');
      // The cases reach both verdicts.
      expect(allowed, 'pods CEL allows').toBeGreaterThan(0);
      expect(denied, 'pods CEL denies').toBeGreaterThan(0);
    });
  }
});
