/**
 * evaluate(): the one entry point every adapter calls. It finds the pod spec of every object,
 * runs the profile's rules at the chosen version, turns results into findings, and applies
 * suppressions. It never throws on a violation; only invalid options throw.
 */

import { INVALID_INPUT, INVALID_SUPPRESSION, UNUSED_SUPPRESSION } from '../model/diagnostics.js';
import { PodguardInputError } from '../model/errors.js';
import type { ObjectMeta } from '../model/k8s.js';
import type { EvaluateOptions, RuleSetting } from '../model/options.js';
import type {
  EvaluatedObject,
  EvaluationResult,
  Finding,
  JsonPointer,
  PssLevel,
  ResourceRef,
  Suppression,
} from '../model/types.js';
import type { RuleContext } from '../model/views.js';
import { extractObject, flattenLists, isList, isRecord } from '../podspec/extract.js';
import { pointer } from '../podspec/pointer.js';
import { validatePodSpec } from '../podspec/validate.js';
import type { CheckResult, Forbidden, NamespaceCheck, PodCheck, Rule } from '../rulekit/define.js';
import { checkPod } from './checkPod.js';
import { InputFactsCollector } from './facts.js';
import { fixObject } from './fixObject.js';
import { type Plan, planFor } from './plan.js';
import { type ResolvedEvaluation, resolveEvaluation } from './resolveOptions.js';
import {
  type ActiveSuppression,
  activate,
  matches,
  parseSuppressAnnotation,
  SUPPRESS_ANNOTATION,
  suppressionProblem,
} from './suppressions.js';

/** A rule of the plan that is enabled, with its check and its setting, resolved once. */
interface ActiveRule<Check> {
  readonly rule: Rule;
  readonly check: Check;
  readonly setting: RuleSetting | undefined;
}

/** What evaluateObject needs, resolved once per evaluation (not once per object). */
interface Evaluation extends ResolvedEvaluation {
  readonly context: RuleContext;
  readonly podRules: readonly ActiveRule<PodCheck>[];
  readonly namespaceRules: readonly ActiveRule<NamespaceCheck>[];
  readonly podRuleIds: readonly string[];
  readonly namespaceRuleIds: readonly string[];
}

const NO_RESOURCE: ResourceRef = { apiVersion: '', kind: '' };
const NO_SUPPRESSIONS: readonly ActiveSuppression[] = Object.freeze([]);

/**
 * Evaluates Kubernetes objects (one, or an array) against a profile.
 *
 * @param input A Pod, any workload kind (PodTemplate, ReplicationController, ReplicaSet,
 *   Deployment, StatefulSet, DaemonSet, Job, CronJob), a Namespace, a `List`, or an array of them.
 *   Other kinds are reported as `not-applicable`.
 * @param options Profile (default `hardened`) or `level`, `version` (default `latest`), UID/GID
 *   policy, image users, suppressions. Invalid options throw {@link PodguardInputError}.
 * @returns Findings (failures, errors and suppressed failures) and what was done with each object.
 *   `allowed` is false when any error-severity failure or any input error remains.
 */
export function evaluate(input: unknown, options?: EvaluateOptions): EvaluationResult {
  const session = createEvaluation(options);
  session.learn(input);
  const result = session.evaluate(input);
  const findings = [...session.settings, ...result.findings, ...session.finish()];
  return { allowed: isAllowed(findings), findings, objects: result.objects };
}

/**
 * An evaluation over input that arrives in pieces (files, documents of a stream), with options
 * resolved once and suppressions from the options tracked across all pieces.
 */
export interface EvaluationSession {
  /** Findings about the options themselves (malformed suppressions), reported once. */
  readonly settings: readonly Finding[];
  /**
   * Records the cross-object facts of one piece (ServiceAccounts, the pods of each namespace)
   * without evaluating it. Call it for every piece before evaluating any, so that a
   * ServiceAccount that comes after its pods still counts; {@link evaluate} learns each piece
   * itself too, so pieces not learned beforehand count from then on.
   */
  learn(input: unknown): void;
  /**
   * Evaluates one piece (an object, or an array of them). `objectIndex` counts from `firstIndex`
   * (default 0): pass the running count to number objects across pieces.
   */
  evaluate(input: unknown, firstIndex?: number): EvaluationResult;
  /** Suppressions from the options that matched nothing in any piece. Call once, at the end. */
  finish(): Finding[];
}

