/**
 * @podguard/pulumi: a CrossGuard policy pack that blocks Kubernetes workloads that would run as
 * root or fail the Pod Security Standards at `pulumi preview`, secure components with hardened
 * defaults, and stack-wide hardening. Every verdict comes from @podguard/policy-core.
 *
 * @packageDocumentation
 */

export {
  PodguardAdmissionPolicy,
  type PodguardAdmissionPolicyArgs,
} from './components/podguardAdmissionPolicy.js';
export { SecureCronJob, type SecureCronJobArgs } from './components/secureCronJob.js';
export { SecureDaemonSet, type SecureDaemonSetArgs } from './components/secureDaemonSet.js';
export { SecureDeployment, type SecureDeploymentArgs } from './components/secureDeployment.js';
export { SecureJob, type SecureJobArgs } from './components/secureJob.js';
export { SecureStatefulSet, type SecureStatefulSetArgs } from './components/secureStatefulSet.js';
export {
  InsecureWorkloadError,
  type SecureContainer,
  type SecurePodSpec,
  type SecureWorkloadArgs,
} from './components/secureWorkload.js';
export {
  type HardenConflict,
  type HardenedInputs,
  type HardenMode,
  hardenInputs,
} from './hardening/hardenInputs.js';
export {
  type HardeningMechanism,
  hardenResourceProps,
  type PodguardHardeningOptions,
  registerPodguardHardening,
} from './hardening/registerPodguardHardening.js';
export * from './pack/index.js';
export {
  CHECKED_TYPES,
  isPodResourceType,
  type KubernetesType,
  kubernetesTypeOf,
  NAMESPACE_TYPE,
  type ParsedKubernetesType,
  POD_RESOURCE_TYPES,
} from './resourceTypes.js';
