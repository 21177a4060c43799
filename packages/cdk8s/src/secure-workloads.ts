/**
 * Secure-by-default twins of the cdk8s-plus-27 workloads. Each takes its twin's props plus
 * {@link SecurePodOptions} and synthesizes YAML that the `hardened` profile admits without extra
 * lines: a numeric runAsUser/runAsGroup, `seccompProfile: RuntimeDefault`,
 * `capabilities.drop: [ALL]`, a writable `/tmp`, no service-account token (kplus's default).
 * Props you pass win over these defaults; kplus escape hatches keep working.
 */
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { CapabilityName } from './capabilities.js';
import {
  type AddCapabilityOptions,
  SecurePodDefaults,
  type SecurePodOptions,
  securePodProps,
} from './secure-pod.js';

// biome-ignore lint/suspicious/noExplicitAny: a mixin's base must be constructible with any[] (TS2545).
type PodClass = new (...args: any[]) => kplus.AbstractPod;

/** What every Secure* construct adds to its cdk8s-plus-27 twin. */
interface SecureWorkload {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this;
}

/**
 * The Secure* behaviour on a cdk8s-plus-27 pod class: its props pass through
 * {@link securePodProps}, {@link SecurePodDefaults} secures the containers it has and every one
 * added later, and `addCapability` writes PSA capability names. Each construct still declares its
 * own constructor, so its props stay typed. The return type names only {@link SecureWorkload}:
 * the class itself would expose kplus's private members in the declarations.
 */
function withPodSecurity<Base extends PodClass>(
  base: Base,
  // biome-ignore lint/suspicious/noExplicitAny: the mixin's constructor type (TS2545).
): Base & (abstract new (...args: any[]) => SecureWorkload) {
  abstract class Secured extends base implements SecureWorkload {
    readonly podSecurity: SecurePodDefaults;

    // biome-ignore lint/suspicious/noExplicitAny: a mixin's constructor must take any[] (TS2545).
    constructor(...args: any[]) {
      // Each Secure* constructor passes its typed (scope, id, props) through.
      const [scope, id, props] = args as [Construct, string, kplus.AbstractPodProps & SecurePodOptions];
      super(scope, id, securePodProps(props));
      this.podSecurity = new SecurePodDefaults(this, props);
    }

    // The kplus constructor adds its props' containers before `podSecurity` exists;
    // SecurePodDefaults secures those itself.
    override addContainer(props: kplus.ContainerProps): kplus.Container {
      const container = super.addContainer(props);
      this.podSecurity?.secureContainer(container);
      return container;
    }

    override addInitContainer(props: kplus.ContainerProps): kplus.Container {
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

/** Props of {@link SecureDeployment}: those of kplus `DeploymentProps` plus {@link SecurePodOptions}. */
export interface SecureDeploymentProps extends kplus.DeploymentProps, SecurePodOptions {}

/** A Deployment (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureDeployment extends withPodSecurity(kplus.Deployment) {
  constructor(scope: Construct, id: string, props: SecureDeploymentProps = {}) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureStatefulSet}: those of kplus `StatefulSetProps` plus {@link SecurePodOptions}. */
export interface SecureStatefulSetProps extends kplus.StatefulSetProps, SecurePodOptions {}

/** A StatefulSet (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureStatefulSet extends withPodSecurity(kplus.StatefulSet) {
  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureDaemonSet}: those of kplus `DaemonSetProps` plus {@link SecurePodOptions}. */
export interface SecureDaemonSetProps extends kplus.DaemonSetProps, SecurePodOptions {}

/** A DaemonSet (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureDaemonSet extends withPodSecurity(kplus.DaemonSet) {
  constructor(scope: Construct, id: string, props: SecureDaemonSetProps = {}) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureJob}: those of kplus `JobProps` plus {@link SecurePodOptions}. */
export interface SecureJobProps extends kplus.JobProps, SecurePodOptions {}

/** A Job (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureJob extends withPodSecurity(kplus.Job) {
  constructor(scope: Construct, id: string, props: SecureJobProps = {}) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureCronJob}: those of kplus `CronJobProps` plus {@link SecurePodOptions}. */
export interface SecureCronJobProps extends kplus.CronJobProps, SecurePodOptions {}

/** A CronJob (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureCronJob extends withPodSecurity(kplus.CronJob) {
  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    super(scope, id, props);
  }
}

/** Props of {@link SecurePod}: those of kplus `PodProps` plus {@link SecurePodOptions}. */
export interface SecurePodProps extends kplus.PodProps, SecurePodOptions {}

/** A Pod (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecurePod extends withPodSecurity(kplus.Pod) {
  constructor(scope: Construct, id: string, props: SecurePodProps = {}) {
    super(scope, id, props);
  }
}
