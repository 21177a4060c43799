/**
 * Properties of harden() over generated workloads (fast-check), the contract the issue states:
 * 1. `evaluate(harden(x))` has no failing finding that carries a fix harden may apply (a safe
 *    one; any, with `unsafe: true`);
 * 2. `harden(harden(x))` deep-equals `harden(x)`, in both modes;
 * 3. per rule R: applying, in order, the safe fixes of R's failing findings in `evaluate(x)` to x
 *    yields exactly `harden(x)` with every other rule disabled;
 * 4. Windows pods (by `spec.os.name` or by node selector) never get a Linux-only field;
 * 5. the input is never modified.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvaluateOptions, RuleSetting } from '../model/options.js';
import type { Finding } from '../model/types.js';
import { ruleRegistry } from '../rules/index.js';
import { evaluate } from './evaluate.js';
import { harden } from './harden.js';
import { applyJsonPatch } from './jsonPatch.js';

const NUM_RUNS = 100;
const IMAGES = ['app:1', 'node:20', 'nginx', 'distroless/static:nonroot', 'unknown:1'];
const IMAGE_USERS = {
  'app:1': '1000',
  'node:20': 'node',
  nginx: '',
  'distroless/static:nonroot': '65532:65532',
};

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const uid = fc.constantFrom(0, 500, 1000, 2000, 65534);
const gid = fc.constantFrom(0, 10, 1000, 3000);
const seccomp = fc.constantFrom(
  { type: 'RuntimeDefault' },
  { type: 'Unconfined' },
  { type: 'Localhost', localhostProfile: 'p.json' },
);
const capabilities = fc.constantFrom(
  { add: ['NET_BIND_SERVICE'] },
  { drop: ['ALL'] },
  { add: ['NET_ADMIN'] },
  { drop: ['NET_RAW'] },
  { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
);

/** Drops undefined members, as YAML/JSON input has no undefined. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const linuxContainerSecurity = fc
  .record({
    runAsUser: maybe(uid),
    runAsGroup: maybe(gid),
    runAsNonRoot: maybe(fc.boolean()),
    allowPrivilegeEscalation: maybe(fc.boolean()),
    readOnlyRootFilesystem: maybe(fc.boolean()),
    capabilities: maybe(capabilities),
    seccompProfile: maybe(seccomp),
  })
  .map(compact);
const windowsContainerSecurity = fc.record({ runAsNonRoot: maybe(fc.boolean()) }).map(compact);

function containers(
  security: fc.Arbitrary<Record<string, unknown>>,
  prefix: string,
  min: number,
  max: number,
) {
  return fc
    .array(fc.record({ image: fc.constantFrom(...IMAGES), securityContext: maybe(security) }), {
      minLength: min,
      maxLength: max,
    })
    .map((list) => list.map((container, index) => compact({ name: `${prefix}${index}`, ...container })));
}

const linuxPodSpec = fc
  .record({
    os: maybe(fc.constant({ name: 'linux' })),
    hostUsers: maybe(fc.boolean()),
    automountServiceAccountToken: maybe(fc.boolean()),
    securityContext: maybe(
      fc
        .record({
          runAsUser: maybe(uid),
          runAsGroup: maybe(gid),
          runAsNonRoot: maybe(fc.boolean()),
          fsGroup: maybe(gid),
          supplementalGroups: maybe(fc.constantFrom([0], [1000, 5], [2000])),
          seccompProfile: maybe(seccomp),
        })
        .map(compact),
    ),
    initContainers: maybe(containers(linuxContainerSecurity, 'init', 1, 1)),
    containers: containers(linuxContainerSecurity, 'c', 1, 3),
    ephemeralContainers: maybe(containers(linuxContainerSecurity, 'debug', 1, 1)),
  })
  .map(compact);

const windowsPodSpec = fc
  .record({
    os: maybe(fc.constant({ name: 'windows' })),
    nodeSelector: maybe(fc.constant({ 'kubernetes.io/os': 'windows' })),
    automountServiceAccountToken: maybe(fc.boolean()),
    securityContext: maybe(fc.record({ runAsNonRoot: maybe(fc.boolean()) }).map(compact)),
    containers: containers(windowsContainerSecurity, 'c', 1, 2),
  })
  .map(compact)
  // A pod on Windows nodes: by spec.os.name, by node selector, or both.
  .map((spec) =>
    spec.os === undefined && spec.nodeSelector === undefined ? { ...spec, os: { name: 'windows' } } : spec,
  );

function wrap(kind: string, spec: Record<string, unknown>): Record<string, unknown> {
  const metadata = { name: 'w', namespace: 'shop' };
  const template = { metadata: { labels: { app: 'w' } }, spec };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata, spec };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } },
      };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { template } };
  }
}

const kinds = fc.constantFrom('Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob');
const workload = fc
  .tuple(kinds, fc.oneof({ weight: 4, arbitrary: linuxPodSpec }, { weight: 1, arbitrary: windowsPodSpec }))
  .map(([kind, spec]) => wrap(kind, spec));
const profileOptions = fc.constantFrom<EvaluateOptions>(
  { imageUsers: IMAGE_USERS },
  { profile: 'openshift', imageUsers: IMAGE_USERS },
  { profile: 'hardened' },
  { imageUsers: IMAGE_USERS, allowRootGroup: false },
);

const fixable = (finding: Finding) => finding.status === 'fail' && finding.fix !== undefined;
const safelyFixable = (finding: Finding) => fixable(finding) && finding.fix?.kind === 'safe';

function onlyRule(options: EvaluateOptions, rule: string): EvaluateOptions {
  const rules: Record<string, RuleSetting> = {};
  for (const id of ruleRegistry.keys()) if (id !== rule) rules[id] = { enabled: false };
  return { ...options, rules };
}

function podSpecOf(object: Record<string, unknown>): Record<string, unknown> {
  const result = evaluate(object, { level: 'baseline' });
  const path = result.objects[0]?.podSpecPath ?? '';
  let current: unknown = object;
  for (const token of path.split('/').slice(1)) current = (current as Record<string, unknown>)[token];
  return current as Record<string, unknown>;
}

describe('harden properties', () => {
  it('leaves no failing finding that has a fix, and never modifies its input', () => {
    fc.assert(
      fc.property(workload, profileOptions, fc.boolean(), (object, options, unsafe) => {
        const before = structuredClone(object);
        const hardened = harden(object, { ...options, unsafe }).object;
        expect(object).toEqual(before);
        expect(evaluate(hardened, options).findings.filter(unsafe ? fixable : safelyFixable)).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(workload, profileOptions, fc.boolean(), (object, base, unsafe) => {
        const options = { ...base, unsafe };
        const once = harden(object, options);
        const twice = harden(once.object, options);
        expect(twice.object).toEqual(once.object);
        expect(twice.changes).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("applying a rule's safe fixes to the original equals hardening with only that rule", () => {
    fc.assert(
      fc.property(workload, profileOptions, (object, options) => {
        const findings = evaluate(object, options).findings.filter(safelyFixable);
        for (const rule of new Set(findings.map((finding) => finding.rule))) {
          let patched: unknown = object;
          for (const finding of findings.filter((candidate) => candidate.rule === rule)) {
            patched = applyJsonPatch(patched, finding.fix?.patch ?? []);
          }
          expect(patched, rule).toEqual(harden(object, onlyRule(options, rule)).object);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('never adds a Linux-only field to a Windows pod', () => {
    const WINDOWS_POD_FIELDS = new Set(['runAsNonRoot', 'windowsOptions']);
    const WINDOWS_CONTAINER_FIELDS = new Set(['runAsNonRoot', 'windowsOptions']);
    fc.assert(
      fc.property(fc.tuple(kinds, windowsPodSpec), profileOptions, ([kind, spec], options) => {
        const spec2 = podSpecOf(harden(wrap(kind, spec), options).object as Record<string, unknown>);
        for (const key of Object.keys((spec2.securityContext as object | undefined) ?? {})) {
          expect(WINDOWS_POD_FIELDS.has(key), `pod securityContext.${key}`).toBe(true);
        }
        for (const container of spec2.containers as { securityContext?: object }[]) {
          for (const key of Object.keys(container.securityContext ?? {})) {
            expect(WINDOWS_CONTAINER_FIELDS.has(key), `container securityContext.${key}`).toBe(true);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
