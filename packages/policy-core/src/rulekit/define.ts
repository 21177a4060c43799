/**
 * How a rule is written. A rule is data (id, level, description, controls, messages) plus pure
 * checks registered with the first policy version they apply to, the way upstream Pod Security
 * Admission registers its checks. Rules know nothing of YAML, files, cdk8s or Pulumi.
 */
import type { FindingLocation, Fix, FixKind, RuleLevel, Severity } from '../model/types.js';
import { parseVersion } from '../model/versions.js';
import type { ContainerRef, NamespaceView, PodView, RuleContext } from '../model/views.js';

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

/** One registered variant of a pod check. */
export interface RuleVersion {
  /** First policy version the variant applies to, e.g. `v1.25`. */
  readonly since: string;
  readonly check: PodCheck;
  /** Baseline rule ids this (restricted) variant replaces, as upstream's `OverrideCheckIDs`. */
  readonly overrides?: readonly string[];
}

/**
 * The kinds of fix a rule's findings carry: `safe` or `unsafe` only, `mixed` (safe for what is
 * missing, unsafe for what the author wrote), or `none`. docs/fixes.md lists every rule's.
 */
export type RuleFixKind = FixKind | 'mixed' | 'none';

interface RuleMeta {
  readonly id: string;
  readonly level: RuleLevel;
  readonly severity: Severity;
  /** One sentence: what the rule requires. */
  readonly description: string;
  /** Compliance mappings: PSS control, CIS, NSA/CISA, ISO 27001. */
  readonly controls: readonly string[];
  /** Message templates by message id, documented on the rule's docs page. */
  readonly messages?: Readonly<Record<string, string>>;
  /** The kinds of fix the rule's findings carry; a test checks every fix against it. */
  readonly fix: RuleFixKind;
}

export interface PodRule extends RuleMeta {
  readonly target: 'pod';
  /** Variants in strictly increasing `since` order. */
  readonly versions: readonly RuleVersion[];
}

export interface NamespaceRule extends RuleMeta {
  readonly target: 'namespace';
  readonly check: NamespaceCheck;
}

export type Rule = PodRule | NamespaceRule;

/** Declares a pod rule. Validates the version list once, at module load. */
export function definePodRule(rule: Omit<PodRule, 'target'>): PodRule {
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
export function defineNamespaceRule(rule: Omit<NamespaceRule, 'target'>): NamespaceRule {
  return { ...rule, target: 'namespace' };
}

/** The variant of a rule that applies at a policy version, or undefined before its first version. */
export function variantFor(rule: PodRule, minor: number): RuleVersion | undefined {
  let chosen: RuleVersion | undefined;
  for (const variant of rule.versions) {
    if (parseVersion(variant.since) <= minor) chosen = variant;
  }
  return chosen;
}
