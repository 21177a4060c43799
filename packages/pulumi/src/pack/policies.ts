/**
 * The podguard policies: one ResourceValidationPolicy per core rule (`podguard-<rule-id>`), one for
 * input the core cannot evaluate, and a StackValidationPolicy tying pods to their Namespaces.
 * Verdicts, fixes and suppressions all come from @podguard/policy-core.
 */
import {
  applyJsonPatch,
  type EvaluateOptions,
  type EvaluationResult,
  evaluate,
  type Finding,
  formatFinding,
  harden,
  hasPodTemplates,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  isBlocking,
  PodguardInputError,
  podTemplateTable,
  psaPlan,
  type Rule,
  resolveEvaluation,
  ruleRegistry,
  UNJUDGED_FIELD,
  UNUSED_SUPPRESSION,
} from '@podguard/policy-core';
import {
  type EnforcementLevel,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type Severity,
  UnknownValueError,
} from '@pulumi/policy';
import {
  type KubernetesType,
  kubernetesTypeOf,
  NAMESPACE_TYPE,
  type ParsedKubernetesType,
  POD_RESOURCE_TYPES,
} from '../resourceTypes.js';
import { checkedSettings, kubernetesRules, type SettingsOwner } from './checkSettings.js';
import { copyForRemediation, type ReadProperties, readProperties, type UnknownField } from './properties.js';
import {
  coveringSuppressions,
  evaluateOptionsFor,
  type FailOn,
  type IndexedSuppression,
  type PodguardExemption,
  type PodguardSettings,
  settingsSchema,
} from './settings.js';
import {
  markFindings,
  markUndecided,
  NO_SUPPRESSIONS,
  recordSuppressions,
  recordUnusedAnnotations,
} from './suppressionUse.js';
import { affectsRule, scopeUnknowns } from './unknowns.js';

/** Prefix of every podguard policy name. */
export const POLICY_PREFIX = 'podguard-';

/** The policy that reports objects the core cannot evaluate (wrong types, malformed annotations). */
export const INPUT_POLICY = `${POLICY_PREFIX}${INVALID_INPUT}`;

/** The policy name of a rule. */
export function policyName(ruleId: string): string {
  return `${POLICY_PREFIX}${ruleId}`;
}

/**
 * @pulumi/policy's `reportViolation` also accepts a diagnostic object, whose `enforcementLevel`
 * overrides the policy's for that one violation (server.js, `makeReportViolationFun`); its typings
 * list only the string form. The object carries its own `urn`: a second argument is ignored with
 * it. podguard uses it to report warnings and undecidable values as advisory from a mandatory
 * policy. The end-to-end tests pin the behaviour.
 */
type ReportDiagnostic = (diagnostic: {
  message: string;
  enforcementLevel?: EnforcementLevel;
  urn?: string;
}) => void;

/** Reports a message as advisory, whatever the policy's level; on `urn` when a stack policy gives one. */
export function reportAdvisory(reportViolation: ReportViolation, message: string, urn?: string): void {
  (reportViolation as unknown as ReportDiagnostic)({
    message,
    enforcementLevel: 'advisory',
    ...(urn === undefined ? {} : { urn }),
  });
}

export const SEVERITY: Record<Rule['level'], Severity> = {
  baseline: 'critical',
  restricted: 'high',
  hardened: 'medium',
  // Only Dockerfile rules have this level, and a stack has no Dockerfiles; listed for completeness.
  openshift: 'medium',
};

/**
 * Settings of one policy: pack options under the policy's own config (as the engine reconciled
 * it), checked and with current names. Throws PodguardInputError naming the setting.
 */
export function settingsOf(
  defaults: PodguardSettings,
  args: { getConfig<T extends object>(): T },
  owner: SettingsOwner,
): PodguardSettings {
  return checkedSettings({ ...defaults, ...args.getConfig<PodguardSettings>() }, owner).settings;
}

