/**
 * Fixes compose (issue 11, item 2; issue 22, item 2), on generated pods (fast-check, bounded):
 * - every finding's patch applies alone and after any other finding's patches, in any order, and
 *   applying all the safe patches `evaluate()` prints, in any order, gives one object: what
 *   `harden()` returns;
 * - in random multi-container pods, every container that can take `allowPrivilegeEscalation:
 *   false` gets it, and the others keep their finding with the reason.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { evaluate } from './evaluate.js';
import { harden } from './harden.js';
import { applyJsonPatch } from './jsonPatch.js';

const NUM_RUNS = 150;
const TIMEOUT_MS = 60_000;

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const containerSecurity = fc
  .record({
    runAsUser: maybe(fc.constantFrom(0, 999, 1000)),
    runAsNonRoot: maybe(fc.boolean()),
    privileged: maybe(fc.boolean()),
    allowPrivilegeEscalation: maybe(fc.boolean()),
    readOnlyRootFilesystem: maybe(fc.boolean()),
    capabilities: maybe(
      fc.constantFrom(
        { add: ['NET_BIND_SERVICE'] },
        { add: ['SYS_ADMIN'] },
        { drop: ['NET_RAW'] },
        { add: ['IPC_LOCK'], drop: ['ALL'] },
      ),
    ),
    seccompProfile: maybe(fc.constantFrom({ type: 'RuntimeDefault' }, { type: 'Unconfined' })),
  })
  .map(compact);

const container = (prefix: string) =>
  fc
    .record({
      image: fc.constantFrom('app:1', 'nginx', 'unknown:2'),
      securityContext: maybe(fc.oneof(containerSecurity, fc.constant(null))),
      volumeMounts: maybe(fc.constant([{ name: 'scratch', mountPath: '/tmp' }])),
    })
    .map((fields) => ({ prefix, ...compact(fields) }));

const pod = fc
  .record({
    automountServiceAccountToken: maybe(fc.boolean()),
    serviceAccountName: maybe(fc.constantFrom('default', 'controller')),
    securityContext: maybe(
      fc
        .record({
          runAsUser: maybe(fc.constantFrom(999, 1000)),
          runAsNonRoot: maybe(fc.boolean()),
          seccompProfile: maybe(fc.constant({ type: 'RuntimeDefault' })),
        })
        .map(compact),
    ),
    annotations: maybe(
      fc.constantFrom(
        { 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/profiles/audit.json' },
        { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
      ),
    ),
    initContainers: maybe(fc.array(container('init'), { minLength: 1, maxLength: 1 })),
    containers: fc.array(container('c'), { minLength: 1, maxLength: 4 }),
    ephemeralContainers: maybe(fc.array(container('debug'), { minLength: 1, maxLength: 2 })),
  })
  .map(({ annotations, initContainers, containers, ephemeralContainers, ...spec }) => {
    const named = (list: { prefix: string }[] | undefined) =>
      list?.map(({ prefix, ...rest }, index) => ({ name: `${prefix}${index}`, ...rest }));
    const usesScratch = [initContainers, containers, ephemeralContainers].some((list) =>
      list?.some((entry) => entry.volumeMounts !== undefined),
    );
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: compact({ name: 'p', namespace: 'shop', annotations }),
      spec: compact({
        ...compact(spec),
        initContainers: named(initContainers),
        containers: named(containers),
        ephemeralContainers: named(ephemeralContainers),
        volumes: usesScratch ? [{ name: 'scratch', emptyDir: {} }] : undefined,
      }),
    };
  });

const safeFixes = (object: unknown): Finding[] =>
  evaluate(object).findings.filter((finding) => finding.status === 'fail' && finding.fix?.kind === 'safe');

function applyAll(object: unknown, findings: readonly Finding[]): unknown {
  return findings.reduce((current, finding) => applyJsonPatch(current, finding.fix?.patch ?? []), object);
}

describe('fixes compose', () => {
  it(
    'all printed safe patches, applied in any order, give what harden() returns',
    () => {
      fc.assert(
        fc.property(pod, fc.infiniteStream(fc.nat()), (object, randomness) => {
          const findings = safeFixes(object);
          const expected = harden(object).object;
          const orders = [findings, [...findings].reverse()];
          // A random permutation too (a Fisher-Yates shuffle driven by fast-check).
          const shuffled = [...findings];
          const iterator = randomness[Symbol.iterator]();
          for (let index = shuffled.length - 1; index > 0; index--) {
            const other = (iterator.next().value as number) % (index + 1);
            [shuffled[index], shuffled[other]] = [shuffled[other] as Finding, shuffled[index] as Finding];
          }
          orders.push(shuffled);
          for (const order of orders) expect(applyAll(object, order)).toEqual(expected);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "every finding's patch applies alone and after any other finding's patch, safe or unsafe",
    () => {
      fc.assert(
        fc.property(pod, (object) => {
          const findings = evaluate(object).findings.filter((finding) => finding.fix !== undefined);
          for (const first of findings) {
            const afterFirst = applyJsonPatch(object, first.fix?.patch ?? []);
            for (const second of findings) {
              if (second === first) continue;
              expect(
                () => applyJsonPatch(afterFirst, second.fix?.patch ?? []),
                `${first.rule} then ${second.rule}`,
              ).not.toThrow();
            }
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'every container that can take allowPrivilegeEscalation=false gets it; the others say why',
    () => {
      fc.assert(
        fc.property(pod, fc.boolean(), (object, unsafe) => {
          const hardened = harden(object, { unsafe }).object as typeof object;
          const all = ['initContainers', 'containers', 'ephemeralContainers'].flatMap(
            (group) =>
              ((hardened.spec as Record<string, unknown>)[group] as
                | { name: string; securityContext?: Record<string, unknown> | null }[]
                | undefined) ?? [],
          );
          const originals = new Map(
            ['initContainers', 'containers', 'ephemeralContainers'].flatMap((group) =>
              (
                ((object.spec as Record<string, unknown>)[group] as
                  | { name: string; securityContext?: Record<string, unknown> | null }[]
                  | undefined) ?? []
              ).map((entry) => [entry.name, entry] as const),
            ),
          );
          for (const entry of all) {
            const context = entry.securityContext ?? {};
            const capabilities = (context.capabilities as { add?: string[] } | undefined)?.add ?? [];
            const canTake = context.privileged !== true && !capabilities.includes('SYS_ADMIN');
            const before = originals.get(entry.name)?.securityContext?.allowPrivilegeEscalation;
            // Safe mode leaves an explicit true; unsafe mode replaces it.
            if (canTake && (unsafe || before == null)) {
              expect(context.allowPrivilegeEscalation, entry.name).toBe(false);
            }
          }
          const finding = harden(object, { unsafe }).remaining.find(
            (candidate) => candidate.rule === 'allowPrivilegeEscalation',
          );
          const blocked = all.some((entry) => {
            const context = entry.securityContext ?? {};
            return (
              context.allowPrivilegeEscalation !== false &&
              (context.privileged === true ||
                ((context.capabilities as { add?: string[] } | undefined)?.add ?? []).includes('SYS_ADMIN'))
            );
          });
          if (blocked) expect(finding?.unfixable).toMatch(/cannot set allowPrivilegeEscalation=false/);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
