/**
 * Containers must drop ALL capabilities, and may only add back NET_BIND_SERVICE.
 *
 * Restricted fields, for init, regular and ephemeral containers:
 * - `securityContext.capabilities.drop`: must include `ALL`;
 * - `securityContext.capabilities.add`: undefined/empty or `NET_BIND_SERVICE`.
 * From v1.25 Windows pods (`spec.os.name: windows`) are exempt. Replaces `capabilities_baseline`.
 *
 * Fix: safe, `ALL` appended to `capabilities.drop` (created with missing parents); unsafe, the
 * added capabilities other than NET_BIND_SERVICE removed (the author added them on purpose). The
 * finding carries the safe fix while there is one; the unsafe one shows once it is applied. None
 * for pods that run on Windows, where capabilities are invalid.
 */

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { removeAddedCapabilities } from '../rulekit/capabilities.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { appendOnce, containerLocation, lazyFixOf } from '../rulekit/patch.js';
import { exemptWindowsPods, runsOnWindows } from '../rulekit/podRelaxations.js';
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

/** The safe fix: `ALL` appended to `capabilities.drop` of each container that lacks it. */
function dropAll(pod: PodView): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  for (const ref of pod.containers) {
    if (ref.container.securityContext?.capabilities?.drop?.includes(ALL) !== true)
      ops.push(...appendOnce(ref.container, ref.path, DROP, ALL));
  }
  return ops;
}

/** The unsafe fix: the added capabilities other than NET_BIND_SERVICE removed. */
function removeForbiddenAdds(pod: PodView): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  for (const ref of pod.containers) {
    const added = ref.container.securityContext?.capabilities?.add;
    if (added == null || added.every(isNetBindService)) continue;
    const addPath = pointer(ref.path, 'securityContext', 'capabilities', 'add');
    ops.push(...removeAddedCapabilities(addPath, added, isNetBindService));
  }
  return ops;
}

function capabilitiesRestricted_1_22(pod: PodView): CheckResult {
  if (containersWhere(pod, unrestricted).length === 0) return ALLOWED;
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const locations: FindingLocation[] = [];
  for (const ref of pod.containers) {
    const capabilities = ref.container.securityContext?.capabilities;
    if (capabilities?.drop?.includes(ALL) !== true) {
      missingDropAll.push(ref.name);
      locations.push(containerLocation(ref, DROP));
    }
    const added = capabilities?.add;
    if (added == null || added.every(isNetBindService)) continue;
    const addPath = pointer(ref.path, 'securityContext', 'capabilities', 'add');
    for (let index = 0; index < added.length; index++) {
      const capability = added[index] as string;
      if (capability === NET_BIND_SERVICE) continue;
      forbidden.push(capability);
      locations.push({ path: pointer(addPath, index), container: ref.name });
    }
    addingForbidden.push(ref.name);
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
  // Some container is unrestricted (the check above), so `details` names it.
  // Dropping ALL only adds to what the author wrote; removing a capability they added is unsafe.
  // The patches are built from the pod when read.
  const windows = runsOnWindows(pod);
  const fix = windows
    ? undefined
    : missingDropAll.length > 0
      ? lazyFixOf('safe', 'Add ALL to securityContext.capabilities.drop.', dropAll, pod)
      : lazyFixOf(
          'unsafe',
          'Remove the added capabilities other than NET_BIND_SERVICE.',
          removeForbiddenAdds,
          pod,
        );
  const unfixable = windows
    ? 'Windows pods cannot set capabilities (a Linux-only field)'
    : missingDropAll.length > 0 && addingForbidden.length > 0
      ? `removing ${joinQuote(sortedSet(forbidden))} from securityContext.capabilities.add is an unsafe fix`
      : undefined;
  return {
    allowed: false,
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    locations,
    ...(fix ? { fix } : {}),
    ...(unfixable ? { unfixable } : {}),
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
  fix: 'mixed',
  admission: {
    check: () => {
      const added = (base: string): string => cel.valueOr(base, 'securityContext.capabilities.add', '[]');
      const dropped = (base: string): string => cel.valueOr(base, 'securityContext.capabilities.drop', '[]');
      return {
        variables: {
          missingDropAll: `variables.containers.filter(c, !(${dropped('c')}.exists(d, d == 'ALL'))).map(c, c.name)`,
          adding: `variables.containers.filter(c, ${added('c')}.exists(a, a != 'NET_BIND_SERVICE')).map(c, c.name)`,
          ...cel.sortedSetVariables(
            'forbidden',
            `variables.containers.map(c, ${added('c')}.filter(a, a != 'NET_BIND_SERVICE'))`,
          ),
        },
        expression: 'variables.windowsPod || (size($missingDropAll) == 0 && size($adding) == 0)',
        messageExpression: `'unrestricted capabilities (' + ${cel.joinNonEmpty(
          [
            `(size($missingDropAll) > 0 ? ${cel.describeContainers('$missingDropAll')} + ' must set securityContext.capabilities.drop=["ALL"]' : '')`,
            `(size($adding) > 0 ? ${cel.describeContainers('$adding')} + ' must not include ' + ${cel.joinQuote('$forbidden')} + ' in securityContext.capabilities.add' : '')`,
          ],
          '; ',
        )} + ')'`,
      };
    },
  },
  versions: [
    { since: 'v1.22', check: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
    {
      since: 'v1.25',
      check: exemptWindowsPods(capabilitiesRestricted_1_22),
      overrides: ['capabilities_baseline'],
    },
  ],
});
