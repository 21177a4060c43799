/**
 * The Secure* behaviour on a cdk8s-plus pod class, for any cdk8s-plus major: `secure-workloads.ts`
 * applies it to the cdk8s-plus-27 classes, `plus-33.ts` to the cdk8s-plus-33 ones. Each construct
 * still declares its own constructor there, so its props stay typed against its own major.
 */
import type { Construct } from 'constructs';
import type { CapabilityName } from './capabilities.js';
import {
  type AddCapabilityOptions,
  type PlusContainer,
  type PlusPod,
  type PlusPodProps,
  type PlusVolumeClass,
  SecurePodDefaults,
  type SecurePodOptions,
  securePodProps,
} from './secure-pod.js';

/** A cdk8s-plus pod (Deployment, Job... of any major), with the methods the mixin overrides. */
export interface PlusPodWithContainers extends PlusPod {
  // biome-ignore lint/suspicious/noExplicitAny: ContainerProps differ from one cdk8s-plus major to the next.
  addContainer(props: any): PlusContainer;
  // biome-ignore lint/suspicious/noExplicitAny: ContainerProps differ from one cdk8s-plus major to the next.
  addInitContainer(props: any): PlusContainer;
}

/** A cdk8s-plus pod class. */
// biome-ignore lint/suspicious/noExplicitAny: a mixin's base must be constructible with any[] (TS2545).
export type PlusPodClass = new (...args: any[]) => PlusPodWithContainers;

/** What every Secure* construct adds to its cdk8s-plus twin. */
export interface SecureWorkload {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this;
}

/**
 * The Secure* behaviour on a cdk8s-plus pod class: its props pass through
 * {@link securePodProps}, {@link SecurePodDefaults} secures the containers it has and every one
 * added later, and `addCapability` writes PSA capability names. The return type names only
 * {@link SecureWorkload}: the class itself would expose kplus's private members in the declarations.
 */
export function withPodSecurity<Base extends PlusPodClass>(
  base: Base,
  volumeClass: PlusVolumeClass,
  // biome-ignore lint/suspicious/noExplicitAny: the mixin's constructor type (TS2545).
): Base & (abstract new (...args: any[]) => SecureWorkload) {
  abstract class Secured extends base implements SecureWorkload {
    readonly podSecurity: SecurePodDefaults;

    // biome-ignore lint/suspicious/noExplicitAny: a mixin's constructor must take any[] (TS2545).
    constructor(...args: any[]) {
      // Each Secure* constructor passes its typed (scope, id, props) through.
      const [scope, id, props] = args as [Construct, string, PlusPodProps & SecurePodOptions];
      super(scope, id, securePodProps(props));
      this.podSecurity = new SecurePodDefaults(this, props, volumeClass);
    }

    // The kplus constructor adds its props' containers before `podSecurity` exists;
    // SecurePodDefaults secures those itself.
    // biome-ignore lint/suspicious/noExplicitAny: ContainerProps of the base's own major.
    override addContainer(props: any): PlusContainer {
      const container = super.addContainer(props);
      this.podSecurity?.secureContainer(container);
      return container;
    }

    // biome-ignore lint/suspicious/noExplicitAny: ContainerProps of the base's own major.
    override addInitContainer(props: any): PlusContainer {
      const container = super.addInitContainer(props);
      this.podSecurity?.secureContainer(container);
      return container;
    }

    addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
      this.podSecurity.addCapability(capability, options);
      return this;
    }
  }
  return Secured;
}
