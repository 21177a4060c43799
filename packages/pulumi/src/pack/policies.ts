/**
 * The podguard policies: one ResourceValidationPolicy per core rule (`podguard-<rule-id>`), one for
 * input the core cannot evaluate, and a StackValidationPolicy tying pods to their Namespaces.
 * Verdicts, fixes and suppressions all come from @podguard/policy-core.
 */
import {
  applyJsonPatch,
  type Severity as CoreSeverity,
  type EvaluateOptions,
  type EvaluationResult,
  evaluate,
  type Finding,
  harden,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  PodguardInputError,
  psaPlan,
  type Rule,
  resolveEvaluation,
  ruleRegistry,
} from '@podguard/policy-core';
import {
  type EnforcementLevel,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type Severity,
  UnknownValueError,
} from '@pulumi/policy';
import { CHECKED_TYPES, type KubernetesType, NAMESPACE_TYPE, POD_RESOURCE_TYPES } from '../resourceTypes.js';
import { copyForRemediation, type ReadProperties, readProperties, type UnknownField } from './properties.js';
import {
  evaluateOptionsFor,
  type PodguardExemption,
  type PodguardSettings,
  settingsSchema,
  suppressionsFor,
} from './settings.js';
import { classifyUnknowns, IMAGE_RULES } from './unknowns.js';

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
 * list only the string form. podguard uses it to report warnings and undecidable values as
 * advisory from a mandatory policy. The end-to-end tests pin the behaviour.
 */
type ReportDiagnostic = (diagnostic: { message: string; enforcementLevel?: EnforcementLevel }) => void;

const SEVERITY: Record<Rule['level'], Severity> = {
  baseline: 'critical',
  restricted: 'high',
  hardened: 'medium',
};

/** Settings of one policy: pack options under the policy's own config (as the engine reconciled it). */
export function settingsOf(
  defaults: PodguardSettings,
  args: { getConfig<T extends object>(): T },
): PodguardSettings {
  return { ...defaults, ...args.getConfig<PodguardSettings>() };
}

