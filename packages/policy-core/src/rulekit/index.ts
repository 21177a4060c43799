/**
 * `@podguard/policy-core/rulekit`: how a rule is written. Rule authors import from here; users of
 * the engine import from the main entry.
 *
 * @packageDocumentation
 */

export {
  ALLOW_ROOT_GROUP_SCHEMA,
  DEFAULT_GROUP_SCHEMA,
  DEFAULT_USER_SCHEMA,
  DENY_UIDS_SCHEMA,
  GID_RANGE_SCHEMA,
  ID_SCHEMA,
  IMAGE_USERS_SCHEMA,
  type JsonSchema,
  NAMESPACE_LEVEL_SCHEMA,
  NON_ROOT_BASES_SCHEMA,
  REQUIRE_RUN_AS_USER_SCHEMA,
  type RuleOptionName,
  type RuleOptions,
  UID_RANGE_SCHEMA,
} from '../model/optionSchemas.js';
export type {
  ContainerGroup,
  ContainerRef,
  DockerfileView,
  JibBuildFormat,
  JibView,
  NamespaceView,
  PodView,
  ResolvedOptions,
  RuleContext,
} from '../model/views.js';
export { visitContainers } from '../podspec/extract.js';
export { escapePointerToken, pointer } from '../podspec/pointer.js';
export {
  type AdmissionCheck,
  celCheckMessage,
  celMessage,
  celString,
  celStrings,
  describeContainers as celDescribeContainers,
  goQuote as celGoQuote,
  joinNonEmpty as celJoinNonEmpty,
  joinQuote as celJoinQuote,
  pluralize as celPluralize,
  present as celPresent,
  type RuleAdmission,
  SORTED_SET_LIMIT,
  sortedSetVariables as celSortedSetVariables,
  valueOr as celValueOr,
} from './cel.js';
export {
  ALLOWED,
  type Allowed,
  type CheckResult,
  type ContainerCheck,
  containersWhere,
  type DockerfileCheck,
  type DockerfileRule,
  defineDockerfileRule,
  defineJibRule,
  defineNamespaceRule,
  definePodRule,
  type FieldPath,
  type Forbidden,
  type JibCheck,
  type JibRule,
  type MessageIdOf,
  type NamespaceCheck,
  type NamespaceRule,
  NO_CONTAINERS,
  NO_RESULTS,
  type PodCheck,
  type PodRule,
  type Rule,
  type RuleFact,
  type RuleMeta,
  type RuleTarget,
  type RuleVersion,
  refusedContainers,
  variantFor,
} from './define.js';
export { renderMessage } from './messageTemplate.js';