/** Every other rule turned off, so harden() and exemptions act for one rule only. */
const onlyRuleCache = new Map<string, EvaluateOptions['rules']>();
export function onlyRule(id: string): EvaluateOptions['rules'] {
  let rules = onlyRuleCache.get(id);
  if (!rules) {
    rules = {};
    for (const other of ruleRegistry.keys()) if (other !== id) rules[other] = { enabled: false };
    onlyRuleCache.set(id, rules);
  }
  return rules;
}

/** Rule ids a profile runs at its version, by options; options are few, so this stays small. */
const rulesRunByOptions = new Map<string, ReadonlySet<string>>();

/** Whether the profile (at its version) runs a rule. Invalid options throw PodguardInputError. */
function ruleRuns(rule: Rule, options: EvaluateOptions): boolean {
  const key = keyOf(options);
  let ids = rulesRunByOptions.get(key);
  if (!ids) {
    const resolved = resolveEvaluation(options);
    ids = new Set([
      ...resolved.profile.rules,
      ...psaPlan(resolved.profile.level, resolved.minor).map((planned) => planned.rule.id),
    ]);
    rulesRunByOptions.set(key, ids);
  }
  return ids.has(rule.id);
}

/** A resource read once for all policies, with its evaluations by options. */
interface ReadResource extends ReadProperties {
  readonly evaluations: Map<string, EvaluationResult>;
}

/**
 * The engine calls every policy for every resource, and @pulumi/policy deserialises the properties
 * again for each policy. All policies of one Analyze or Remediate call run in one macrotask (the
 * server only awaits already-settled promises between them), and the engine sends the calls for
 * one resource one after the other, so a read keyed by type and URN and dropped at the end of the
 * macrotask (setImmediate) is the read of this very call.
 */
const reads = new Map<string, ReadResource>();

function readOnce(args: { type: string; urn: string; props: unknown }, type: KubernetesType): ReadResource {
  const key = `${args.type}\n${args.urn}`;
  let read = reads.get(key);
  if (!read) {
    if (reads.size === 0) setImmediate(() => reads.clear());
    read = { ...readProperties(args.props, type), evaluations: new Map() };
    reads.set(key, read);
  }
  return read;
}

/** Evaluates a read resource, once per options. */
function evaluateRead(read: ReadResource, options: EvaluateOptions): EvaluationResult {
  const key = keyOf(options);
  let result = read.evaluations.get(key);
  if (!result) {
    result = evaluate(read.object, options);
    read.evaluations.set(key, result);
  }
  return result;
}

/** Evaluates an object with no resource read behind it (the stack policy), memoised by content. */
const evaluations = new Map<string, EvaluationResult>();
const MAX_CACHED_EVALUATIONS = 256;

export function cachedEvaluate(object: unknown, options: EvaluateOptions): EvaluationResult {
  const key = JSON.stringify([options, object]);
  let result = evaluations.get(key);
  if (!result) {
    result = evaluate(object, options);
    if (evaluations.size >= MAX_CACHED_EVALUATIONS) evaluations.clear();
    evaluations.set(key, result);
  }
  return result;
}

/** The message of a finding: the core's one finding format (resource, message, pointer, suppression, fix). */
export function violationMessage(finding: Finding): string {
  return formatFinding(finding);
}

/** Reports a finding: a blocking one at the policy's level, any other as advisory. */
function reportFinding(finding: Finding, failOn: FailOn, reportViolation: ReportViolation): void {
  if (!isBlocking(finding, failOn)) {
    reportAdvisory(reportViolation, violationMessage(finding));
  } else reportViolation(violationMessage(finding));
}

/** Throws @pulumi/policy's UnknownValueError, which the server reports as advisory "can't run during preview". */
export function throwUndecidable(unknowns: readonly UnknownField[]): never {
  const first = unknowns[0] as UnknownField;
  const error = new UnknownValueError(first.sentinel, [...first.tokens]);
  if (unknowns.length > 1) {
    const paths = unknowns.map((unknown) => `.${unknown.tokens.join('.')}`).join(', ');
    error.message = `${unknowns.length} values can't be known during preview (${paths}); podguard decides at update, when they are known`;
  } else error.message += '; podguard decides at update, when it is known';
  throw error;
}

