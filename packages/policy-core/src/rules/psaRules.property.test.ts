/**
 * Properties every upstream check must keep on any pod, not only on the upstream tables: it never
 * throws, its locations point at something in the object, and its fix applies to the original
 * object, clears the finding, keeps the pod valid for the engine, and never writes what the API
 * server would reject (Linux-only fields on Windows pods, `allowPrivilegeEscalation: false` next to
 * `privileged: true` or CAP_SYS_ADMIN).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../engine/jsonPatch.js';
import { parseVersion } from '../model/versions.js';
import { extractObject, isRecord } from '../podspec/extract.js';
import { parsePointer } from '../podspec/pointer.js';
import { validatePodSpec } from '../podspec/validate.js';
import { type CheckResult, variantFor } from '../rulekit/define.js';
import { ruleContext } from '../testing/index.js';
import { psaRules } from './index.js';

const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(arbitrary, fc.constant(null), fc.constant(undefined));

/** Drops undefined members, as JSON and YAML do. */
function record<T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) {
  return fc.record(fields).map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}

const profile = record({
  type: maybe(fc.constantFrom('RuntimeDefault', 'Localhost', 'Unconfined', 'Bogus')),
  localhostProfile: maybe(fc.constant('p.json')),
});
const capabilities = record({
  add: maybe(fc.subarray(['NET_BIND_SERVICE', 'CHOWN', 'NET_RAW', 'SYS_ADMIN', 'CAP_SYS_ADMIN'])),
  drop: maybe(fc.subarray(['ALL', 'NET_RAW'])),
});
const seLinux = record({
  type: maybe(fc.constantFrom('', 'container_t', 'container_engine_t', 'spc_t')),
  user: maybe(fc.constantFrom('', 'system_u')),
  role: maybe(fc.constantFrom('', 'system_r')),
});
const windowsOptions = record({ hostProcess: maybe(fc.boolean()) });
const containerSecurityContext = record({
  privileged: maybe(fc.boolean()),
  allowPrivilegeEscalation: maybe(fc.boolean()),
  runAsNonRoot: maybe(fc.boolean()),
  runAsUser: maybe(fc.constantFrom(0, 1000)),
  procMount: maybe(fc.constantFrom('Default', 'Unmasked')),
  seccompProfile: maybe(profile),
  appArmorProfile: maybe(profile),
  capabilities: maybe(capabilities),
  seLinuxOptions: maybe(seLinux),
  windowsOptions: maybe(windowsOptions),
});
const handler = record({
  httpGet: maybe(
    record({ host: maybe(fc.constantFrom('', 'localhost', '10.0.0.1')), port: fc.constant(80) }),
  ),
  tcpSocket: maybe(record({ host: maybe(fc.constantFrom('', 'localhost')), port: fc.constant(80) })),
});
const container = record({
  name: fc.constantFrom('a', 'b', 'c'),
  securityContext: maybe(containerSecurityContext),
  ports: maybe(
    fc.array(record({ containerPort: fc.constant(80), hostPort: maybe(fc.constantFrom(0, 80, 9)) }), {
      maxLength: 2,
    }),
  ),
  livenessProbe: maybe(handler),
  lifecycle: maybe(record({ preStop: maybe(handler) })),
});
const volume = fc
  .tuple(
    fc.constantFrom('v1', 'v2'),
    fc.constantFrom(undefined, 'emptyDir', 'hostPath', 'nfs', 'configMap', 'someFutureSource'),
  )
  .map(([name, source]) => (source ? { name, [source]: {} } : { name }));
const podSecurityContext = record({
  runAsNonRoot: maybe(fc.boolean()),
  runAsUser: maybe(fc.constantFrom(0, 1000)),
  seccompProfile: maybe(profile),
  appArmorProfile: maybe(profile),
  seLinuxOptions: maybe(seLinux),
  windowsOptions: maybe(windowsOptions),
  sysctls: maybe(
    fc.subarray([
      { name: 'kernel.shm_rmid_forced' },
      { name: 'net.ipv4.tcp_rmem' },
      { name: 'kernel.msgmax' },
    ]),
  ),
});
const annotations = fc.dictionary(
  fc.constantFrom(
    'seccomp.security.alpha.kubernetes.io/pod',
    'container.seccomp.security.alpha.kubernetes.io/a',
    'container.apparmor.security.beta.kubernetes.io/a',
    'container.apparmor.security.beta.kubernetes.io/b',
  ),
  fc.constantFrom('runtime/default', 'docker/default', 'localhost/p', 'unconfined', ''),
);
const pod = fc
  .tuple(
    annotations,
    record({
      initContainers: maybe(fc.array(container, { maxLength: 2 })),
      containers: fc.array(container, { minLength: 1, maxLength: 3 }),
      ephemeralContainers: maybe(fc.array(container, { maxLength: 1 })),
      securityContext: maybe(podSecurityContext),
      hostNetwork: maybe(fc.boolean()),
      hostPID: maybe(fc.boolean()),
      hostUsers: maybe(fc.boolean()),
      os: maybe(record({ name: fc.constantFrom('linux', 'windows') })),
      volumes: maybe(fc.array(volume, { maxLength: 3 })),
    }),
  )
  .map(([podAnnotations, spec]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', annotations: podAnnotations },
    spec,
  }));
const version = fc.oneof(
  fc.constant('latest'),
  fc.integer({ min: 0, max: 37 }).map((minor) => `v1.${minor}`),
);

function single(result: CheckResult | readonly CheckResult[]): CheckResult {
  if (Array.isArray(result)) throw new Error('upstream checks return one result');
  return result as CheckResult;
}

function resolves(object: unknown, path: string): boolean {
  let current = object;
  for (const token of parsePointer(path)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isRecord(current)) current = current[token];
    else return false;
    if (current === undefined) return false;
  }
  return true;
}

