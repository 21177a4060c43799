/**
 * Seccomp profiles must be set, and only the runtime default and localhost profiles are allowed.
 *
 * Restricted fields (v1.19+): `spec.securityContext.seccompProfile.type` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type`.
 * Allowed values: `RuntimeDefault`, `Localhost`; a container may leave it unset when the pod
 * level sets an allowed profile. From v1.25 Windows pods (`spec.os.name: windows`) are exempt.
 * Replaces `seccompProfile_baseline`.
 *
 * Fix: safe, a pod-level `seccompProfile` when the pod sets none (creating `securityContext` when
 * missing): `{ type: Localhost, localhostProfile: <file> }` when the deprecated pod annotation is
 * `localhost/<file>`, else `{ type: RuntimeDefault }`; a container whose annotation is
 * `localhost/<file>` gets that profile in its own field. Unsafe: every forbidden pod or container
 * profile replaced by `{ type: RuntimeDefault }`, with a disagreeing seccomp annotation set to
 * `runtime/default` (the API server rejects annotations and fields that disagree). None for pods
 * that run on Windows, where seccomp settings are invalid.
 */

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { containerLocation, lazyFixOf, locateField, setField } from '../rulekit/patch.js';
import { exemptWindowsPods, runsOnWindows } from '../rulekit/podRelaxations.js';
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
const LOCALHOST_PREFIX = 'localhost/';

/** Every container runs under a valid profile, its own or the pod's: the pod passes. */
function plainlyAllowed(pod: PodView): boolean {
  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile != null && !validSeccompType(podProfile.type)) return false;
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.seccompProfile;
    if (profile == null ? podProfile == null : !validSeccompType(profile.type)) return false;
  }
  return true;
}

/** The profile a deprecated `localhost/<file>` annotation names, as the field spells it. */
function localhostProfileOf(
  annotation: string | undefined,
): { type: string; localhostProfile: string } | undefined {
  if (annotation === undefined || !annotation.startsWith(LOCALHOST_PREFIX)) return undefined;
  const file = annotation.slice(LOCALHOST_PREFIX.length);
  return file === '' ? undefined : { type: 'Localhost', localhostProfile: file };
}

/**
 * The operations of the fixes, built when a fix's patch is read: `safe` adds a profile where the
 * author wrote none (the container's deprecated Localhost annotation, else the pod-level field);
 * `unsafe` replaces a forbidden profile, or an annotation the field must agree with.
 */
