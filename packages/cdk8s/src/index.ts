/**
 * @podguard/cdk8s: cdk8s workloads that never run as root and pass the Pod Security Standards.
 *
 * - Secure twins of the cdk8s-plus-27 workloads (`SecureDeployment`...); the cdk8s-plus-33 ones
 *   are in `@podguard/cdk8s/plus-33`.
 * - `PodSecurity.of(app | chart)`: validate and harden every object at synth; `PodSecurity.suppress`.
 * - `PodSecurityValidation`: a cdk8s-cli validation plugin.
 * - `@podguard/cdk8s/vitest`, `@podguard/cdk8s/jest`: `toPassPodSecurity` and `toViolate` matchers;
 *   `assertPodSecurity()` for any test framework.
 *
 * @packageDocumentation
 */

export { PodguardAdmissionPolicy, type PodguardAdmissionPolicyProps } from './admission-policy.js';
export { type CapabilityName, capabilityName } from './capabilities.js';
export type { ManifestSource } from './manifests.js';
export {
  assertPodSecurity,
  PodSecurityAssertionError,
  type PodSecurityExpectation,
  type ViolateOptions,
} from './matchers.js';
export { addRawJsonPatch, type Manifest } from './output-layer.js';
export {
  type Cdk8sValidationContext,
  PodSecurityValidation,
  type PodSecurityValidationProperties,
} from './plugin.js';
export {
  PodSecurity,
  type PodSecurityReport,
  type PodSecurityValidateOptions,
  type ReportedChange,
  type ReportedFinding,
} from './pod-security.js';
export {
  type AddCapabilityOptions,
  profileIdentity,
  type SeccompProfile,
  SecurePodDefaults,
  type SecurePodOptions,
} from './secure-pod.js';
export {
  SecureCronJob,
  type SecureCronJobProps,
  SecureDaemonSet,
  type SecureDaemonSetProps,
  SecureDeployment,
  type SecureDeploymentProps,
  SecureJob,
  type SecureJobProps,
  SecurePod,
  type SecurePodProps,
  SecureStatefulSet,
  type SecureStatefulSetProps,
} from './secure-workloads.js';
export type { ConstructSuppression } from './suppress.js';