/**
 * Starts an evaluation whose input arrives in pieces: what {@link evaluate} does for one input,
 * for a stream of them (the CLI evaluates a 50 MB dump one document at a time).
 * @throws PodguardInputError for invalid options.
 */
export function createEvaluation(options?: EvaluateOptions): EvaluationSession {
  return sessionOf(resolveEvaluation(options));
}

/** A session over resolved options (harden resolves them once for all its sessions). */
export function sessionOf(resolved: ResolvedEvaluation, learnOnEvaluate = true): EvaluationSession {
  const facts = new InputFactsCollector((objects) => strictestPassedLevel(objects, evaluation));
  const evaluation: Evaluation = {
    ...resolved,
    context: { options: resolved.options, version: resolved.minor, facts },
    ...activeRules(planFor(resolved.profile, resolved.minor), resolved.ruleSettings),
  };
  const settings: Finding[] = [];
  const optionSuppressions = collectOptionSuppressions(evaluation.suppressions, settings);
  return {
    settings,
    learn(input: unknown): void {
      facts.learn(input);
    },
    evaluate(input: unknown, firstIndex = 0): EvaluationResult {
      if (learnOnEvaluate) facts.learn(input);
      const findings: Finding[] = [];
      const objects: EvaluatedObject[] = [];
      const out = { evaluation, optionSuppressions, findings, objects };
      if (!Array.isArray(input)) evaluateInput(input, firstIndex, out);
      else
        for (let index = 0; index < input.length; index++)
          evaluateInput(input[index], firstIndex + index, out);
      return { allowed: isAllowed(findings), findings, objects };
    },
    finish(): Finding[] {
      const unused: Finding[] = [];
      reportUnused(optionSuppressions, NO_RESOURCE, -1, '', 'suppressions of the evaluation options', unused);
      return unused;
    },
  };
}

const LEVELS_STRICTEST_FIRST: readonly PssLevel[] = ['restricted', 'baseline'];

/**
 * The strictest Pod Security level every pod in `objects` passes once the session's safe fixes are
 * applied to it (`restricted` when there is none): the level a namespace label fix may add without
 * getting a pod of the input rejected.
 */
function strictestPassedLevel(objects: readonly unknown[], evaluation: Evaluation): PssLevel {
  let strictest = 0;
  for (const object of objects) {
    const { object: fixed } = fixObject(
      object,
      (candidate) => {
        const out: EvaluationTarget = { evaluation, optionSuppressions: [], findings: [], objects: [] };
        evaluateInput(candidate, 0, out);
        return out.findings;
      },
      false,
      () => 'a pod of the namespace',
    );
    while (strictest < LEVELS_STRICTEST_FIRST.length) {
      const level = LEVELS_STRICTEST_FIRST[strictest] as PssLevel;
      if (passes(fixed, level, evaluation.version)) break;
      strictest++;
    }
    if (strictest === LEVELS_STRICTEST_FIRST.length) return 'privileged';
  }
  return LEVELS_STRICTEST_FIRST[strictest] as PssLevel;
}

function passes(object: unknown, level: PssLevel, version: string): boolean {
  try {
    return checkPod(object, level, version).allowed;
  } catch (error) {
    // An invalid pod gets its own error finding; no label level is known to admit it.
    if (error instanceof PodguardInputError) return false;
    throw error;
  }
}

type ActiveRules = Pick<Evaluation, 'podRules' | 'namespaceRules' | 'podRuleIds' | 'namespaceRuleIds'>;

/** The active rules of a plan without rule settings, the common case: built once per plan. */
const defaultActiveRules = new WeakMap<Plan, ActiveRules>();

