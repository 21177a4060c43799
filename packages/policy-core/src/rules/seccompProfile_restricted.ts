/**
 * Seccomp profiles must be set, and only the runtime default and localhost profiles are allowed.
 *
 * Restricted fields (v1.19+): `spec.securityContext.seccompProfile.type` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type`.
 * Allowed values: `RuntimeDefault`, `Localhost`; a container may leave it unset when the pod
 * level sets an allowed profile. From v1.25 Windows pods (`spec.os.name: windows`) are exempt.
 * Replaces `seccompProfile_baseline`.
 *
 * Fix: a pod-level `seccompProfile: { type: RuntimeDefault }` when the pod sets none (creating
 * `securityContext` when missing), and every forbidden pod or container profile replaced by
 * `{ type: RuntimeDefault }`, with a disagreeing seccomp annotation of the same pod or container
 * set to `runtime/default` (the API server rejects annotations and fields that disagree). None
 * for Windows pods, where seccomp settings are invalid.
 */

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { containerLocation, fixOf, locateField, setField } from '../rulekit/patch.js';
import { exemptWindowsPods, isWindowsPod } from '../rulekit/podRelaxations.js';
import {
  alignSeccompAnnotation,
  containerSeccompAnnotation,
  POD_SECCOMP_ANNOTATION,
  validSeccompType,
} from '../rulekit/seccomp.js';
import { describeContainers, joinQuote, sortedSet } from '../rulekit/wording.js';

const PROFILE_KEYS = ['securityContext', 'seccompProfile'];
const TYPE_KEYS = [...PROFILE_KEYS, 'type'];
const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };

/** Every container runs under a valid profile, its own or the pod's: the pod passes. */
function plainlyAllowed(pod: PodView): boolean {
  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile != null && !validSeccompType(podProfile.type ?? '')) return false;
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.seccompProfile;
    if (profile == null ? podProfile == null : !validSeccompType(profile.type ?? '')) return false;
  }
  return true;
}

function seccompProfileRestricted_1_19(pod: PodView): CheckResult {
  if (plainlyAllowed(pod)) return ALLOWED;
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const explicitLocations: FindingLocation[] = [];
  const patch: JsonPatchOperation[] = [];

  const podProfile = pod.spec.securityContext?.seccompProfile;
  const podSeccompSet = podProfile != null && validSeccompType(podProfile.type ?? '');
  if (podProfile != null && !podSeccompSet) {
    badSetters.push('pod');
    badValues.push(podProfile.type ?? '');
    explicitLocations.push({ path: locateField(pod.spec, pod.specPath, TYPE_KEYS) });
    patch.push({ op: 'replace', path: pointer(pod.specPath, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
  }

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const implicitLocations: FindingLocation[] = [];
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.seccompProfile;
    if (profile != null) {
      if (validSeccompType(profile.type ?? '')) continue;
      explicitlyBad.push(ref.name);
      badValues.push(profile.type ?? '');
      explicitLocations.push(containerLocation(ref, TYPE_KEYS));
      patch.push({ op: 'replace', path: pointer(ref.path, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
      const aligned = alignSeccompAnnotation(pod, containerSeccompAnnotation(ref.name));
      if (aligned) patch.push(aligned);
    } else if (!podSeccompSet) {
      implicitlyBad.push(ref.name);
      implicitLocations.push(containerLocation(ref, TYPE_KEYS));
    }
  }
  if (implicitlyBad.length > 0 && podProfile == null) {
    patch.unshift(setField(pod.spec, pod.specPath, PROFILE_KEYS, RUNTIME_DEFAULT));
  }
  // The pod-level field is now RuntimeDefault (added or replaced): its annotation must agree.
  if (!podSeccompSet && (podProfile != null || implicitlyBad.length > 0)) {
    const aligned = alignSeccompAnnotation(pod, POD_SECCOMP_ANNOTATION);
    if (aligned) patch.push(aligned);
  }
  if (explicitlyBad.length > 0) badSetters.push(describeContainers(explicitlyBad));
  if (badSetters.length === 0 && implicitlyBad.length === 0) return ALLOWED;

  const fix = isWindowsPod(pod)
    ? undefined
    : fixOf(
        'Use the runtime default seccomp profile (pod-level seccompProfile.type: RuntimeDefault).',
        patch,
      );
  if (badSetters.length > 0) {
    return {
      allowed: false,
      reason: 'seccompProfile',
      detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
      locations: explicitLocations,
      ...(fix ? { fix } : {}),
    };
  }
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `pod or ${describeContainers(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    locations: implicitLocations,
    ...(fix ? { fix } : {}),
  };
}

export const seccompProfile_restricted = definePodRule({
  id: 'seccompProfile_restricted',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: ['securityContext.seccompProfile', 'containers[].securityContext.seccompProfile', 'os.name'],
  messages: { seccompProfile_restricted: 'seccompProfile ({detail})' },
  description: 'Pods or all their containers must set a RuntimeDefault or Localhost seccomp profile.',
  controls: ['PSS restricted: Seccomp', 'CIS 5.7.2', 'NSA/CISA: Kubernetes Pod security'],
  versions: [
    { since: 'v1.19', check: seccompProfileRestricted_1_19, overrides: ['seccompProfile_baseline'] },
    {
      since: 'v1.25',
      check: exemptWindowsPods(seccompProfileRestricted_1_19),
      overrides: ['seccompProfile_baseline'],
    },
  ],
});