/** Whether a rule's suppressions match on names, which may be unknown. */
function matchesByIdentity(rule: string, suppressions: readonly PodguardExemption[]): boolean {
  return suppressions.some(
    (suppression) =>
      (suppression.rule ?? rule) === rule &&
      (suppression.match?.name !== undefined || suppression.match?.namespace !== undefined),
  );
}

/** The unknowns that can change this rule's verdict: those in fields the rule reads. */
export function decisiveUnknowns(
  rule: Rule,
  object: unknown,
  unknowns: readonly UnknownField[],
  suppressions: readonly PodguardExemption[],
): UnknownField[] {
  const byIdentity = matchesByIdentity(rule.id, suppressions);
  return scopeUnknowns(object, unknowns)
    .filter(({ scope }) => affectsRule(scope, rule, byIdentity))
    .map(({ unknown }) => unknown);
}

interface Prepared {
  readonly read: ReadResource;
  readonly options: EvaluateOptions;
  readonly failOn: FailOn;
  /** The policy's suppressions that may cover this resource, as the options carry them. */
  readonly covering: readonly IndexedSuppression[];
}

/**
 * `args.notApplicable(reason)`: the SDK throws an Error and catches it to report the policy as not
 * applicable. Its stack, never shown, was most of the cost (about 30 µs a call in the pack, four
 * policies of the default profile on every resource): it is captured with no frames.
 */