/** The plan's rules minus those the settings disable, each with its setting. */
function activeRules(plan: Plan, settings: Readonly<Record<string, RuleSetting>>): ActiveRules {
  const plain = Object.keys(settings).length === 0;
  const cached = plain ? defaultActiveRules.get(plan) : undefined;
  if (cached) return cached;
  const active = <Check>(rule: Rule, check: Check): ActiveRule<Check>[] => {
    const setting = settings[rule.id];
    return setting?.enabled === false ? [] : [{ rule, check, setting }];
  };
  const podRules = plan.podRules.flatMap(({ rule, check }) => active(rule, check));
  const namespaceRules = plan.namespaceRules.flatMap((rule) => active(rule, rule.check));
  const rules: ActiveRules = {
    podRules,
    namespaceRules,
    podRuleIds: podRules.map((entry) => entry.rule.id),
    namespaceRuleIds: namespaceRules.map((entry) => entry.rule.id),
  };
  if (plain) defaultActiveRules.set(plan, rules);
  return rules;
}

/** Where {@link evaluateInput} reads its settings and writes its results. */
interface EvaluationTarget {
  readonly evaluation: Evaluation;
  readonly optionSuppressions: ActiveSuppression[];
  readonly findings: Finding[];
  readonly objects: EvaluatedObject[];
}

/** One input object: a List's items one by one, anything else as it is. */
function evaluateInput(object: unknown, objectIndex: number, target: EvaluationTarget): void {
  const { evaluation, optionSuppressions, findings, objects } = target;
  if (!isList(object)) {
    evaluateObject(object, '', objectIndex, evaluation, optionSuppressions, findings, objects);
    return;
  }
  for (const item of flattenLists(object, '')) {
    evaluateObject(item.object, item.base, objectIndex, evaluation, optionSuppressions, findings, objects);
  }
}

/** True when no failure of severity error and no input error is left. */
export function isAllowed(findings: readonly Finding[]): boolean {
  return !findings.some((f) => f.status === 'error' || (f.status === 'fail' && f.severity === 'error'));
}

function collectOptionSuppressions(
  suppressions: readonly Suppression[],
  findings: Finding[],
): ActiveSuppression[] {
  return activateValid(
    suppressions,
    'options',
    (problem, index) =>
      errorFinding(
        INVALID_SUPPRESSION,
        NO_RESOURCE,
        -1,
        `/suppressions/${index}`,
        `${problem} (suppressions[${index}])`,
      ),
    findings,
  );
}

/**
 * Activates each well-formed suppression; a malformed one becomes the `invalid` error finding
 * instead. Only option suppressions may carry `match`: an annotation is on its object already.
 */
function activateValid(
  suppressions: readonly unknown[],
  source: ActiveSuppression['source'],
  invalid: (problem: string, index: number) => Finding,
  out: Finding[],
): ActiveSuppression[] {
  const active: ActiveSuppression[] = [];
  suppressions.forEach((suppression, index) => {
    const problem = suppressionProblem(suppression, source === 'options');
    if (problem) out.push(invalid(problem, index));
    else active.push(activate(suppression as Suppression, source));
  });
  return active;
}

/** An `unusedSuppression` warning, at `path`, for each suppression that matched no finding. */
function reportUnused(
  suppressions: readonly ActiveSuppression[],
  resource: ResourceRef,
  objectIndex: number,
  path: JsonPointer,
  where: string,
  out: Finding[],
): void {
  for (const active of suppressions) {
    if (!active.used) {
      out.push(unusedFinding(active.suppression, resource, objectIndex, path, active.source, where));
    }
  }
}

