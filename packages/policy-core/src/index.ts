/**
 * @podguard/policy-core: the Pod Security Standards engine, exact to upstream Pod Security
 * Admission, plus podguard's rules for what happens after admission (the kubelet's runAsNonRoot
 * verdict, image USERs, UID/GID policy). Pure TypeScript, no runtime dependencies.
 *
 * @packageDocumentation
 */

export {
  type AdmissionOptions,
  type AdmissionPolicies,
  type AdmissionValidation,
  type AdmissionVariable,
  type NotEnforcedRule,
  toAdmissionPolicies,
  type ValidatingAdmissionPolicy,
  type ValidatingAdmissionPolicyBinding,
} from './admission/toAdmissionPolicies.js';
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
  analyzeGroupZero,
  GROUP_ZERO_CONTROLS,
  GROUP_ZERO_RULE,
  type GroupZeroFinding,
  type GroupZeroFix,
  type GroupZeroMessageId,
  type GroupZeroOptions,
  groupZeroMessages,
} from './dockerfile/analyzeGroupZero.js';
export {
  type AggregateCheckResult,
  type CheckReason,
  checkPod,
  forbiddenDetail,
  formatForbiddenMessage,
  type PodSecurityMode,
} from './engine/checkPod.js';
export {
  optionReaders,
  podguardOptionsSchema,
  rulesAffectedByUnknown,
  rulesReading,
} from './engine/declarations.js';
export {
  checkMessage,
  createEvaluation,
  DEPRECATED_OPTION,
  type DockerfileInput,
  type EvaluationSession,
  evaluate,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  isAllowed,
  isBlocking,
  type JibInput,
  type PieceOptions,
  UNJUDGED_FIELD,
  UNUSED_SUPPRESSION,
} from './engine/evaluate.js';
export { joinFacts, type PartFacts, type WholeFacts } from './engine/facts.js';
export {
  createHardening,
  type HardenChange,
  type HardenedPiece,
  type HardeningSession,
  type HardenOptions,
  type HardenPieceOptions,
  type HardenResult,
  harden,
} from './engine/harden.js';
export { applyJsonPatch, JsonPatchError } from './engine/jsonPatch.js';
export { isPatchDocument } from './engine/partial.js';
export { psaPlan } from './engine/plan.js';
export { didYouMean, MAX_ID, resolveEvaluation, validateOptions } from './engine/resolveOptions.js';
export { builtinRuleDescriptors } from './engine/ruleDescriptors.js';
export {
  globMatches,
  MIN_REASON_LENGTH,
  parseSuppressAnnotation,
  SUPPRESS_ANNOTATION,
} from './engine/suppressions.js';
export {
  analyzeHelmChart,
  HELM_CHART_CONTROLS,
  HELM_CHART_RULE,
  type HelmChartFinding,
  type HelmChartMessageId,
  type HelmChartSources,
  helmChartMessages,
} from './helmchart/analyzeHelmChart.js';
export { imageUsersFromImageConfig } from './image/imageConfig.js';
export { imageUserFor, normalizeImageReference } from './image/imageReference.js';
export { type ImageUser, imageUserIsRoot, parseImageUser } from './image/parseImageUser.js';
export {
  analyzeJib,
  JIB_CONTROLS,
  JIB_DEFAULT_BASE,
  JIB_RULE,
  type JibFinding,
  type JibFix,
  type JibMessageId,
  type JibOptions,
  jibBuildFormat,
  jibMessages,
  mavenParentPath,
} from './jib/analyzeJib.js';
export { PodguardInputError } from './model/errors.js';
export { MAX_INPUT_DEPTH } from './model/inputGuard.js';
export type * from './model/k8s.js';
export type { JsonSchema } from './model/optionSchemas.js';
export type {
  EvaluateOptions,
  FailOn,
  PodTemplateDeclaration,
  Profile,
  ProfileName,
  RuleSetting,
} from './model/options.js';
export { RULE_DOCS_BASE_URI, type RuleDescriptor, ruleDocsUri } from './model/ruleDescriptor.js';
export type * from './model/types.js';
export { parseVersion } from './model/versions.js';
export type { JibBuildFormat, ServiceAccountFact } from './model/views.js';
export { extractObject, flattenLists, POD_KINDS, resourceOf } from './podspec/extract.js';
export {
  BUILTIN_WORKLOAD_KINDS,
  hasPodTemplates,
  isBuiltinWorkload,
  KNOWN_CUSTOM_RESOURCES,
  type KnownCustomResource,
  type PodTemplateKind,
  type PodTemplateTable,
  podTemplateTable,
} from './podspec/kinds.js';
export { escapePointerToken, parsePointer, pointer } from './podspec/pointer.js';
export {
  baselineProfile,
  hardenedProfile,
  hardenedV1Profile,
  openshiftProfile,
  openshiftV1Profile,
  profiles,
  restrictedProfile,
} from './profiles/index.js';
export { compactStream, formatCompact } from './report/compact.js';
export {
  type ControlFramework,
  type ControlGroup,
  type ControlledFinding,
  controlFramework,
  groupByControl,
} from './report/controls.js';
export { type FindingFormatOptions, formatFinding, resourceLabel } from './report/finding.js';
export { formatJson, JSON_REPORT_VERSION, jsonStream, ndjsonStream } from './report/json.js';
export {
  formatJunit,
  type JunitCases,
  type JunitLayout,
  type JunitPart,
  type JunitStream,
  junitStream,
} from './report/junit.js';
export { artifactLocation, formatSarif, SARIF_SCHEMA_URI, sarifStream } from './report/sarif.js';
export {
  joinFindings,
  type ReportTail,
  reportPieces,
  type SeparableFindings,
  type StreamedFormat,
} from './report/streamed.js';
export { streamedFormats } from './report/streamedFormats.js';
export {
  formatText,
  TEXT_WIDTH,
  type TextFormatOptions,
  type TextStream,
  textStream,
} from './report/text.js';
export type * from './report/types.js';
export type { Rule, RuleFact, RuleTarget } from './rulekit/define.js';
export { podguardRules, psaRules, ruleRegistry } from './rules/index.js';