/** Every other rule turned off, so harden() and exemptions act for one rule only. */
const onlyRuleCache = new Map<string, EvaluateOptions['rules']>();
function onlyRule(id: string): EvaluateOptions['rules'] {
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
  const key = JSON.stringify(options);
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
  const key = JSON.stringify(options);
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

function describeResource(finding: Finding): string {
  const { kind, namespace, name } = finding.resource;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? '(unnamed)'}`;
}

/** The message of a failing finding: the API server's words, where, and the fix. */
export function violationMessage(finding: Finding): string {
  const lines = [`${describeResource(finding)}: ${finding.message}`, `at ${finding.path || '/'}`];
  if (finding.suppression?.expired) {
    lines.push(`exemption expired on ${finding.suppression.expires}: ${finding.suppression.reason}`);
  }
  if (finding.fix) lines.push(`fix: ${finding.fix.description}`);
  return lines.join('\n');
}

/** Reports a finding: error severity at the policy's level, warnings as advisory. */
function reportFinding(finding: Finding, severity: CoreSeverity, reportViolation: ReportViolation): void {
  if (severity === 'warning') {
    (reportViolation as unknown as ReportDiagnostic)({
      message: violationMessage(finding),
      enforcementLevel: 'advisory',
    });
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

/** The unknowns that can change this rule's verdict. */
function decisiveUnknowns(
  rule: string,
  object: unknown,
  unknowns: readonly UnknownField[],
  exemptions: readonly PodguardExemption[],
): UnknownField[] {
  const byIdentity = exemptions.some(
    (exemption) =>
      (exemption.rule ?? rule) === rule &&
      (exemption.match?.name !== undefined || exemption.match?.namespace !== undefined),
  );
  return classifyUnknowns(object, unknowns)
    .filter(
      ({ relevance }) =>
        relevance === 'all' ||
        (relevance === 'image' && IMAGE_RULES.has(rule)) ||
        (relevance === 'identity' && byIdentity),
    )
    .map(({ unknown }) => unknown);
}

interface Prepared {
  readonly read: ReadResource;
  readonly options: EvaluateOptions;
}

/**
 * Reads the resource and the policy's settings. Returns undefined when the policy does not apply
 * (it has called `args.notApplicable`, which throws, or reported a configuration problem).
 * `reportViolation` is given when validating and absent when remediating (configuration problems
 * then throw, and the properties are read afresh).
 */
function prepare(
  rule: Rule,
  defaults: PodguardSettings,
  args: ResourceValidationArgs,
  reportViolation: ReportViolation | undefined,
): Prepared | undefined {
  const type = CHECKED_TYPES[args.type];
  if (!type || (rule.target === 'namespace') !== (args.type === NAMESPACE_TYPE)) return undefined;
  const settings = settingsOf(defaults, args);
  const exemptions = settings.exemptions ?? [];
  const misplaced = exemptions.find(
    (exemption) => exemption.rule !== undefined && exemption.rule !== rule.id,
  );
  const base = evaluateOptionsFor(settings);
  let runs: boolean;
  try {
    runs = ruleRuns(rule, base);
  } catch (error) {
    if (!(error instanceof PodguardInputError)) throw error;
    if (!reportViolation) throw error;
    reportViolation(`invalid podguard settings for ${policyName(rule.id)}: ${error.message}`);
    return undefined;
  }
  if (misplaced) {
    const message = `exemption for rule ${misplaced.rule} is configured on ${policyName(rule.id)}; move it to ${policyName(misplaced.rule as string)}`;
    if (!reportViolation) throw new PodguardInputError(message, 'exemptions');
    reportViolation(message);
    return undefined;
  }
  if (!runs) {
    args.notApplicable(
      `rule ${rule.id} is not part of profile ${settings.profile ?? 'hardened'} at ${settings.pssVersion ?? 'latest'}`,
    );
  }
  // Remediations see the properties the previous remediation returned: always read those afresh.
  const read = reportViolation
    ? readOnce(args, type)
    : { ...readProperties(args.props, type), evaluations: new Map() };
  const decisive = decisiveUnknowns(rule.id, read.object, read.unknowns, exemptions);
  if (decisive.length > 0) throwUndecidable(decisive);
  const suppressions = suppressionsFor(rule.id, exemptions, { type: args.type, urn: args.urn });
  const options: EvaluateOptions =
    suppressions.length > 0 ? { ...base, suppressions, rules: onlyRule(rule.id) } : base;
  return { read, options };
}

function rulePolicy(rule: Rule, defaults: PodguardSettings): ResourceValidationPolicy {
  return {
    name: policyName(rule.id),
    description: rule.description,
    enforcementLevel: 'mandatory',
    severity: SEVERITY[rule.level],
    tags: ['kubernetes', 'pod-security', rule.level],
    configSchema: settingsSchema(defaults),
    remediationSteps: `Set the fields the violation names; with enforcementLevel "remediate" podguard applies the fix itself.`,
    validateResource: (args, reportViolation) => {
      const prepared = prepare(rule, defaults, args, reportViolation);
      if (!prepared) return;
      const result = evaluateRead(prepared.read, prepared.options);
      for (const finding of result.findings) {
        if (finding.rule !== rule.id || finding.status === 'suppressed') continue;
        reportFinding(finding, finding.status === 'error' ? 'error' : finding.severity, reportViolation);
      }
    },
    remediateResource: (args) => {
      const prepared = prepare(rule, defaults, args, undefined);
      if (!prepared) return undefined;
      const unsafe = settingsOf(defaults, args).unsafeFixes === true;
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

/** Reports objects the core could not evaluate and malformed suppression annotations. */
function inputPolicy(defaults: PodguardSettings): ResourceValidationPolicy {
  return {
    name: INPUT_POLICY,
    description: 'Kubernetes resources must be well-formed for podguard to check them.',
    enforcementLevel: 'mandatory',
    severity: 'high',
    tags: ['kubernetes', 'pod-security'],
    configSchema: settingsSchema(defaults),
    validateResource: (args, reportViolation) => {
      const type = CHECKED_TYPES[args.type];
      if (!type) return;
      let options: EvaluateOptions;
      try {
        options = evaluateOptionsFor(settingsOf(defaults, args));
        resolveEvaluation(options);
      } catch (error) {
        if (!(error instanceof PodguardInputError)) throw error;
        reportViolation(`invalid podguard settings for ${INPUT_POLICY}: ${error.message}`);
        return;
      }
      // Placeholders stand in for unknowns; the rule policies decide whether those matter.
      const read = readOnce(args, type);
      const invalid = evaluateRead(read, options).findings.filter(
        (finding) => finding.rule === INVALID_INPUT || finding.rule === INVALID_SUPPRESSION,
      );
      // A placeholder for an unknown may be what made the object unreadable: decide at update.
      if (invalid.length > 0 && read.unknowns.length > 0) throwUndecidable(read.unknowns);
      for (const finding of invalid) reportViolation(violationMessage(finding));
    },
  };
}

/**
 * All podguard resource policies, in registry order (the capability rules first, see
 * {@link remediationOrder}), then the input policy. `defaults` apply
 * under each policy's own config; exemptions go to the policy of their rule.
 */
export function resourcePolicies(defaults: PodguardSettings): ResourceValidationPolicy[] {
  const { exemptions = [], ...shared } = defaults;
  return [
    ...remediationOrder([...ruleRegistry.values()]).map((rule) =>
      rulePolicy(rule, {
        ...shared,
        exemptions: exemptions.filter((exemption) => exemption.rule === rule.id),
      }),
    ),
    inputPolicy(shared),
  ];
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