function evaluateObject(
  object: unknown,
  base: JsonPointer,
  objectIndex: number,
  evaluation: Evaluation,
  optionSuppressions: ActiveSuppression[],
  findings: Finding[],
  objects: EvaluatedObject[],
): void {
  const extracted = extractObject(object, base);
  const { context } = evaluation;
  const own: Finding[] = [];

  if (extracted.kind === 'not-applicable') {
    objects.push({
      objectIndex,
      resource: extracted.resource,
      kind: 'not-applicable',
      path: base,
      rules: [],
    });
    return;
  }
  if (extracted.kind === 'invalid') {
    objects.push({ objectIndex, resource: extracted.resource, kind: 'invalid', path: base, rules: [] });
    findings.push(
      errorFinding(INVALID_INPUT, extracted.resource, objectIndex, extracted.path, extracted.message),
    );
    return;
  }
  const resource = extracted.view.resource;
  if (extracted.kind === 'namespace') {
    objects.push({
      objectIndex,
      resource,
      kind: 'namespace',
      path: base,
      rules: evaluation.namespaceRuleIds,
    });
    for (const { rule, check, setting } of evaluation.namespaceRules) {
      runRule(rule, setting, resource, objectIndex, base, own, check, extracted.view, context);
    }
  } else {
    const view = extracted.view;
    objects.push({
      objectIndex,
      resource,
      kind: 'pod',
      podSpecPath: view.specPath,
      path: base,
      rules: evaluation.podRuleIds,
    });
    const problems = validatePodSpec(view.spec, view.specPath, view.metadata, view.metadataPath);
    if (problems.length > 0) {
      for (const problem of problems) {
        own.push(errorFinding(INVALID_INPUT, resource, objectIndex, problem.path, problem.message));
      }
    } else {
      // Index loops: this is the innermost loop of every evaluation, and allocates no iterator.
      const rules = evaluation.podRules;
      for (let index = 0; index < rules.length; index++) {
        const { rule, check, setting } = rules[index] as ActiveRule<PodCheck>;
        runRule(rule, setting, resource, objectIndex, view.specPath, own, check, view, context);
      }
    }
  }
  applySuppressions(object, base, resource, objectIndex, own, optionSuppressions, evaluation.options.now);
  findings.push(...own);
}

function runRule<View>(
  rule: Rule,
  setting: RuleSetting | undefined,
  resource: ResourceRef,
  objectIndex: number,
  fallbackPath: JsonPointer,
  out: Finding[],
  check: (view: View, context: RuleContext) => CheckResult | readonly CheckResult[],
  view: View,
  context: RuleContext,
): void {
  let results: CheckResult | readonly CheckResult[];
  try {
    results = check(view, context);
  } catch (error) {
    // A rule bug must never read as a pass.
    const message = error instanceof Error ? error.message : String(error);
    out.push(
      errorFinding(rule.id, resource, objectIndex, fallbackPath, `rule ${rule.id} failed: ${message}`),
    );
    return;
  }
  if (!Array.isArray(results)) {
    const result = results as CheckResult;
    if (!result.allowed) out.push(failFinding(rule, setting, resource, objectIndex, fallbackPath, result));
    return;
  }
  for (const result of results as readonly CheckResult[]) {
    if (!result.allowed) out.push(failFinding(rule, setting, resource, objectIndex, fallbackPath, result));
  }
}

/** `reason (detail)`, as the API server prints one check. */
export function checkMessage(reason: string, detail: string): string {
  return detail ? `${reason} (${detail})` : reason;
}

function failFinding(
  rule: Rule,
  setting: RuleSetting | undefined,
  resource: ResourceRef,
  objectIndex: number,
  fallbackPath: JsonPointer,
  result: Forbidden,
): Finding {
  const first = result.locations[0];
  const finding: Finding = {
    rule: rule.id,
    status: 'fail',
    level: rule.level,
    severity: setting?.severity ?? result.severity ?? rule.severity,
    resource,
    objectIndex,
    path: first?.path ?? fallbackPath,
    locations: result.locations.length > 0 ? [...result.locations] : [{ path: fallbackPath }],
    reason: result.reason,
    detail: result.detail,
    message: checkMessage(result.reason, result.detail),
    controls: [...rule.controls],
  };
  if (first?.container !== undefined) finding.container = first.container;
  if (result.messageId !== undefined) finding.messageId = result.messageId;
  if (result.fix !== undefined) finding.fix = result.fix;
  if (result.unfixable !== undefined) finding.unfixable = result.unfixable;
  return finding;
}