function notApplicable(args: ResourceValidationArgs, reason: string): never {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    args.notApplicable(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Reads the resource and the policy's settings. Returns undefined when the policy does not apply
 * (it has called `args.notApplicable`, which throws, or reported a configuration problem).
 * `reportViolation` is given when validating and absent when remediating (configuration problems
 * then throw, and the properties are read afresh). When validating, the policy's suppressions are
 * recorded for the stack's unused-suppression report whatever the resource, so that a suppression
 * of a rule no resource of the stack gives a finding is reported too.
 */
function prepare(
  rule: Rule,
  defaults: PodguardSettings,
  args: ResourceValidationArgs,
  reportViolation: ReportViolation | undefined,
): Prepared | undefined {
  const name = policyName(rule.id);
  const owner: SettingsOwner = { name, rule: rule.id, takesSuppressions: true };
  let settings: PodguardSettings | PodguardInputError;
  try {
    settings = settingsOf(defaults, args, owner);
    if (reportViolation) recordSuppressions(name, rule.id, settings.suppressions ?? NO_SUPPRESSIONS);
  } catch (error) {
    if (!(error instanceof PodguardInputError)) throw error;
    settings = error;
  }
  const type = kubernetesTypeOf(args.type);
  if (!type || (rule.target === 'namespace') !== isNamespaceType(type)) return undefined;
  let base: EvaluateOptions;
  let runs: boolean;
  try {
    if (settings instanceof PodguardInputError) throw settings;
    base = optionsFor(settings, type);
    runs = ruleRuns(rule, base);
  } catch (error) {
    if (!(error instanceof PodguardInputError)) throw error;
    if (!reportViolation) throw error;
    reportViolation(`invalid podguard settings: ${error.message}`);
    return undefined;
  }
  const suppressionList = settings.suppressions ?? [];
  if (!runs) {
    notApplicable(
      args,
      `rule ${rule.id} is not part of profile ${settings.profile ?? 'hardened'} at ${settings.version ?? 'latest'}`,
    );
  }
  // Other kinds (a custom resource podguard does not know) carry no pod spec for this rule.
  if (
    !isNamespaceType(type) &&
    !hasPodTemplates(type.apiVersion, type.kind, podTemplateTable(base.podTemplates))
  )
    return undefined;
  // Remediations see the properties the previous remediation returned: always read those afresh.
  const read = reportViolation
    ? readOnce(args, type)
    : { ...readProperties(args.props, type), evaluations: new Map() };
  const covering = coveringSuppressions(rule.id, suppressionList, { type: args.type, urn: args.urn });
  const decisive = decisiveUnknowns(rule, read.object, read.unknowns, suppressionList);
  if (decisive.length > 0) {
    // Whether the suppressions that may cover it are used is decided at update, with the verdict.
    if (reportViolation) markUndecided(name, covering);
    throwUndecidable(decisive);
  }
  const suppressions = covering.map((entry) => entry.suppression);
  const options: EvaluateOptions =
    suppressions.length > 0 ? { ...base, suppressions, rules: onlyRule(rule.id) } : base;
  return { read, options, failOn: settings.failOn ?? 'error', covering };
}

function isNamespaceType(type: KubernetesType): boolean {
  return type.kind === 'Namespace' && type.apiVersion === 'v1';
}

/**
 * The core options of checked settings for a resource of this type (`partial` for `...Patch`
 * resources). Checked settings are cached by content (checkSettings.ts), so every policy and
 * resource under one config gets the same options object, and {@link keyOf} prints it once.
 */
const optionsBySettings = new WeakMap<
  PodguardSettings,
  { whole?: EvaluateOptions; partial?: EvaluateOptions }
>();
function optionsFor(settings: PodguardSettings, type: ParsedKubernetesType): EvaluateOptions {
  let entry = optionsBySettings.get(settings);
  if (!entry) {
    entry = {};
    optionsBySettings.set(settings, entry);
  }
  entry.whole ??= evaluateOptionsFor(settings);
  if (!type.patch) return entry.whole;
  entry.partial ??= { ...entry.whole, partial: true };
  return entry.partial;
}

/** Options as a cache key (their JSON), printed once per options object. */
const optionKeys = new WeakMap<EvaluateOptions, string>();
function keyOf(options: EvaluateOptions): string {
  let key = optionKeys.get(options);
  if (key === undefined) {
    key = JSON.stringify(options);
    optionKeys.set(options, key);
  }
  return key;
}

function rulePolicy(rule: Rule, defaults: PodguardSettings): ResourceValidationPolicy {
  return {
    name: policyName(rule.id),
    description: rule.description,
    enforcementLevel: 'mandatory',
    severity: SEVERITY[rule.level],
    tags: ['kubernetes', 'pod-security', rule.level],
    configSchema: settingsSchema(defaults, { rule: rule.id }),
    remediationSteps: `Set the fields the violation names; with enforcementLevel "remediate" podguard applies the fix itself.`,
    validateResource: (args, reportViolation) => {
      const prepared = prepare(rule, defaults, args, reportViolation);
      if (!prepared) return;
      const { read, options, covering } = prepared;
      const findings = evaluateRead(read, options).findings.filter((finding) => finding.rule === rule.id);
      // Suppressed findings too, as advisory: the core's text says which suppression covers them.
      for (const finding of findings) reportFinding(finding, prepared.failOn, reportViolation);
      markFindings(policyName(rule.id), covering, findings, (suppressions) =>
        evaluateRead(read, { ...options, suppressions }).findings.filter(
          (finding) => finding.rule === rule.id,
        ),
      );
    },
    remediateResource: (args) => {
      const prepared = prepare(rule, defaults, args, undefined);
      if (!prepared) return undefined;
      const owner: SettingsOwner = { name: policyName(rule.id), rule: rule.id, takesSuppressions: true };
      const unsafe = settingsOf(defaults, args, owner).unsafeFixes === true;
      const { changes } = harden(prepared.read.object, {
        ...prepared.options,
        rules: onlyRule(rule.id),
        unsafe,
      });
      if (changes.length === 0) return undefined;
      // Patch the properties as they came (secrets stay secrets); the fixes touch security fields only.
      let remediated: unknown = copyForRemediation(args.props);
      for (const change of changes) remediated = applyJsonPatch(remediated, change.patch);
      return remediated as Record<string, unknown>;
    },
  };
}

/**
 * Reports objects the core could not evaluate, malformed suppression annotations, and fields it
 * cannot judge before a controller runs them (an Argo podSpecPatch with `{{...}}`: a warning).
 */
function inputPolicy(defaults: PodguardSettings): ResourceValidationPolicy {
  return {
    name: INPUT_POLICY,
    description: 'Kubernetes resources must be well-formed for podguard to check them.',
    enforcementLevel: 'mandatory',
    severity: 'high',
    tags: ['kubernetes', 'pod-security'],
    configSchema: settingsSchema(defaults, { suppressions: false }),
    validateResource: (args, reportViolation) => {
      const type = kubernetesTypeOf(args.type);
      if (!type) return;
      let options: EvaluateOptions;
      let failOn: FailOn;
      try {
        const settings = settingsOf(defaults, args, { name: INPUT_POLICY, takesSuppressions: false });
        options = optionsFor(settings, type);
        failOn = settings.failOn ?? 'error';
      } catch (error) {
        if (!(error instanceof PodguardInputError)) throw error;
        reportViolation(`invalid podguard settings: ${error.message}`);
        return;
      }
      // Placeholders stand in for unknowns; the rule policies decide whether those matter.
      const read = readOnce(args, type);
      const invalid = evaluateRead(read, options).findings.filter(
        (finding) =>
          finding.rule === INVALID_INPUT ||
          finding.rule === INVALID_SUPPRESSION ||
          finding.rule === UNJUDGED_FIELD,
      );
      // A placeholder for an unknown may be what made the object unreadable: decide at update.
      if (invalid.length > 0 && read.unknowns.length > 0) throwUndecidable(read.unknowns);
      for (const finding of invalid) reportFinding(finding, failOn, reportViolation);
      // Its own options carry no suppressions: the only unused ones are the object's annotation entries.
      recordUnusedAnnotations(
        args.urn,
        read.unknowns.length > 0
          ? []
          : evaluateRead(read, options).findings.filter((finding) => finding.rule === UNUSED_SUPPRESSION),
      );
    },
  };
}

/**
 * All podguard resource policies, in registry order (the capability rules first, see
 * {@link remediationOrder}), then the input policy. `defaults` apply
 * under each policy's own config; exemptions go to the policy of their rule.
 */
export function resourcePolicies(defaults: PodguardSettings): ResourceValidationPolicy[] {
  const { suppressions: _all, ...shared } = defaults;
  return [
    ...remediationOrder(kubernetesRules().filter((rule) => !runsOnStack(rule))).map((rule) =>
      rulePolicy(rule, ownSettings(rule, defaults)),
    ),
    inputPolicy(shared),
  ];
}

/** The settings of one rule's policy: the shared ones, with only the exemptions of that rule. */
export function ownSettings(rule: Rule, defaults: PodguardSettings): PodguardSettings {
  const { suppressions = [], ...shared } = defaults;
  const own = suppressions.filter((suppression) => suppression.rule === rule.id);
  return own.length > 0 ? { ...shared, suppressions: own } : shared;
}

/** Whether Pulumi runs the rule as a stack policy: its verdict needs objects other than the pod. */
export function runsOnStack(rule: Rule): boolean {
  return (rule.facts?.length ?? 0) > 0;
}

/**
 * Rules whose fixes make another rule's fix possible run first: the engine passes each policy's
 * remediation to the next, so one pass reaches harden()'s fixed point (removing SYS_ADMIN lets
 * allowPrivilegeEscalation=false in). Otherwise registry order.
 */
const REMEDIATE_FIRST: readonly string[] = ['capabilities_baseline', 'capabilities_restricted'];

function remediationOrder(rules: readonly Rule[]): Rule[] {
  const first = rules.filter((rule) => REMEDIATE_FIRST.includes(rule.id));
  return [...first, ...rules.filter((rule) => !REMEDIATE_FIRST.includes(rule.id))];
}

/** Pulumi types podguard checks (for documentation and tests). */
export const CHECKED_RESOURCE_TYPES: readonly string[] = [...Object.keys(POD_RESOURCE_TYPES), NAMESPACE_TYPE];
