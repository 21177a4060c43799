/**
 * How a rule is written. A rule is data (id, level, description, controls, messages) plus pure
 * checks registered with the first policy version they apply to, the way upstream Pod Security
 * Admission registers its checks. Rules know nothing of YAML, files, cdk8s or Pulumi.
 */
import type { RuleOptions } from '../model/optionSchemas.js';
import type { FindingLocation, Fix, FixKind, RuleLevel, Severity } from '../model/types.js';
import { parseVersion } from '../model/versions.js';
import type {
  ContainerRef,
  DockerfileView,
  JibView,
  NamespaceView,
  PodView,
  RuleContext,
} from '../model/views.js';
import type { RuleAdmission } from './cel.js';

/** The check allowed the object. */
export interface Allowed {
  readonly allowed: true;
}

/** The check forbade the object: upstream's `forbiddenReason` / `forbiddenDetail`, plus where and how to fix. */
export interface Forbidden {
  readonly allowed: false;
  readonly reason: string;
  readonly detail: string;
  /** Offending places; at least one. */
  readonly locations: readonly FindingLocation[];
  /** Message id from the rule's `messages`, when the rule has several. */
  readonly messageId?: string;
  /**
   * The finding's text when it is not `reason (detail)`: the kubelet's own message, a
   * Dockerfile finding's sentence.
   */
  readonly message?: string;
  /** Overrides the rule's severity for this result (e.g. an advisory warning). */
  readonly severity?: Severity;
  /** The mechanical fix, when there is one. */
  readonly fix?: Fix;
  /** Why some offending places get no fix, or only an unsafe one (see `Finding.unfixable`). */
  readonly unfixable?: string;
}

export type CheckResult = Allowed | Forbidden;

/**
 * The one "allowed" result. Checks run on every pod and nearly every pod passes nearly every
 * check, so a passing check returns this (or {@link NO_RESULTS}) and allocates nothing.
 */
export const ALLOWED: Allowed = Object.freeze({ allowed: true });

/** The empty result list of a check that returns one result per problem. */
export const NO_RESULTS: readonly CheckResult[] = Object.freeze([]);

/** A shared empty container list. */
export const NO_CONTAINERS: readonly ContainerRef[] = Object.freeze([]);

/**
 * The pod's containers (init, regular, ephemeral) that `test` holds for, in visit order. When
 * none does, the result is a shared empty array: the passing case allocates nothing. Pass a
 * module-level function, so no closure is made per pod either.
 */
export function containersWhere(pod: PodView, test: (ref: ContainerRef) => boolean): readonly ContainerRef[] {
  let out: ContainerRef[] | undefined;
  const { containers } = pod;
  // An index loop: this runs for most rules on every pod, and allocates no iterator.
  for (let index = 0; index < containers.length; index++) {
    const ref = containers[index] as ContainerRef;
    if (test(ref)) {
      out ??= [];
      out.push(ref);
    }
  }
  return out ?? NO_CONTAINERS;
}

/** A check of one container, for rules that give one result per container. */
export type ContainerCheck = (pod: PodView, ref: ContainerRef, context: RuleContext) => CheckResult;

/**
 * The failing results of `check` over the pod's containers, one per container it refuses, in
 * visit order; {@link NO_RESULTS} (nothing allocated) when it refuses none.
 */
export function refusedContainers(
  pod: PodView,
  context: RuleContext,
  check: ContainerCheck,
): readonly CheckResult[] {
  let results: CheckResult[] | undefined;
  for (const ref of pod.containers) {
    const result = check(pod, ref, context);
    if (!result.allowed) {
      results ??= [];
      results.push(result);
    }
  }
  return results ?? NO_RESULTS;
}

/** A pure check over one pod spec. May return several results (e.g. one per container). */
export type PodCheck = (pod: PodView, context: RuleContext) => CheckResult | readonly CheckResult[];

