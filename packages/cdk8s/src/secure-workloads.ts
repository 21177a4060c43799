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

/** Props of {@link SecureDeployment}: those of kplus `DeploymentProps` plus {@link SecurePodOptions}. */
export interface SecureDeploymentProps extends kplus.DeploymentProps, SecurePodOptions {}

/** A Deployment (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureDeployment extends kplus.Deployment {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  constructor(scope: Construct, id: string, props: SecureDeploymentProps = {}) {
    super(scope, id, securePodProps(props));
    this.podSecurity = new SecurePodDefaults(this, props);
  }

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

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
    this.podSecurity.addCapability(capability, options);
    return this;
  }
}

/** Props of {@link SecureStatefulSet}: those of kplus `StatefulSetProps` plus {@link SecurePodOptions}. */
export interface SecureStatefulSetProps extends kplus.StatefulSetProps, SecurePodOptions {}

/** A StatefulSet (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureStatefulSet extends kplus.StatefulSet {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    super(scope, id, securePodProps(props));
    this.podSecurity = new SecurePodDefaults(this, props);
  }

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

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
    this.podSecurity.addCapability(capability, options);
    return this;
  }
}

/** Props of {@link SecureDaemonSet}: those of kplus `DaemonSetProps` plus {@link SecurePodOptions}. */
export interface SecureDaemonSetProps extends kplus.DaemonSetProps, SecurePodOptions {}

/** A DaemonSet (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureDaemonSet extends kplus.DaemonSet {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  constructor(scope: Construct, id: string, props: SecureDaemonSetProps = {}) {
    super(scope, id, securePodProps(props));
    this.podSecurity = new SecurePodDefaults(this, props);
  }

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

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
    this.podSecurity.addCapability(capability, options);
    return this;
  }
}

/** Props of {@link SecureJob}: those of kplus `JobProps` plus {@link SecurePodOptions}. */
export interface SecureJobProps extends kplus.JobProps, SecurePodOptions {}

/** A Job (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureJob extends kplus.Job {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  constructor(scope: Construct, id: string, props: SecureJobProps = {}) {
    super(scope, id, securePodProps(props));
    this.podSecurity = new SecurePodDefaults(this, props);
  }

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

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
    this.podSecurity.addCapability(capability, options);
    return this;
  }
}

/** Props of {@link SecureCronJob}: those of kplus `CronJobProps` plus {@link SecurePodOptions}. */
export interface SecureCronJobProps extends kplus.CronJobProps, SecurePodOptions {}

/** A CronJob (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecureCronJob extends kplus.CronJob {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    super(scope, id, securePodProps(props));
    this.podSecurity = new SecurePodDefaults(this, props);
  }

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

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
    this.podSecurity.addCapability(capability, options);
    return this;
  }
}

/** Props of {@link SecurePod}: those of kplus `PodProps` plus {@link SecurePodOptions}. */
export interface SecurePodProps extends kplus.PodProps, SecurePodOptions {}

/** A Pod (cdk8s-plus-27) that passes the `hardened` profile as it is. */
export class SecurePod extends kplus.Pod {
  /** The security defaults applied to this workload. */
  readonly podSecurity: SecurePodDefaults;

  constructor(scope: Construct, id: string, props: SecurePodProps = {}) {
    super(scope, id, securePodProps(props));
    this.podSecurity = new SecurePodDefaults(this, props);
  }

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

  /**
   * Adds a Linux capability under the name PSA accepts (`NET_BIND_SERVICE`, not `CAP_NET_BIND_SERVICE`).
   * `restricted` admits only `NET_BIND_SERVICE`.
   */
  addCapability(capability: CapabilityName, options?: AddCapabilityOptions): this {
    this.podSecurity.addCapability(capability, options);
    return this;
  }
}
