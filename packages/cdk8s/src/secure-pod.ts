/**
 * What the Secure* constructs share, whichever cdk8s-plus major they extend (27 or 33): their
 * extra props, the pod-level defaults they pass to cdk8s-plus, the writable `/tmp` they mount, and the fields kplus cannot express
 * (`seccompProfile`, `capabilities.drop: [ALL]`, PSA capability names), written in the output layer.
 *
 * No policy verdicts here: the user/group defaults come from the core's profiles, and whether
 * the result passes is for `evaluate()` to say.
 */

import { extractObject, type ProfileName, profiles, type SecurityContext } from '@podguard/policy-core';
import { ApiObject } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { type CapabilityName, capabilityNames } from './capabilities.js';
import { addOutputTransform, type Manifest } from './output-layer.js';
import { sortKeysLikeCdk8s } from './sort-keys.js';

/** A seccomp profile as Kubernetes spells it (`restricted` admits `RuntimeDefault` and `Localhost`). */
export type SeccompProfile =
  | { readonly type: 'RuntimeDefault' }
  | { readonly type: 'Localhost'; readonly localhostProfile: string };

/** What the Secure* code reads of a cdk8s-plus container (the same in every cdk8s-plus major). */
export interface PlusContainer {
  readonly securityContext: { readonly readOnlyRootFilesystem?: boolean };
  readonly mounts: readonly { readonly path: string }[];
  // biome-ignore lint/suspicious/noExplicitAny: each cdk8s-plus major has its own IStorage type.
  mount(path: string, storage: any): void;
}

/** What the Secure* code uses of a cdk8s-plus pod (`AbstractPod` of any major). */
export interface PlusPod extends IConstruct {
  readonly containers: readonly PlusContainer[];
  readonly initContainers: readonly PlusContainer[];
}

/** The `Volume` class of a cdk8s-plus major: the shared writable `/tmp` is one of its emptyDirs. */
export interface PlusVolumeClass {
  fromEmptyDir(scope: Construct, id: string, name: string): Construct;
}

/** Pod props as every cdk8s-plus major spells the identity fields. */
export interface PlusPodProps {
  readonly securityContext?: { readonly user?: number; readonly group?: number };
}

/** Props every Secure* construct adds to its cdk8s-plus twin. */
export interface SecurePodOptions {
  /**
   * The profile the workload is built for. `openshift` leaves `runAsUser` unset (the platform
   * assigns a UID from the namespace range) and uses group 0.
   * @default 'hardened'
   */
  readonly profile?: ProfileName;
  /**
   * Pod-level `runAsUser`. `securityContext.user` wins when both are given.
   * @default 1000 (unset for the `openshift` profile)
   */
  readonly user?: number;
  /**
   * Pod-level `runAsGroup`. `securityContext.group` wins when both are given.
   * @default 1000 (0 for the `openshift` profile)
   */
  readonly group?: number;
  /**
   * Pod-level seccomp profile, unless the manifest already has one.
   * @default { type: 'RuntimeDefault' }
   */
  readonly seccompProfile?: SeccompProfile;
  /**
   * Mount a writable `emptyDir` at `/tmp` in every container whose root filesystem is read-only
   * (and that mounts nothing at `/tmp` itself).
   * @default true
   */
  readonly tmpVolume?: boolean;
  /**
   * Write `capabilities.drop: [ALL]` on every container.
   * @default true
   */
  readonly dropAllCapabilities?: boolean;
}

/** Options of {@link SecurePodDefaults.addCapability}. */
export interface AddCapabilityOptions {
  /** Container name; every container (init and regular) when omitted. */
  readonly container?: string;
}

const TMP_VOLUME_ID = 'PodguardTmp';

/** The user and group a profile's hardening writes (1000/1000, or unset/0 for openshift). */
export function profileIdentity(profile: ProfileName): { user?: number; group?: number } {
  const known = profiles[profile];
  if (!known) {
    throw new Error(
      `podguard: unknown profile ${JSON.stringify(profile)} (expected one of ${Object.keys(profiles).join(', ')})`,
    );
  }
  const options = known.options ?? {};
  // A profile without defaults (baseline, restricted) gets the hardened identity; null means "leave unset".
  const user = 'defaultUser' in options ? options.defaultUser : 1000;
  const group = 'defaultGroup' in options ? options.defaultGroup : 1000;
  const identity: { user?: number; group?: number } = {};
  if (typeof user === 'number') identity.user = user;
  if (typeof group === 'number') identity.group = group;
  return identity;
}

