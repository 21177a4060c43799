/**
 * `@podguard/cdk8s/plus-33`: the Secure* constructs for cdk8s-plus-33 (what `cdk8s init
 * typescript-app` scaffolds today), typed against its classes so they mix with plus-33 objects
 * (volumes, config maps, services). The behaviour is shared with the cdk8s-plus-27 ones
 * (`secure-mixin.ts`, `secure-pod.ts`); only these typed declarations differ.
 *
 * @packageDocumentation
 */
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { withPodSecurity } from './secure-mixin.js';
import type { SecurePodOptions } from './secure-pod.js';

export { type CapabilityName, capabilityName } from './capabilities.js';
export type { SecureWorkload } from './secure-mixin.js';
export {
  type AddCapabilityOptions,
  profileIdentity,
  type SeccompProfile,
  SecurePodDefaults,
  type SecurePodOptions,
} from './secure-pod.js';

/** Props of {@link SecureDeployment}: those of kplus `DeploymentProps` plus {@link SecurePodOptions}. */
export interface SecureDeploymentProps extends kplus.DeploymentProps, SecurePodOptions {}

/** A Deployment (cdk8s-plus-33) that passes the `hardened` profile as it is. */
export class SecureDeployment extends withPodSecurity(kplus.Deployment, kplus.Volume) {
  constructor(scope: Construct, id: string, props: SecureDeploymentProps = {}) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureStatefulSet}: those of kplus `StatefulSetProps` plus {@link SecurePodOptions}. */
export interface SecureStatefulSetProps extends kplus.StatefulSetProps, SecurePodOptions {}

/** A StatefulSet (cdk8s-plus-33) that passes the `hardened` profile as it is. */
export class SecureStatefulSet extends withPodSecurity(kplus.StatefulSet, kplus.Volume) {
  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureDaemonSet}: those of kplus `DaemonSetProps` plus {@link SecurePodOptions}. */
export interface SecureDaemonSetProps extends kplus.DaemonSetProps, SecurePodOptions {}

/** A DaemonSet (cdk8s-plus-33) that passes the `hardened` profile as it is. */
export class SecureDaemonSet extends withPodSecurity(kplus.DaemonSet, kplus.Volume) {
  constructor(scope: Construct, id: string, props: SecureDaemonSetProps = {}) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureJob}: those of kplus `JobProps` plus {@link SecurePodOptions}. */
export interface SecureJobProps extends kplus.JobProps, SecurePodOptions {}

/** A Job (cdk8s-plus-33) that passes the `hardened` profile as it is. */
export class SecureJob extends withPodSecurity(kplus.Job, kplus.Volume) {
  constructor(scope: Construct, id: string, props: SecureJobProps = {}) {
    super(scope, id, props);
  }
}

/** Props of {@link SecureCronJob}: those of kplus `CronJobProps` plus {@link SecurePodOptions}. */
export interface SecureCronJobProps extends kplus.CronJobProps, SecurePodOptions {}

/** A CronJob (cdk8s-plus-33) that passes the `hardened` profile as it is. */
export class SecureCronJob extends withPodSecurity(kplus.CronJob, kplus.Volume) {
  constructor(scope: Construct, id: string, props: SecureCronJobProps) {
    super(scope, id, props);
  }
}

/** Props of {@link SecurePod}: those of kplus `PodProps` plus {@link SecurePodOptions}. */
export interface SecurePodProps extends kplus.PodProps, SecurePodOptions {}

/** A Pod (cdk8s-plus-33) that passes the `hardened` profile as it is. */
export class SecurePod extends withPodSecurity(kplus.Pod, kplus.Volume) {
  constructor(scope: Construct, id: string, props: SecurePodProps = {}) {
    super(scope, id, props);
  }
}
