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

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation, setField } from '../rulekit/patch.js';
import { isWindowsPod } from '../rulekit/podRelaxations.js';
import { describeContainers } from '../rulekit/wording.js';

const FIELD = ['securityContext', 'readOnlyRootFilesystem'];

const writableRoot = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.readOnlyRootFilesystem !== true;

function readOnlyRootFilesystem_1_0(pod: PodView): CheckResult {
  if (isWindowsPod(pod)) return ALLOWED;
  const bad = containersWhere(pod, writableRoot);
  if (bad.length === 0) return ALLOWED;
  const names: string[] = [];
  const locations: FindingLocation[] = [];
  const patch: JsonPatchOperation[] = [];
  for (const ref of bad) {
    names.push(ref.name);
    locations.push(containerLocation(ref, FIELD));
    patch.push(setField(ref.container, ref.path, FIELD, true));
  }
  return {
    allowed: false,
    reason: 'readOnlyRootFilesystem != true',
    detail: `${describeContainers(names)} must set securityContext.readOnlyRootFilesystem=true`,
    locations,
    fix: {
      description:
        'Set securityContext.readOnlyRootFilesystem=true on each container; mount an emptyDir where the application writes.',
      patch,
    },
  };
}

export const readOnlyRootFilesystem = definePodRule({
  id: 'readOnlyRootFilesystem',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.readOnlyRootFilesystem', 'os.name'],
  messages: { readOnlyRootFilesystem: 'readOnlyRootFilesystem != true ({detail})' },
  description: 'Containers must set securityContext.readOnlyRootFilesystem=true.',
  controls: [
    'NSA/CISA: Kubernetes Pod security: Immutable container file systems',
    'CIS 5.7.3',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  versions: [{ since: 'v1.0', check: readOnlyRootFilesystem_1_0 }],
});
