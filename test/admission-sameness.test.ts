/// <reference types="vite/client" />
/**
 * Proof of sameness: every validation of the generated ValidatingAdmissionPolicies, run with a
 * real CEL implementation (@bufbuild/cel, see admission/celHarness.ts), gives the verdict and the
 * message of evaluate() for the same rule, on every pod of the upstream Pod Security Admission
 * corpus and on every pod of the rules' own tests, wrapped in each built-in workload kind.
 */
import { type EvaluateOptions, evaluate, type Finding, isBlocking } from '@podguard/policy-core';
import { describe, expect, it, vi } from 'vitest';
import {
  toAdmissionPolicies,
  type ValidatingAdmissionPolicy,
} from '../packages/policy-core/src/admission/toAdmissionPolicies.js';
import { type CompiledPolicy, compilePolicy, type ValidationOutcome } from './admission/celHarness.js';
import { loadPsaCases } from './fixtures/psa/load.mjs';

// The rules' tests read their pods through extractObject(); while they run, record each pod spec
// found there as a Pod (see the imports below).
const rulePods: unknown[] = [];
let recording = true;
vi.mock('../packages/policy-core/src/podspec/extract.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../packages/policy-core/src/podspec/extract.js')>();
  return {
    ...original,
    extractObject(...args: Parameters<typeof original.extractObject>) {
      const extracted = original.extractObject(...args);
      if (recording && extracted.kind === 'pod' && args[2]?.partial !== true) {
        for (const view of extracted.views) {
          rulePods.push({ apiVersion: 'v1', kind: 'Pod', metadata: view.metadata, spec: view.spec });
        }
      }
      return extracted;
    },
  };
});
// Running the rule tests here (again) is how their pods are collected: they stay the source of truth.
await Promise.all(
  Object.values(
    import.meta.glob<unknown>([
      '../packages/policy-core/src/rules/*.test.ts',
      // Property tests draw random pods: the corpus and the examples are the cases.
      '!../packages/policy-core/src/rules/*.property.test.ts',
    ]),
  ).map((load) => load()),
);

const NOW = '2026-06-01T00:00:00Z';
const CONFIGURATIONS: readonly EvaluateOptions[] = [
  { level: 'baseline', now: NOW },
  { profile: 'hardened', now: NOW },
  { profile: 'openshift', now: NOW, allowRootGroup: false, denyUids: [65534, 1001] },
];

/** Where a pod spec sits in each built-in workload kind. */
function wrappings(pod: Record<string, unknown>): Record<string, unknown>[] {
  const template = { metadata: pod.metadata ?? {}, spec: pod.spec };
  const metadata = { name: 'wrapped', namespace: 'team' };
  const workload = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata, spec: { template } });
  return [
    pod,
    { apiVersion: 'v1', kind: 'PodTemplate', metadata, template },
    workload('v1', 'ReplicationController'),
    workload('apps/v1', 'ReplicaSet'),
    workload('apps/v1', 'Deployment'),
    workload('apps/v1', 'StatefulSet'),
    workload('apps/v1', 'DaemonSet'),
    workload('batch/v1', 'Job'),
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec: { jobTemplate: { spec: { template } } } },
  ];
}

const PLACE_OF_KIND: Record<string, string> = {
  Pod: 'pods',
  PodTemplate: 'podtemplates',
  CronJob: 'cronjobs',
};

/** The unique pods of the corpus and of the rule tests. */
function pods(): Record<string, unknown>[] {
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const object of [...loadPsaCases().map((c) => c.object), ...rulePods]) {
    const key = JSON.stringify(object);
    if (seen.has(key)) continue;
    seen.add(key);
    // A pod the API server would refuse as invalid (a sysctl without a name) never reaches a
    // policy, and it drops the fields it does not know (a volume source of a made-up type) before
    // admission.
    if (evaluate(object).findings.some((finding) => finding.status === 'error')) continue;
    if (hasUnknownVolumeSource(object) || hasUnnamedSysctl(object)) continue;
    out.push(object as Record<string, unknown>);
  }
  return out;
}

const VOLUME_KEYS = new Set([
  'name',
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
]);

