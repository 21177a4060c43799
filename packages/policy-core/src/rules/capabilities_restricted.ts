/**
 * Containers must drop ALL capabilities, and may only add back NET_BIND_SERVICE.
 *
 * Restricted fields, for init, regular and ephemeral containers:
 * - `securityContext.capabilities.drop`: must include `ALL`;
 * - `securityContext.capabilities.add`: undefined/empty or `NET_BIND_SERVICE`.
 * From v1.25 Windows pods (`spec.os.name: windows`) are exempt. Replaces `capabilities_baseline`.
 *
 * Fix: `ALL` is appended to `capabilities.drop` (created with missing parents), and other added
 * capabilities than NET_BIND_SERVICE are removed. None for Windows pods, where capabilities are
 * invalid.
 */

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { filterAddedCapabilities } from '../rulekit/capabilities.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation, fixOf, setField } from '../rulekit/patch.js';
import { exemptWindowsPods, isWindowsPod } from '../rulekit/podRelaxations.js';
import { describeContainers, joinQuote, sortedSet } from '../rulekit/wording.js';

const ALL = 'ALL';
const NET_BIND_SERVICE = 'NET_BIND_SERVICE';
const DROP = ['securityContext', 'capabilities', 'drop'];

const isNetBindService = (capability: string): boolean => capability === NET_BIND_SERVICE;

/** Drops ALL and adds at most NET_BIND_SERVICE: the container passes. */
function restricted(ref: ContainerRef): boolean {
  const capabilities = ref.container.securityContext?.capabilities;
  if (capabilities?.drop?.includes(ALL) !== true) return false;
  return capabilities.add == null || capabilities.add.every(isNetBindService);
}
const unrestricted = (ref: ContainerRef): boolean => !restricted(ref);

function capabilitiesRestricted_1_22(pod: PodView): CheckResult {
  if (containersWhere(pod, unrestricted).length === 0) return ALLOWED;
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const locations: FindingLocation[] = [];
  const patch: JsonPatchOperation[] = [];
  for (const ref of pod.containers) {
    const capabilities = ref.container.securityContext?.capabilities;
    const drop = capabilities?.drop ?? [];
    if (!drop.includes(ALL)) {
      missingDropAll.push(ref.name);
      locations.push(containerLocation(ref, DROP));
      patch.push(setField(ref.container, ref.path, DROP, [...drop, ALL]));
    }
    const added = capabilities?.add ?? [];
    const addPath = pointer(ref.path, 'securityContext', 'capabilities', 'add');
    let addedForbidden = false;
    added.forEach((capability, index) => {
      if (capability === NET_BIND_SERVICE) return;
      addedForbidden = true;
      forbidden.push(capability);
      locations.push({ path: pointer(addPath, index), container: ref.name });
    });
    if (addedForbidden) {
      addingForbidden.push(ref.name);
      patch.push(filterAddedCapabilities(addPath, added, (capability) => capability === NET_BIND_SERVICE));
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${describeContainers(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${describeContainers(addingForbidden)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return ALLOWED;
  const fix = isWindowsPod(pod)
    ? undefined
    : fixOf('Drop ALL capabilities and add back at most NET_BIND_SERVICE.', patch);
  return {
    allowed: false,
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    locations,
    ...(fix ? { fix } : {}),
  };
}

export const capabilities_restricted = definePodRule({
  id: 'capabilities_restricted',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'containers[].securityContext.capabilities.add',
    'containers[].securityContext.capabilities.drop',
    'os.name',
  ],
  messages: { capabilities_restricted: 'unrestricted capabilities ({detail})' },
  description: 'Containers must drop ALL capabilities and may only add NET_BIND_SERVICE.',
  controls: [
    'PSS restricted: Capabilities',
    'CIS 5.2.8',
    'CIS 5.2.9',
    'CIS 5.2.10',
    'NSA/CISA: Kubernetes Pod security',
  ],
  versions: [
    { since: 'v1.22', check: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
    {
      since: 'v1.25',
      check: exemptWindowsPods(capabilitiesRestricted_1_22),
      overrides: ['capabilities_baseline'],
    },
  ],
});