function seccompPatches(pod: PodView): { safe: JsonPatchOperation[]; unsafe: JsonPatchOperation[] } {
  const safe: JsonPatchOperation[] = [];
  const unsafe: JsonPatchOperation[] = [];
  const annotations = pod.metadata.annotations ?? {};
  const podProfile = pod.spec.securityContext?.seccompProfile;
  const podSeccompSet = podProfile != null && validSeccompType(podProfile.type);
  if (podProfile != null && !podSeccompSet) {
    unsafe.push({ op: 'replace', path: pointer(pod.specPath, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
    const aligned = alignSeccompAnnotation(pod, POD_SECCOMP_ANNOTATION);
    if (aligned) unsafe.push(aligned);
  }
  let implicitlyBad = false;
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.seccompProfile;
    if (profile != null) {
      if (validSeccompType(profile.type)) continue;
      unsafe.push({ op: 'replace', path: pointer(ref.path, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
      const aligned = alignSeccompAnnotation(pod, containerSeccompAnnotation(ref.name));
      if (aligned) unsafe.push(aligned);
    } else if (!podSeccompSet) {
      implicitlyBad = true;
      // The author's Localhost profile, from the deprecated container annotation, into the field.
      const localhost = localhostProfileOf(annotations[containerSeccompAnnotation(ref.name)]);
      if (localhost) safe.push(...setField(ref.container, ref.path, PROFILE_KEYS, localhost));
    }
  }
  if (implicitlyBad && podProfile == null) {
    // The pod-level field follows the pod annotation when it names a profile the field allows.
    const localhost = localhostProfileOf(annotations[POD_SECCOMP_ANNOTATION]);
    const podPatch = setField(pod.spec, pod.specPath, PROFILE_KEYS, localhost ?? RUNTIME_DEFAULT);
    const aligned = localhost ? undefined : alignSeccompAnnotation(pod, POD_SECCOMP_ANNOTATION);
    if (aligned) unsafe.unshift(...podPatch, aligned);
    else safe.unshift(...podPatch);
  }
  return { safe, unsafe };
}
const safeSeccompPatch = (pod: PodView): JsonPatchOperation[] => seccompPatches(pod).safe;
const unsafeSeccompPatch = (pod: PodView): JsonPatchOperation[] => seccompPatches(pod).unsafe;

function seccompProfileRestricted_1_19(pod: PodView): CheckResult {
  if (plainlyAllowed(pod)) return ALLOWED;
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const explicitLocations: FindingLocation[] = [];
  // Which fixes there are (see seccompPatches, which builds them when read): adding a profile the
  // author did not write is safe; replacing one they wrote is not.
  let safe = false;
  let unsafe = false;
  const annotations = pod.metadata.annotations ?? {};

  const podProfile = pod.spec.securityContext?.seccompProfile;
  const podSeccompSet = podProfile != null && validSeccompType(podProfile.type);
  if (podProfile != null && !podSeccompSet) {
    badSetters.push('pod');
    badValues.push(podProfile.type ?? '');
    explicitLocations.push({ path: locateField(pod.spec, pod.specPath, TYPE_KEYS) });
    unsafe = true;
  }

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const implicitLocations: FindingLocation[] = [];
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.seccompProfile;
    if (profile != null) {
      if (validSeccompType(profile.type)) continue;
      explicitlyBad.push(ref.name);
      badValues.push(profile.type ?? '');
      explicitLocations.push(containerLocation(ref, TYPE_KEYS));
      unsafe = true;
    } else if (!podSeccompSet) {
      implicitlyBad.push(ref.name);
      implicitLocations.push(containerLocation(ref, TYPE_KEYS));
      safe ||= localhostProfileOf(annotations[containerSeccompAnnotation(ref.name)]) !== undefined;
    }
  }
  if (implicitlyBad.length > 0 && podProfile == null) {
    const localhost = localhostProfileOf(annotations[POD_SECCOMP_ANNOTATION]);
    if (localhost === undefined && alignSeccompAnnotation(pod, POD_SECCOMP_ANNOTATION) !== undefined)
      unsafe = true;
    else safe = true;
  }
  if (explicitlyBad.length > 0) badSetters.push(describeContainers(explicitlyBad));
  // plainlyAllowed returned false: badSetters or implicitlyBad is not empty.

  const windows = runsOnWindows(pod);
  const fix = windows
    ? undefined
    : safe
      ? lazyFixOf(
          'safe',
          'Set the pod-level seccompProfile (RuntimeDefault, or the Localhost profile its annotation names).',
          safeSeccompPatch,
          pod,
        )
      : unsafe
        ? lazyFixOf(
            'unsafe',
            'Use the runtime default seccomp profile instead of the forbidden ones.',
            unsafeSeccompPatch,
            pod,
          )
        : undefined;
  const unfixable = windows
    ? 'Windows pods cannot set seccomp profiles (a Linux-only field)'
    : safe && unsafe
      ? 'replacing a forbidden seccomp profile or annotation the author wrote is an unsafe fix'
      : undefined;
  const extra = { ...(fix ? { fix } : {}), ...(unfixable ? { unfixable } : {}) };
  if (badSetters.length > 0) {
    return {
      allowed: false,
      reason: 'seccompProfile',
      detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
      locations: explicitLocations,
      ...extra,
    };
  }
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `pod or ${describeContainers(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    locations: implicitLocations,
    ...extra,
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
  fix: 'mixed',
  admission: {
    check: () => {
      const valid = cel.celStrings(['Localhost', 'RuntimeDefault']);
      const typeOf = (base: string): string =>
        cel.valueOr(`${base}.securityContext.seccompProfile`, 'type', "''");
      const podSet = cel.present('variables.spec', 'securityContext.seccompProfile');
      return {
        variables: {
          pod: `${podSet} && !(${typeOf('variables.spec')} in ${valid})`,
          podValid: `${podSet} && ${typeOf('variables.spec')} in ${valid}`,
          explicit: `variables.containers.filter(c, ${cel.present('c', 'securityContext.seccompProfile')} && !(${typeOf('c')} in ${valid}))`,
          implicit: `$podValid ? [] : variables.containers.filter(c, !(${cel.present('c', 'securityContext.seccompProfile')})).map(c, c.name)`,
          ...cel.sortedSetVariables(
            'values',
            `[($pod ? [${typeOf('variables.spec')}] : []) + $explicit.map(c, ${typeOf('c')})]`,
          ),
        },
        expression: 'variables.windowsPod || (!$pod && size($explicit) == 0 && size($implicit) == 0)',
        messageExpression: `'seccompProfile (' + ($pod || size($explicit) > 0 ? ${cel.joinNonEmpty(["($pod ? 'pod' : '')", `(size($explicit) > 0 ? ${cel.describeContainers('$explicit.map(c, c.name)')} : '')`], ' and ')} + ' must not set securityContext.seccompProfile.type to ' + ${cel.joinQuote('$values')} : 'pod or ' + ${cel.describeContainers('$implicit')} + ' must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"') + ')'`,
      };
    },
  },
  versions: [
    { since: 'v1.19', check: seccompProfileRestricted_1_19, overrides: ['seccompProfile_baseline'] },
    {
      since: 'v1.25',
      check: exemptWindowsPods(seccompProfileRestricted_1_19),
      overrides: ['seccompProfile_baseline'],
    },
  ],
});