/** A sysctl without a name, which the API server's validation refuses (the name is required). */
function hasUnnamedSysctl(object: unknown): boolean {
  const sysctls = (object as { spec?: { securityContext?: { sysctls?: unknown } } }).spec?.securityContext
    ?.sysctls;
  return (
    Array.isArray(sysctls) &&
    sysctls.some((sysctl) => sysctl !== null && typeof sysctl === 'object' && !('name' in sysctl))
  );
}

function hasUnknownVolumeSource(object: unknown): boolean {
  const volumes = (object as { spec?: { volumes?: unknown } }).spec?.volumes;
  return (
    Array.isArray(volumes) &&
    volumes.some(
      (volume) =>
        volume !== null &&
        typeof volume === 'object' &&
        Object.keys(volume).some((key) => !VOLUME_KEYS.has(key)),
    )
  );
}

interface Expected {
  allowed: boolean;
  message?: string;
}

/** evaluate()'s verdict per rule and action: denied when the rule has a finding there. */
function expectedOutcomes(
  findings: readonly Finding[],
  failOn: EvaluateOptions['failOn'],
): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const finding of findings) {
    if (finding.status !== 'fail') continue;
    const key = `${finding.rule}/${isBlocking(finding, failOn) ? 'deny' : 'warn'}`;
    const previous = out.get(key);
    out.set(key, {
      allowed: false,
      message: previous?.message === undefined ? finding.message : `${previous.message}; ${finding.message}`,
    });
  }
  return out;
}

describe('generated admission policies decide as evaluate() does', () => {
  let corpus: Record<string, unknown>[] = [];

  it('collects the corpus and the rule tests', () => {
    recording = false;
    corpus = pods();
    const fromCorpus = new Set(loadPsaCases().map((c) => JSON.stringify(c.object)));
    console.log(
      `${fromCorpus.size} distinct corpus pods, ${rulePods.length} rule test pods, ${corpus.length} in all`,
    );
    expect(fromCorpus.size).toBeGreaterThan(300);
    expect(rulePods.length).toBeGreaterThan(200);
  });

  for (const options of CONFIGURATIONS) {
    it(`agrees on every pod in every workload kind (${JSON.stringify(options)})`, () => {
      const generated = toAdmissionPolicies(options).objects.filter(
        (object): object is ValidatingAdmissionPolicy => object.kind === 'ValidatingAdmissionPolicy',
      );
      const compiled = new Map<string, { action: string; policy: CompiledPolicy }[]>();
      for (const policy of generated) {
        const [, place, warn] = /^podguard-([a-z]+)(-warn)?$/.exec(policy.metadata.name) ?? [];
        const list = compiled.get(place as string) ?? [];
        list.push({ action: warn ? 'warn' : 'deny', policy: compilePolicy(policy) });
        compiled.set(place as string, list);
      }
      const disagreements: string[] = [];
      let checked = 0;
      for (const pod of corpus) {
        // The workloads policy reads nothing that differs between its kinds (no option
        // suppression names a kind here), so its CEL runs once per pod and is compared with
        // evaluate() of each kind.
        const outcomes = new Map<string, { action: string; outcomes: ValidationOutcome[] }[]>();
        for (const object of wrappings(pod)) {
          const kind = object.kind as string;
          const place = PLACE_OF_KIND[kind] ?? 'workloads';
          const expected = expectedOutcomes(evaluate(object, options).findings, options.failOn);
          let results = outcomes.get(place);
          if (results === undefined) {
            results = (compiled.get(place) ?? []).map(({ action, policy }) => ({
              action,
              outcomes: policy.run(object),
            }));
            outcomes.set(place, results);
          }
          for (const { action, outcomes: ran } of results) {
            for (const outcome of ran) {
              checked++;
              const want = expected.get(`${outcome.rule}/${action}`) ?? { allowed: true };
              if (want.allowed !== outcome.allowed || want.message !== outcome.message) {
                disagreements.push(
                  `${kind} ${JSON.stringify(pod)}\n  ${outcome.rule}/${action}: evaluate ${want.allowed ? 'allows' : `denies: ${want.message}`}\n  CEL ${outcome.allowed ? 'allows' : `denies: ${outcome.message}`}`,
                );
              }
            }
          }
        }
      }
      console.log(`${checked} validations, ${disagreements.length} disagreements`);
      expect(disagreements.slice(0, 5)).toEqual([]);
      expect(checked).toBeGreaterThan(corpus.length * 9 * 10);
    });
  }
});
