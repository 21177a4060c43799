/**
 * When a pod-level identity fix (`runAsNonRoot`, `runAsUser`, `runAsGroup` written on the pod for
 * the containers that set none) is safe: only when it changes no user or group the author chose.
 * It is not when a container it reaches runs as root on purpose ({@link rootOnPurpose}: runAsUser
 * 0, or privileged, adding capabilities or writing to a host path without a user of its own), and, for
 * a group, when a container it reaches runs as a user the author chose other than the profile's
 * `defaultUser`: the primary group of that user is the author's (often the image's group for it,
 * or gid 0 on images built for OpenShift), and another one would cut its access to its files.
 * Then the same patch is an unsafe fix, and the finding says why.
 */

import type { Fix, JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { effectiveValue, rootOnPurpose } from './effectiveSecurityContext.js';
import { describeContainers } from './wording.js';

/** Why a pod-level identity fix is not safe: for its unsafe description, and for the finding. */
export interface IdentityFixRisk {
  /** `container "a" set runAsUser=0 and would no longer start`: for the unsafe fix's description. */
  readonly note: string;
  /** `a safe fix would stop what runs as root on purpose: ...`: the finding's `unfixable`. */
  readonly unfixable: string;
}

/**
 * Why a pod-level identity fix reaching `reached` (containers that set the field themselves are
 * not reached) is not safe, or undefined when it is. Without `group`, for a fix that makes them
 * non-root (`runAsNonRoot`, `runAsUser`); with it, for a `runAsGroup` fix, given the profile's
 * `defaultUser`.
 */
export function identityFixRisk(
  pod: PodView,
  reached: readonly ContainerRef[],
  group?: { readonly defaultUser: number | undefined },
): IdentityFixRisk | undefined {
  // Most pods have none of these: nothing is allocated then.
  let uid0: string[] | undefined;
  let privileged: string[] | undefined;
  let capabilities: string[] | undefined;
  let hostPath: string[] | undefined;
  let chosen: string[] | undefined;
  let uids: Set<number> | undefined;
  for (const ref of reached) {
    const root = rootOnPurpose(pod, ref);
    if (root === 'uid0') {
      uid0 = uid0 ?? [];
      uid0.push(ref.name);
    } else if (root === 'privileged') {
      privileged = privileged ?? [];
      privileged.push(ref.name);
    } else if (root === 'capabilities') {
      capabilities = capabilities ?? [];
      capabilities.push(ref.name);
    } else if (root === 'hostPath') {
      hostPath = hostPath ?? [];
      hostPath.push(ref.name);
    } else if (group !== undefined) {
      const uid = effectiveValue(pod, ref, 'runAsUser');
      if (uid !== undefined && uid !== group.defaultUser) {
        chosen = chosen ?? [];
        chosen.push(ref.name);
        uids = uids ?? new Set();
        uids.add(uid);
      }
    }
  }
  if (
    uid0 === undefined &&
    privileged === undefined &&
    capabilities === undefined &&
    hostPath === undefined &&
    chosen === undefined
  )
    return undefined;
  const parts: string[] = [];
  const verb = (names: readonly string[], one: string, many: string) =>
    `${describeContainers(names)} ${names.length === 1 ? one : many}`;
  if (group === undefined) {
    if (uid0) parts.push(`${describeContainers(uid0)} set runAsUser=0 and would no longer start`);
    if (privileged)
      parts.push(`privileged ${describeContainers(privileged)} would run without root's capabilities`);
    if (capabilities)
      parts.push(`${verb(capabilities, 'adds', 'add')} capabilities that a non-root user does not keep`);
    if (hostPath) parts.push(`${verb(hostPath, 'writes', 'write')} to host paths, which are root's`);
    const note = parts.join('; ');
    return { note, unfixable: `a safe fix would stop what runs as root on purpose: ${note}` };
  }
  if (uid0) parts.push(`${verb(uid0, 'runs', 'run')} as root (runAsUser=0)`);
  if (privileged) parts.push(`privileged ${verb(privileged, 'runs', 'run')} as root`);
  if (capabilities) parts.push(`${verb(capabilities, 'runs', 'run')} as root to use the capabilities added`);
  if (hostPath) parts.push(`${verb(hostPath, 'runs', 'run')} as root to write to host paths`);
  if (chosen) parts.push(`${verb(chosen, 'runs', 'run')} as runAsUser=${[...(uids ?? [])].join(', ')}`);
  const note = parts.join('; ');
  return { note, unfixable: `a safe fix would change the group of a user the author chose: ${note}` };
}

/**
 * A pod-level identity patch as the fields of a failed result: a safe fix described by
 * `safeDescription`, or, with a `risk`, the unsafe fix `action (why)` and `unfixable`.
 */
export function podIdentityFix(
  patch: JsonPatchOperation[],
  action: string,
  safeDescription: string,
  risk: IdentityFixRisk | undefined,
): { fix: Fix; unfixable?: string } {
  if (risk === undefined) return { fix: { kind: 'safe', description: safeDescription, patch } };
  return {
    fix: { kind: 'unsafe', description: `${action} (${risk.note}).`, patch },
    unfixable: risk.unfixable,
  };
}
