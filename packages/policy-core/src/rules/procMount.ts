/**
 * The default /proc masks reduce the attack surface and are required by the baseline policy,
 * unless (from v1.35) the pod runs in a user namespace (`hostUsers: false`).
 *
 * Restricted fields: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount`.
 * Allowed values: undefined/null, `Default` (any value with `hostUsers: false` from v1.35).
 *
 * Fix: forbidden values become `Default`. None for Windows pods, where procMount is invalid.
 */
import {
  ALLOWED,
  type CheckResult,
  type ContainerRef,
  containersWhere,
  definePodRule,
  type PodView,
} from '../engine/rule.js';
import { pointer } from '../podspec/pointer.js';
import { containerLocation, fixOf } from './patch.js';
import { isWindowsPod, relaxForUserNamespaces } from './podRelaxations.js';
import { describeContainers, joinQuote, sortedSet } from './wording.js';

/** Upstream's `procMount_1_0`, shared by `procMount` and `procMount_restricted`. */
function unmaskedProc(ref: ContainerRef): boolean {
  const value = ref.container.securityContext?.procMount;
  return value != null && value !== 'Default';
}

export function procMount_1_0(pod: PodView): CheckResult {
  const bad = containersWhere(pod, unmaskedProc);
  if (bad.length === 0) return ALLOWED;
  const values = sortedSet(bad.map((ref) => ref.container.securityContext?.procMount ?? ''));
  const fix = isWindowsPod(pod)
    ? undefined
    : fixOf(
        'Use the default /proc mount (procMount: Default).',
        bad.map((ref) => ({
          op: 'replace' as const,
          path: pointer(ref.path, 'securityContext', 'procMount'),
          value: 'Default',
        })),
      );
  return {
    allowed: false,
    reason: 'procMount',
    detail: `${describeContainers(bad.map((ref) => ref.name))} must not set securityContext.procMount to ${joinQuote(values)}`,
    locations: bad.map((ref) => containerLocation(ref, ['securityContext', 'procMount'])),
    ...(fix ? { fix } : {}),
  };
}

export const procMount = definePodRule({
  id: 'procMount',
  level: 'baseline',
  severity: 'error',
  description: 'Containers must use the default /proc mount, unless the pod runs in a user namespace.',
  controls: ['PSS baseline: /proc Mount Type', 'NSA/CISA: Kubernetes Pod security'],
  versions: [
    { since: 'v1.0', check: procMount_1_0 },
    { since: 'v1.35', check: relaxForUserNamespaces(procMount_1_0) },
  ],
});