/** Props for the kplus constructor: the pod security context with the profile's user and group. */
export function securePodProps<P extends PlusPodProps>(props: P & SecurePodOptions): P {
  const identity = profileIdentity(props.profile ?? 'hardened');
  const user = props.securityContext?.user ?? props.user ?? identity.user;
  const group = props.securityContext?.group ?? props.group ?? identity.group;
  return {
    ...props,
    securityContext: {
      ...props.securityContext,
      ...(user === undefined ? {} : { user }),
      ...(group === undefined ? {} : { group }),
    },
  };
}

/**
 * The state behind one Secure* construct: added capabilities, the shared `/tmp` volume, and the
 * output transform that writes what kplus cannot.
 */
export class SecurePodDefaults {
  /** The profile the construct was built for. */
  readonly profile: ProfileName;
  private readonly capabilities = new Map<string | undefined, Set<CapabilityName>>();
  private readonly seccompProfile: SeccompProfile;
  private readonly tmpVolume: boolean;
  private readonly dropAll: boolean;

  constructor(
    private readonly pod: PlusPod,
    options: SecurePodOptions,
    private readonly volumeClass: PlusVolumeClass,
  ) {
    this.profile = options.profile ?? 'hardened';
    this.seccompProfile = options.seccompProfile ?? { type: 'RuntimeDefault' };
    this.tmpVolume = options.tmpVolume ?? true;
    this.dropAll = options.dropAllCapabilities ?? true;
    for (const container of [...pod.initContainers, ...pod.containers]) this.secureContainer(container);
    addOutputTransform(ApiObject.of(pod), (manifest) => this.finish(manifest));
  }

  /** Mounts the shared writable `/tmp` when the container's root filesystem is read-only. */
  secureContainer(container: PlusContainer): void {
    if (!this.tmpVolume || container.securityContext.readOnlyRootFilesystem !== true) return;
    if (container.mounts.some((mount) => mount.path === '/tmp')) return;
    const existing = this.pod.node.tryFindChild(TMP_VOLUME_ID);
    // The child under this id is the emptyDir an earlier container got.
    const volume =
      existing ?? this.volumeClass.fromEmptyDir(this.pod as unknown as Construct, TMP_VOLUME_ID, 'tmp');
    container.mount('/tmp', volume);
  }

  /** Adds a capability (PSA spelling) to one container, or to all when no name is given. */
  addCapability(capability: CapabilityName, options: AddCapabilityOptions = {}): void {
    const set = this.capabilities.get(options.container) ?? new Set<CapabilityName>();
    set.add(capability);
    this.capabilities.set(options.container, set);
  }

  /** Writes, where absent, the fields kplus cannot express; normalises capability names. */
  private finish(manifest: Manifest): Manifest {
    const extracted = extractObject(manifest);
    if (extracted.kind !== 'pod') return manifest;
    const spec = extracted.view.spec as Record<string, unknown>;
    const podContext = (spec.securityContext ?? {}) as Record<string, unknown>;
    if (podContext.seccompProfile === undefined) podContext.seccompProfile = { ...this.seccompProfile };
    spec.securityContext = sortKeysLikeCdk8s(podContext);

    const known = new Set(extracted.view.containers.map((ref) => ref.name));
    for (const name of this.capabilities.keys()) {
      if (name !== undefined && !known.has(name)) {
        throw new Error(`addCapability() names container "${name}", which the pod does not have`);
      }
    }
    for (const ref of extracted.view.containers) {
      const container = ref.container as Record<string, unknown>;
      const context = (container.securityContext ?? {}) as SecurityContext;
      const current = context.capabilities ?? {};
      const add = capabilityNames([
        ...(current.add ?? []),
        ...(this.capabilities.get(undefined) ?? []),
        ...(this.capabilities.get(ref.name) ?? []),
      ]);
      const drop = capabilityNames([...(this.dropAll ? ['ALL'] : []), ...(current.drop ?? [])]);
      const capabilities: Record<string, string[]> = {};
      if (add.length > 0) capabilities.add = add;
      if (drop.length > 0) capabilities.drop = drop;
      if (Object.keys(capabilities).length > 0) context.capabilities = capabilities;
      container.securityContext = sortKeysLikeCdk8s(context);
    }
    return manifest;
  }
}