function errorFinding(
  rule: string,
  resource: ResourceRef,
  objectIndex: number,
  path: JsonPointer,
  message: string,
): Finding {
  return {
    rule,
    status: 'error',
    level: 'baseline',
    severity: 'error',
    resource,
    objectIndex,
    path,
    locations: [{ path }],
    reason:
      rule === INVALID_INPUT
        ? 'invalid input'
        : rule === INVALID_SUPPRESSION
          ? 'invalid suppression'
          : 'rule error',
    detail: message,
    message,
    controls: [],
  };
}

function unusedFinding(
  suppression: Suppression,
  resource: ResourceRef,
  objectIndex: number,
  path: JsonPointer,
  source: string,
  where: string,
): Finding {
  const detail = `suppression of ${suppression.rule} in ${where} matched no finding; remove it`;
  return {
    rule: UNUSED_SUPPRESSION,
    status: 'fail',
    level: 'hardened',
    severity: 'warning',
    resource,
    objectIndex,
    path,
    locations: [{ path }],
    reason: `unused suppression (${source})`,
    detail,
    message: checkMessage(`unused suppression (${source})`, detail),
    controls: [],
  };
}

function annotationSuppressions(
  object: unknown,
  base: JsonPointer,
  resource: ResourceRef,
  objectIndex: number,
  out: Finding[],
): readonly ActiveSuppression[] {
  const metadata =
    isRecord(object) && isRecord(object.metadata) ? (object.metadata as ObjectMeta) : undefined;
  const text = metadata?.annotations?.[SUPPRESS_ANNOTATION];
  if (text === undefined) return NO_SUPPRESSIONS;
  const path = pointer(base, 'metadata', 'annotations', SUPPRESS_ANNOTATION);
  if (typeof text !== 'string') {
    out.push(
      errorFinding(
        INVALID_SUPPRESSION,
        resource,
        objectIndex,
        path,
        `annotation ${SUPPRESS_ANNOTATION} must be a string`,
      ),
    );
    return [];
  }
  const parsed = parseSuppressAnnotation(text);
  if ('error' in parsed) {
    out.push(errorFinding(INVALID_SUPPRESSION, resource, objectIndex, path, parsed.error));
    return [];
  }
  return activateValid(
    parsed.suppressions,
    'annotation',
    (problem, index) =>
      errorFinding(
        INVALID_SUPPRESSION,
        resource,
        objectIndex,
        path,
        `${problem} (annotation ${SUPPRESS_ANNOTATION}, entry ${index})`,
      ),
    out,
  );
}

function applySuppressions(
  object: unknown,
  base: JsonPointer,
  resource: ResourceRef,
  objectIndex: number,
  own: Finding[],
  optionSuppressions: ActiveSuppression[],
  now: Date,
): void {
  const fromAnnotation = annotationSuppressions(object, base, resource, objectIndex, own);
  if (fromAnnotation.length === 0 && optionSuppressions.length === 0) return;
  for (const finding of own) {
    if (finding.status !== 'fail') continue;
    const active =
      fromAnnotation.find((candidate) => candidate.suppression.rule === finding.rule) ??
      optionSuppressions.find((candidate) => matches(candidate.suppression, resource, finding));
    if (!active) continue;
    active.used = true;
    const expired = active.expiresAt !== undefined && now.getTime() > active.expiresAt;
    finding.suppression = { reason: active.suppression.reason, source: active.source };
    if (active.suppression.expires !== undefined) finding.suppression.expires = active.suppression.expires;
    if (expired) finding.suppression.expired = true;
    else finding.status = 'suppressed';
  }
  reportUnused(
    fromAnnotation,
    resource,
    objectIndex,
    pointer(base, 'metadata', 'annotations', SUPPRESS_ANNOTATION),
    `annotation ${SUPPRESS_ANNOTATION}`,
    own,
  );
}

export { INVALID_INPUT, INVALID_SUPPRESSION, UNUSED_SUPPRESSION };