type View = ReturnType<typeof podViewOf>;
function podViewOf(object: unknown) {
  const extracted = extractObject(object);
  if (extracted.kind !== 'pod') throw new Error('no pod spec');
  return extracted.view;
}

/** Whether a deprecated annotation agrees with a profile field, as API validation requires. */
function agrees(
  annotation: string,
  field: { type?: string; localhostProfile?: string },
  runtimeDefaults: string[],
) {
  switch (field.type) {
    case 'Unconfined':
      return annotation === 'unconfined';
    case 'RuntimeDefault':
      return runtimeDefaults.includes(annotation);
    case 'Localhost':
      return (
        annotation.startsWith('localhost/') &&
        annotation.slice('localhost/'.length) === field.localhostProfile
      );
    default:
      return true;
  }
}

/** Annotation/field disagreements the API server rejects (seccomp always, AppArmor on Linux pods). */
function annotationMismatches(view: View): Set<string> {
  const out = new Set<string>();
  const annotations = view.metadata.annotations ?? {};
  const check = (key: string, field: { type?: string } | null | undefined, defaults: string[]) => {
    if (field == null || !Object.hasOwn(annotations, key)) return;
    if (!agrees(annotations[key] ?? '', field, defaults)) out.add(key);
  };
  const seccompDefaults = ['runtime/default', 'docker/default'];
  check(
    'seccomp.security.alpha.kubernetes.io/pod',
    view.spec.securityContext?.seccompProfile,
    seccompDefaults,
  );
  for (const ref of view.containers) {
    check(
      `container.seccomp.security.alpha.kubernetes.io/${ref.name}`,
      ref.container.securityContext?.seccompProfile,
      seccompDefaults,
    );
    if (view.spec.os?.name === 'windows') continue;
    const appArmor =
      ref.container.securityContext?.appArmorProfile ?? view.spec.securityContext?.appArmorProfile;
    check(`container.apparmor.security.beta.kubernetes.io/${ref.name}`, appArmor, ['runtime/default']);
  }
  return out;
}

const LINUX_ONLY =
  /\/(seccompProfile|appArmorProfile|allowPrivilegeEscalation|capabilities|procMount|seLinuxOptions)(\/|$)/;

function run(object: Record<string, unknown>, ruleIndex: number, policyVersion: string) {
  const rule = psaRules[ruleIndex]!;
  const context = ruleContext(policyVersion);
  const variant = variantFor(rule, parseVersion(policyVersion));
  if (!variant) return undefined;
  const extracted = extractObject(object);
  if (extracted.kind !== 'pod') throw new Error('generated object has no pod spec');
  return { rule, result: single(variant.check(extracted.view, context)), check: variant.check, context };
}

describe('every upstream check, on generated pods', () => {
  it('never throws, locates what it reports, and has fixes that apply, clear the finding and stay valid', () => {
    fc.assert(
      fc.property(pod, fc.nat({ max: psaRules.length - 1 }), version, (object, ruleIndex, policyVersion) => {
        const extracted = extractObject(object);
        if (extracted.kind !== 'pod') throw new Error('generated object has no pod spec');
        const view = extracted.view;
        expect(validatePodSpec(view.spec, view.specPath, view.metadata, view.metadataPath)).toEqual([]);
        const ran = run(object, ruleIndex, policyVersion);
        if (!ran || ran.result.allowed) return;
        const { rule, result } = ran;
        expect(result.reason, rule.id).not.toBe('');
        expect(result.locations.length, rule.id).toBeGreaterThan(0);
        for (const location of result.locations)
          expect(resolves(object, location.path), `${rule.id} ${location.path}`).toBe(true);
        if (!result.fix) return;

        const fixed = applyJsonPatch(object, result.fix.patch);
        const after = run(fixed as Record<string, unknown>, ruleIndex, policyVersion);
        // A fix clears the finding, or it is the safe part of a problem whose rest is unsafe (or
        // has no fix, and says why).
        const rest = after?.result;
        const settled =
          rest?.allowed === true ||
          (result.fix.kind === 'safe' && (rest?.fix?.kind === 'unsafe' || rest?.unfixable !== undefined));
        expect(
          settled,
          `${rule.id} fix ${JSON.stringify(result.fix.patch)} left ${JSON.stringify(rest)}`,
        ).toBe(true);
        const fixedView = extractObject(fixed);
        if (fixedView.kind !== 'pod') throw new Error('fix removed the pod spec');
        const v = fixedView.view;
        expect(validatePodSpec(v.spec, v.specPath, v.metadata, v.metadataPath)).toEqual([]);

        if (view.spec.os?.name === 'windows') {
          for (const operation of result.fix.patch) {
            // Replacing or removing what the user wrote is fine; adding a Linux-only field is not.
            if (operation.op === 'add') expect(operation.path, rule.id).not.toMatch(LINUX_ONLY);
          }
        }
        const mismatchesBefore = annotationMismatches(view);
        for (const key of annotationMismatches(v)) {
          expect(mismatchesBefore.has(key), `${rule.id} made annotation ${key} disagree with its field`).toBe(
            true,
          );
        }
        // allowPrivilegeEscalation=false is invalid next to privileged or CAP_SYS_ADMIN: never introduce it.
        const introducedConflict = v.containers.some((ref) => {
          const context = ref.container.securityContext;
          const conflict =
            context?.allowPrivilegeEscalation === false &&
            (context.privileged === true || (context.capabilities?.add ?? []).includes('CAP_SYS_ADMIN'));
          const before = view.containers.find((original) => original.path === ref.path)?.container
            .securityContext;
          return conflict && before?.allowPrivilegeEscalation !== false;
        });
        expect(introducedConflict, rule.id).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
