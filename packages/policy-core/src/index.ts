/**
 * @podguard/policy-core: the Pod Security Standards engine, exact to upstream Pod Security
 * Admission, plus podguard's rules for what happens after admission (the kubelet's runAsNonRoot
 * verdict, image USERs, UID/GID policy). Pure TypeScript, no runtime dependencies.
 *
 * @packageDocumentation
 */

export {
  analyzeDockerfile,
  DOCKERFILE_CONTROLS,
  DOCKERFILE_RULE,
  type DockerfileFinding,
  type DockerfileFix,
  type DockerfileMessageId,
  type DockerfileOptions,
  type DockerfileUser,
  dockerfileMessages,
  dockerfileUser,
} from './dockerfile/analyzeDockerfile.js';
export {
  type AggregateCheckResult,
  type CheckReason,
  checkPod,
  forbiddenDetail,
  formatForbiddenMessage,
  type PodSecurityMode,
} from './engine/checkPod.js';
export {
  checkMessage,
  createEvaluation,
  type EvaluationSession,
  evaluate,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  isAllowed,
  UNUSED_SUPPRESSION,
} from './engine/evaluate.js';
export { type HardenChange, type HardenResult, harden } from './engine/harden.js';
export { applyJsonPatch, JsonPatchError } from './engine/jsonPatch.js';
export { psaPlan } from './engine/plan.js';
export { MAX_ID, resolveEvaluation } from './engine/resolveOptions.js';
export { builtinRuleDescriptors } from './engine/ruleDescriptors.js';
export { MIN_REASON_LENGTH, parseSuppressAnnotation, SUPPRESS_ANNOTATION } from './engine/suppressions.js';
export { imageUsersFromImageConfig } from './image/imageConfig.js';
export { imageUserFor, normalizeImageReference } from './image/imageReference.js';
export { type ImageUser, imageUserIsRoot, parseImageUser } from './image/parseImageUser.js';
export { PodguardInputError } from './model/errors.js';
export type * from './model/k8s.js';
export type { EvaluateOptions, Profile, ProfileName, RuleSetting } from './model/options.js';
export { RULE_DOCS_BASE_URI, type RuleDescriptor, ruleDocsUri } from './model/ruleDescriptor.js';
export type * from './model/types.js';
export { parseVersion } from './model/versions.js';
export type {
  ContainerGroup,
  ContainerRef,
  NamespaceView,
  PodView,
  ResolvedOptions,
  RuleContext,
} from './model/views.js';
export { extractObject, flattenLists, POD_KINDS, resourceOf, visitContainers } from './podspec/extract.js';
export { escapePointerToken, parsePointer, pointer } from './podspec/pointer.js';
export {
  baselineProfile,
  hardenedProfile,
  openshiftProfile,
  profiles,
  restrictedProfile,
} from './profiles/index.js';
export { formatCompact } from './report/compact.js';
export {
  type ControlFramework,
  type ControlGroup,
  type ControlledFinding,
  controlFramework,
  groupByControl,
} from './report/controls.js';
export { formatJson, JSON_REPORT_VERSION } from './report/json.js';
export { formatJunit } from './report/junit.js';
export { artifactLocation, formatSarif, SARIF_SCHEMA_URI } from './report/sarif.js';
export { formatText, TEXT_WIDTH, type TextFormatOptions } from './report/text.js';
export type * from './report/types.js';
export {
  ALLOWED,
  type Allowed,
  type CheckResult,
  type ContainerCheck,
  containersWhere,
  defineNamespaceRule,
  definePodRule,
  type Forbidden,
  type NamespaceRule,
  NO_RESULTS,
  type PodCheck,
  type PodRule,
  type Rule,
  type RuleVersion,
  refusedContainers,
  variantFor,
} from './rulekit/define.js';
export { podguardRules, psaRules, ruleRegistry } from './rules/index.js';
