/**
 * The kubelet's `DetermineEffectiveSecurityContext` for the identity fields: a container's
 * `securityContext` value wins over the pod's. Shared by the podguard identity rules
 * (kubeletRunAsNonRoot, runAsRoot, runAsUserRange, runAsGroupPolicy) so they agree on which
 * field is in force and where it is written.
 */

import { imageUserFor } from '../image/imageReference.js';
import { type ImageUser, parseImageUser } from '../image/parseImageUser.js';
import type { PodSecurityContext, SecurityContext } from '../model/k8s.js';
import type { JsonPointer } from '../model/types.js';
import type { ContainerRef, PodView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';

/** A security-context field that is in force for a container, and where it is written. */
export interface EffectiveValue<T> {
  readonly value: T;
  /** JSON pointer of the field that sets it (container or pod level). */
  readonly path: JsonPointer;
  readonly source: 'container' | 'pod';
}

type IdentityField = 'runAsUser' | 'runAsGroup' | 'runAsNonRoot';

/**
 * The value in force for a container: the container's own, else the pod's; null counts as unset.
 * The cheap form of {@link effectiveField}, for checks that need the location only when they fail.
 */
export function effectiveValue<K extends IdentityField>(
  pod: PodView,
  ref: ContainerRef,
  field: K,
): NonNullable<SecurityContext[K]> | undefined {
  return (identityField(ref.container.securityContext, field) ??
    identityField(pod.spec.securityContext, field) ??
    undefined) as NonNullable<SecurityContext[K]> | undefined;
}

/**
 * `context?.[field]`, with each field read at an access of its own: these run for every
 * container of every pod, and one computed access over three fields and two kinds of object is
 * several times slower.
 */
export function identityField(
  context: SecurityContext | PodSecurityContext | undefined,
  field: IdentityField,
): number | boolean | null | undefined {
  switch (field) {
    case 'runAsUser':
      return context?.runAsUser;
    case 'runAsGroup':
      return context?.runAsGroup;
    case 'runAsNonRoot':
      return context?.runAsNonRoot;
  }
}

/** The field in force for a container and where it is written: the container's own value, else the pod's; null counts as unset. */
export function effectiveField<K extends IdentityField>(
  pod: PodView,
  ref: ContainerRef,
  field: K,
): EffectiveValue<NonNullable<SecurityContext[K]>> | undefined {
  type Value = NonNullable<SecurityContext[K]>;
  const own = identityField(ref.container.securityContext, field);
  if (own !== undefined && own !== null) {
    return { value: own as Value, path: pointer(ref.path, 'securityContext', field), source: 'container' };
  }
  const inherited = identityField(pod.spec.securityContext, field);
  if (inherited !== undefined && inherited !== null) {
    return {
      value: inherited as Value,
      path: pointer(pod.specPath, 'securityContext', field),
      source: 'pod',
    };
  }
  return undefined;
}

/** The image `User` recorded in the `imageUsers` option for a container's image, parsed. */
function knownImageUser(
  ref: ContainerRef,
  context: RuleContext,
): { readonly raw: string; readonly user: ImageUser } | undefined {
  const raw = imageUserFor(ref.container.image, context.options.imageUsers);
  return raw === undefined ? undefined : { raw, user: parseImageUser(raw) };
}

/**
 * The kubelet's `format.Pod(pod)`: `name_namespace(uid)`. For a workload template the pod name
 * is not known before the controller creates it, so the workload's name stands in; a missing
 * namespace is `default`, where `kubectl apply` without `-n` puts it; a missing UID is empty.
 */
export function kubeletPodName(pod: PodView): string {
  const name = pod.metadata.name ?? pod.resource.name ?? '';
  const namespace = pod.metadata.namespace ?? pod.resource.namespace ?? 'default';
  const uid = pod.resource.kind === 'Pod' ? (pod.metadata.uid ?? '') : '';
  return `${name}_${namespace}(${uid})`;
}

/**
 * True when the profile leaves the UID to the platform: it neither requires a runAsUser nor has
 * a default one to write. That is the `openshift` profile: the restricted-v2 SCC sets runAsUser
 * from the namespace's range at admission, so a container without one never reaches the kubelet
 * without one, and never runs as the image's USER.
 */
function platformAssignsUser(context: RuleContext): boolean {
  return !context.options.requireRunAsUser && context.options.defaultUser === undefined;
}

/**
 * Who a container starts as, as far as it can be known before it starts: the effective
 * `runAsUser` when one is set (`nonRoot` for any uid but 0, `explicitRoot` with its location for
 * 0); without one, nothing to know when the platform assigns the UID (`platform`), else the
 * image's USER from the `imageUsers` option (`image`), or `imageUnknown`.
 */
export type StartingUser =
  | { readonly kind: 'nonRoot' }
  | { readonly kind: 'explicitRoot'; readonly runAsUser: EffectiveValue<number> }
  | { readonly kind: 'platform' }
  | { readonly kind: 'image'; readonly raw: string; readonly user: ImageUser }
  | { readonly kind: 'imageUnknown' };

const NON_ROOT: StartingUser = { kind: 'nonRoot' };
const PLATFORM: StartingUser = { kind: 'platform' };
const IMAGE_UNKNOWN: StartingUser = { kind: 'imageUnknown' };

/**
 * The user a container starts as (see {@link StartingUser}). The common case, an explicit
 * non-zero `runAsUser`, builds no location.
 */
export function startingUser(pod: PodView, ref: ContainerRef, context: RuleContext): StartingUser {
  const uid = effectiveValue(pod, ref, 'runAsUser');
  if (uid !== undefined && uid !== 0) return NON_ROOT;
  const runAsUser = effectiveField(pod, ref, 'runAsUser');
  if (runAsUser !== undefined) return { kind: 'explicitRoot', runAsUser };
  if (platformAssignsUser(context)) return PLATFORM;
  const image = knownImageUser(ref, context);
  return image === undefined ? IMAGE_UNKNOWN : { kind: 'image', raw: image.raw, user: image.user };
}

/**
 * Whether a container runs as root on purpose, as its manifest says: its effective `runAsUser`
 * is 0 (`uid0`), or it asks for no other user (no effective `runAsUser`, `runAsNonRoot` not true)
 * and is privileged (`privileged`), adds capabilities other than NET_BIND_SERVICE
 * (`capabilities`) or mounts a host path writable (`hostPath`). Node agents, CSI and CNI
 * plugins (flannel adds NET_ADMIN and NET_RAW) run as root to use what they are given: under a
 * non-root user a process keeps no capability (Kubernetes sets no ambient ones). A safe fix never
 * makes such a container non-root, nor changes its group.
 */
export function rootOnPurpose(
  pod: PodView,
  ref: ContainerRef,
): 'uid0' | 'privileged' | 'capabilities' | 'hostPath' | undefined {
  const uid = effectiveValue(pod, ref, 'runAsUser');
  if (uid === 0) return 'uid0';
  if (uid !== undefined || effectiveValue(pod, ref, 'runAsNonRoot') === true) return undefined;
  const securityContext = ref.container.securityContext;
  if (securityContext?.privileged === true) return 'privileged';
  const added = securityContext?.capabilities?.add;
  if (Array.isArray(added) && added.some(beyondBindService)) return 'capabilities';
  return writesHostPath(pod, ref) ? 'hostPath' : undefined;
}

/**
 * Whether the container mounts a hostPath volume writable (`readOnly` not true): a CNI installer
 * copying into /opt/cni/bin, a log agent keeping its positions under /var/log. The host's
 * directories are root's. A read-only mount (a timezone file) says nothing.
 */
function writesHostPath(pod: PodView, ref: ContainerRef): boolean {
  const mounts = ref.container.volumeMounts;
  const volumes = pod.spec.volumes;
  if (!Array.isArray(mounts) || mounts.length === 0 || !Array.isArray(volumes)) return false;
  for (const mount of mounts) {
    if (mount?.readOnly === true) continue;
    for (const volume of volumes) if (volume?.name === mount?.name && volume.hostPath != null) return true;
  }
  return false;
}

/**
 * A capability other than NET_BIND_SERVICE, which the restricted standard lets a non-root
 * container add (to bind a low port): adding only it says nothing about running as root.
 */
const beyondBindService = (capability: unknown): boolean =>
  capability !== 'NET_BIND_SERVICE' && capability !== 'CAP_NET_BIND_SERVICE';
