/**
 * Containers must mount their root filesystem read-only, so an attacker who gets a shell cannot
 * replace binaries or drop tools; writable paths become explicit `emptyDir` volumes.
 *
 * Restricted field: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.readOnlyRootFilesystem`.
 * Allowed value: true. Windows pods are exempt: the API server rejects the field for them.
 *
 * Fix: `readOnlyRootFilesystem: true` on every offending container. An application that writes
 * to its root filesystem then needs an `emptyDir` mounted where it writes.
 */
import { type CheckResult, definePodRule, type PodView } from '../engine/rule.js';
import { containerLocation, fixOf, setField } from './patch.js';
import { isWindowsPod } from './podRelaxations.js';
import { describeContainers } from './wording.js';

const FIELD = ['securityContext', 'readOnlyRootFilesystem'];

function readOnlyRootFilesystem_1_0(pod: PodView): CheckResult {
  if (isWindowsPod(pod)) return { allowed: true };
  const bad = pod.containers.filter((ref) => ref.container.securityContext?.readOnlyRootFilesystem !== true);
  if (bad.length === 0) return { allowed: true };
  const fix = fixOf(
    'Set securityContext.readOnlyRootFilesystem=true on each container; mount an emptyDir where the application writes.',
    bad.map((ref) => setField(ref.container, ref.path, FIELD, true)),
  );
  return {
    allowed: false,
    reason: 'readOnlyRootFilesystem != true',
    detail: `${describeContainers(bad.map((ref) => ref.name))} must set securityContext.readOnlyRootFilesystem=true`,
    locations: bad.map((ref) => containerLocation(ref, FIELD)),
    ...(fix ? { fix } : {}),
  };
}

export const readOnlyRootFilesystem = definePodRule({
  id: 'readOnlyRootFilesystem',
  level: 'hardened',
  severity: 'error',
  description: 'Containers must set securityContext.readOnlyRootFilesystem=true.',
  controls: [
    'NSA/CISA: Kubernetes Pod security: Immutable container file systems',
    'CIS 5.7.3',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  versions: [{ since: 'v1.0', check: readOnlyRootFilesystem_1_0 }],
});
