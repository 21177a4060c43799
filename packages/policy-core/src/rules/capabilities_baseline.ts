/**
 * Adding NET_RAW or capabilities beyond the container runtime's default set is disallowed.
 *
 * Restricted field: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.add`.
 * Allowed values: undefined/empty, or values from the default set (see `DEFAULT_CAPABILITIES`).
 *
 * Fix (unsafe: the author added them on purpose): the forbidden entries are removed from
 * `capabilities.add`, one by one. Removing a capability is always valid for the API server.
 */

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { removeAddedCapabilities } from '../rulekit/capabilities.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { fixOf } from '../rulekit/patch.js';
import { describeContainers, joinQuote, sortedSet } from '../rulekit/wording.js';

/** The capabilities container runtimes grant by default. */
const DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

const isDefaultCapability = (capability: string): boolean => DEFAULT_CAPABILITIES.has(capability);
function addsBeyondDefaults(ref: ContainerRef): boolean {
  const added = ref.container.securityContext?.capabilities?.add;
  return added != null && !added.every(isDefaultCapability);
}

function capabilitiesBaseline_1_0(pod: PodView): CheckResult {
  if (containersWhere(pod, addsBeyondDefaults).length === 0) return ALLOWED;
  const badContainers: string[] = [];
  const forbidden: string[] = [];
  const locations: FindingLocation[] = [];
  const patch: JsonPatchOperation[] = [];
  for (const ref of pod.containers) {
    const added = ref.container.securityContext?.capabilities?.add ?? [];
    const addPath = pointer(ref.path, 'securityContext', 'capabilities', 'add');
    let valid = true;
    added.forEach((capability, index) => {
      if (DEFAULT_CAPABILITIES.has(capability)) return;
      valid = false;
      forbidden.push(capability);
      locations.push({ path: pointer(addPath, index), container: ref.name });
    });
    if (!valid) {
      badContainers.push(ref.name);
      patch.push(...removeAddedCapabilities(addPath, added, isDefaultCapability));
    }
  }
  if (badContainers.length === 0) return ALLOWED;
  const fix = fixOf(
    'unsafe',
    'Remove the capabilities beyond the default set from securityContext.capabilities.add.',
    patch,
  );
  return {
    allowed: false,
    reason: 'non-default capabilities',
    detail: `${describeContainers(badContainers)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`,
    locations,
    ...(fix ? { fix } : {}),
  };
}

export const capabilities_baseline = definePodRule({
  id: 'capabilities_baseline',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.capabilities.add'],
  messages: { capabilities_baseline: 'non-default capabilities ({detail})' },
  description:
    'Containers must not add capabilities beyond the default set (for example NET_RAW or SYS_ADMIN).',
  controls: ['PSS baseline: Capabilities', 'CIS 5.2.9', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'unsafe',
  admission: {
    check: () => {
      const added = (base: string): string => cel.valueOr(base, 'securityContext.capabilities.add', '[]');
      const defaults = cel.celStrings(DEFAULT_CAPABILITIES);
      return {
        variables: {
          bad: `variables.containers.filter(c, ${added('c')}.exists(a, !(a in ${defaults}))).map(c, c.name)`,
          ...cel.sortedSetVariables(
            'forbidden',
            `variables.containers.map(c, ${added('c')}.filter(a, !(a in ${defaults})))`,
          ),
        },
        expression: 'size($bad) == 0',
        messageExpression: `'non-default capabilities (' + ${cel.describeContainers('$bad')} + ' must not include ' + ${cel.joinQuote('$forbidden')} + ' in securityContext.capabilities.add)'`,
      };
    },
  },
  versions: [{ since: 'v1.0', check: capabilitiesBaseline_1_0 }],
});
