/**
 * `@podguard/pulumi/pack`: the policy pack alone, without the components (which load
 * @pulumi/kubernetes). Policy pack programs require this entry so the pack starts fast.
 *
 * @packageDocumentation
 */

export {
  createPodguardPack,
  POLICY_NAMES,
  type PodguardPackOptions,
  podguardPolicies,
  podguardPolicyConfig,
} from './createPodguardPack.js';
export { NAMESPACE_POLICY } from './namespacePolicy.js';
export { INPUT_POLICY, policyName } from './policies.js';
export type { PodguardExemption, PodguardSettings } from './settings.js';
export { UNUSED_SUPPRESSION_POLICY } from './unusedSuppressionPolicy.js';