/** A pure check over one Namespace object. */
export type NamespaceCheck = (namespace: NamespaceView, context: RuleContext) => CheckResult;

/** A pure check over one Dockerfile; locations carry line and column. */
export type DockerfileCheck = (dockerfile: DockerfileView, context: RuleContext) => readonly CheckResult[];

/** A pure check over one Maven or Gradle build file that configures Jib; locations carry line and column. */
export type JibCheck = (build: JibView, context: RuleContext) => readonly CheckResult[];

/** One registered variant of a pod check. */
export interface RuleVersion {
  /** First policy version the variant applies to, e.g. `v1.25`. */
  readonly since: string;
  readonly check: PodCheck;
  /** Baseline rule ids this (restricted) variant replaces, as upstream's `OverrideCheckIDs`. */
  readonly overrides?: readonly string[];
}

/**
 * A field a rule reads, relative to the pod: `hostNetwork`, `securityContext.runAsUser`,
 * `containers[].securityContext.runAsUser` (`containers[]` is every container: init, regular and
 * ephemeral), `volumes[].hostPath`, `metadata.annotations`. A namespace rule reads
 * `metadata.labels` of the Namespace; a Dockerfile rule names instructions (`FROM`, `USER`...); a
 * Jib rule names Jib parameters (`container.user`, `from.image`).
 * The engine runs a rule on an object with a wrongly typed field only when the rule does not
 * read it, and an unknown value (a Pulumi preview) affects exactly the rules that read it.
 */
export type FieldPath = string;

/** A cross-object fact a rule's verdict can depend on. */
export type RuleFact = 'serviceAccounts';

/** The kinds of object a rule checks. */
export type RuleTarget = 'pod' | 'namespace' | 'dockerfile' | 'jib';

/**
 * The kinds of fix a rule's findings carry: `safe` or `unsafe` only, `mixed` (safe for what is
 * missing, unsafe for what the author wrote), or `none`. docs/fixes.md lists every rule's.
 */
export type RuleFixKind = FixKind | 'mixed' | 'none';

/** What every rule declares about itself; the options schema, docs and plans derive from it. */
export interface RuleMeta<MessageId extends string = string> {
  readonly id: string;
  readonly level: RuleLevel;
  readonly severity: Severity;
  /** The podguard version the rule appeared in, e.g. `0.1.0` (pins versioned profiles). */
  readonly since: string;
  /** One sentence: what the rule requires. */
  readonly description: string;
  /** Compliance mappings: PSS control, CIS, NSA/CISA, ISO 27001. */
  readonly controls: readonly string[];
  /** The fields the rule reads (see {@link FieldPath}). */
  readonly reads: readonly FieldPath[];
  /** The options the rule reads, each with its JSON Schema fragment. */
  readonly options?: RuleOptions;
  /**
   * The cross-object facts of the same input that can change the rule's verdict (docs/fixes.md,
   * cross-object facts): `serviceAccounts`, the ServiceAccounts the input holds. A front end that
   * sees one object at a time (a Pulumi resource policy) cannot know them: it runs such a rule
   * where it sees the whole input (a stack policy).
   */
  readonly facts?: readonly RuleFact[];
  /**
   * Message templates by message id, documented on the rule's docs page. Every finding carries one
   * of these ids; a check that returns no `messageId` gets the first.
   */
  readonly messages: Readonly<Record<MessageId, string>>;
  /** The kinds of fix the rule's findings carry; a test checks every fix against it. */
  readonly fix: RuleFixKind;
  /**
   * How the rule is enforced at admission (ValidatingAdmissionPolicy): its latest variant in CEL,
   * or why it cannot be. docs/admission.md and the generated policy's annotations list the latter.
   */
  readonly admission: RuleAdmission;
}

export interface PodRule<MessageId extends string = string> extends RuleMeta<MessageId> {
  readonly target: 'pod';
  /** Variants in strictly increasing `since` order. */
  readonly versions: readonly RuleVersion[];
}

export interface NamespaceRule<MessageId extends string = string> extends RuleMeta<MessageId> {
  readonly target: 'namespace';
  readonly check: NamespaceCheck;
}

export interface DockerfileRule<MessageId extends string = string> extends RuleMeta<MessageId> {
  readonly target: 'dockerfile';
  readonly check: DockerfileCheck;
}

export interface JibRule<MessageId extends string = string> extends RuleMeta<MessageId> {
  readonly target: 'jib';
  readonly check: JibCheck;
}

export type Rule = PodRule | NamespaceRule | DockerfileRule | JibRule;

/** The message ids a rule declares: `MessageIdOf<typeof runAsUserRange>`. */
export type MessageIdOf<R> = R extends RuleMeta<infer MessageId> ? MessageId : never;

const SEMVER = /^\d+\.\d+\.\d+$/;
const POD_FIELD =
  /^(metadata\.(annotations|labels)|(containers\[\]|volumes\[\])(\.[A-Za-z]+)*|[A-Za-z]+(\.[A-Za-z]+)*)$/;
const INSTRUCTION = /^[A-Z]+$/;
const JIB_PARAMETER = /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)*$/;

function checkMeta(rule: Omit<RuleMeta, 'messages'> & { messages: object }, target: RuleTarget): void {
  if (!SEMVER.test(rule.since))
    throw new Error(`rule ${rule.id}: since must be a podguard version such as 0.1.0`);
  if (Object.keys(rule.messages).length === 0)
    throw new Error(`rule ${rule.id}: declare at least one message`);
  // Every finding of the rule shares the list (the engine copies it for none).
  Object.freeze(rule.controls);
  const pattern = target === 'dockerfile' ? INSTRUCTION : target === 'jib' ? JIB_PARAMETER : POD_FIELD;
  for (const field of rule.reads) {
    if (!pattern.test(field)) throw new Error(`rule ${rule.id}: cannot read ${JSON.stringify(field)}`);
  }
}

/** Declares a pod rule. Validates the declaration and the version list once, at module load. */
export function definePodRule<MessageId extends string>(
  rule: Omit<PodRule<MessageId>, 'target'>,
): PodRule<MessageId> {
  checkMeta(rule, 'pod');
  let previous = -1;
  for (const variant of rule.versions) {
    const minor = parseVersion(variant.since);
    if (minor <= previous || minor === Number.POSITIVE_INFINITY) {
      throw new Error(`rule ${rule.id}: versions must be strictly increasing and not "latest"`);
    }
    previous = minor;
  }
  return { ...rule, target: 'pod' };
}

/** Declares a namespace rule. */
export function defineNamespaceRule<MessageId extends string>(
  rule: Omit<NamespaceRule<MessageId>, 'target'>,
): NamespaceRule<MessageId> {
  checkMeta(rule, 'namespace');
  return { ...rule, target: 'namespace' };
}

/** Declares a Dockerfile rule: `reads` names instructions; locations carry line and column. */
export function defineDockerfileRule<MessageId extends string>(
  rule: Omit<DockerfileRule<MessageId>, 'target'>,
): DockerfileRule<MessageId> {
  checkMeta(rule, 'dockerfile');
  return { ...rule, target: 'dockerfile' };
}

/** Declares a Jib rule: `reads` names Jib parameters; locations carry line and column. */
export function defineJibRule<MessageId extends string>(
  rule: Omit<JibRule<MessageId>, 'target'>,
): JibRule<MessageId> {
  checkMeta(rule, 'jib');
  return { ...rule, target: 'jib' };
}

/** The variant of a rule that applies at a policy version, or undefined before its first version. */
export function variantFor(rule: PodRule, minor: number): RuleVersion | undefined {
  let chosen: RuleVersion | undefined;
  for (const variant of rule.versions) {
    if (parseVersion(variant.since) <= minor) chosen = variant;
  }
  return chosen;
}
