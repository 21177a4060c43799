/**
 * evaluate(): the one entry point every adapter calls. It finds the pod spec of every object,
 * runs the profile's rules at the chosen version, turns results into findings, and applies
 * suppressions. It never throws on a violation; only invalid options throw.
 */

import {
  DEPRECATED_OPTION,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  UNJUDGED_FIELD,
  UNUSED_SUPPRESSION,
} from '../model/diagnostics.js';
import { PodguardInputError } from '../model/errors.js';
import { checkJsonData, takeWithoutDollarKeys, withCheckedInput } from '../model/inputGuard.js';
import type { ObjectMeta } from '../model/k8s.js';
import type { EvaluateOptions, FailOn, RuleSetting } from '../model/options.js';
import type {
  EvaluatedObject,
  EvaluationResult,
  Finding,
  JsonPointer,
  PssLevel,
  ResourceRef,
  RuleLevel,
  Suppression,
} from '../model/types.js';
import type {
  AssembledPod,
  ContainerRef,
  DockerfileView,
  JibBuildFormat,
  JibView,
  PodView,
  ResolvedOptions,
  RuleContext,
} from '../model/views.js';
import { extractObject, flattenLists, isList, isRecord } from '../podspec/extract.js';
import type { PodTemplateTable } from '../podspec/kinds.js';
import { pointer } from '../podspec/pointer.js';
import { validateMetadata, validatePodSpec } from '../podspec/validate.js';
import type {
  CheckResult,
  DockerfileCheck,
  Forbidden,
  JibCheck,
  NamespaceCheck,
  PodCheck,
  Rule,
} from '../rulekit/define.js';
import { checkPod } from './checkPod.js';
import { readsAnyOf, unreadableFields } from './declarations.js';
import { InputFactsCollector, type PartFacts, type WholeFacts } from './facts.js';
import { fixObject } from './fixObject.js';
import { applyJsonPatch, JsonPatchError } from './jsonPatch.js';
import {
  fillingOperations,
  findingsOfPartial,
  isPatchDocument,
  topHasDirective,
  viewHasDirective,
} from './partial.js';
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

/** The rules of a plan that are enabled, and their ids, by what they check: built once per plan and settings. */
interface ActiveRules {
  readonly podRules: readonly ActiveRule<PodCheck>[];
  readonly namespaceRules: readonly ActiveRule<NamespaceCheck>[];
  readonly dockerfileRules: readonly ActiveRule<DockerfileCheck>[];
  readonly jibRules: readonly ActiveRule<JibCheck>[];
  readonly podRuleIds: readonly string[];
  readonly namespaceRuleIds: readonly string[];
  readonly dockerfileRuleIds: readonly string[];
  readonly jibRuleIds: readonly string[];
}

/**
 * What evaluateObject needs, resolved once per session (not once per object): the resolved
 * options it reads, the session's rule context and the active rules. Built without copying
 * (adapters start a session per object).
 */
interface Evaluation {
  readonly options: ResolvedOptions;
  readonly version: string;
  readonly templates: PodTemplateTable;
  readonly partial: boolean;
  readonly context: RuleContext;
  readonly rules: ActiveRules;
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
  // It learns the whole input first: its evaluate() has nothing left to learn.
  const session = new Session(resolveEvaluation(options), false);
  session.learnWhole(input);
  // learnWhole() has checked the input: evaluating it does not walk it a second time.
  const result = withCheckedInput(input, () => session.evaluate(input));
  const unused = session.finish();
  const findings =
    session.settings.length === 0 && unused.length === 0
      ? result.findings
      : [...session.settings, ...result.findings, ...unused];
  return { allowed: isAllowed(findings, session.failOn), findings, objects: result.objects };
}

/** A Dockerfile to evaluate: its text, a name for reports, build arguments and target stage. */
export interface DockerfileInput {
  text: string;
  /** How reports name it, e.g. its path (`resource.name`; `resource.kind` is `Dockerfile`). */
  name?: string;
  /** `--build-arg` values; they override ARG defaults. */
  buildArgs?: Record<string, string>;
  /** Build target stage (default: the last stage). */
  target?: string;
}

/**
 * A Maven or Gradle build file to evaluate with the Jib rules: its text and format, a name for
 * reports, `-D` properties, Maven profiles and parent POMs.
 */
export interface JibInput {
  text: string;
  /** `maven` (`pom.xml`), `gradle` (`build.gradle`) or `gradle-kotlin` (`build.gradle.kts`). */
  format: JibBuildFormat;
  /** How reports name it, e.g. its path (`resource.name`; `resource.kind` is `Jib`). */
  name?: string;
  /** `-D` values: they override `<properties>`, answer `findProperty`, and `jib.container.user` wins. */
  properties?: Record<string, string>;
  /** Maven profiles activated with `-P` (default: those active by default or by a property). */
  profiles?: string[];
  /** The texts of the parent POMs, nearest first (multi-module Maven builds). */
  parents?: string[];
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
  evaluate(input: unknown, firstIndex?: number, piece?: PieceOptions): EvaluationResult;
  /**
   * Evaluates one Dockerfile with the profile's Dockerfile rules (none for the pure PSA profiles),
   * with the same rule settings and suppressions (`match.kind: Dockerfile`, `match.name`: its name).
   * Locations carry line and column; fixes are text edits. A malformed Dockerfile gives an
   * `invalidInput` finding naming the line.
   */
  evaluateDockerfile(dockerfile: DockerfileInput, objectIndex?: number): EvaluationResult;
  /**
   * Whether an object of this `apiVersion` and `kind` can give a finding or a cross-object fact:
   * pods and every kind with a pod template (the `podTemplates` option included), Namespaces,
   * ServiceAccounts and Lists. An object for which it is false (a CRD, a ConfigMap, RBAC) is
   * not applicable whatever its content: a reader may count it without parsing it.
   */
  reads(apiVersion: string, kind: string): boolean;
  /**
   * Evaluates one Maven or Gradle build file with the profile's Jib rules, with the same rule
   * settings and suppressions (`match.kind: Jib`, `match.name`: its name). A file that does not
   * configure Jib gives no finding. Locations carry line and column; fixes are text edits.
   */
  evaluateJib(build: JibInput, objectIndex?: number): EvaluationResult;
  /**
   * The cross-object facts learned so far, for {@link joinFacts} when parts of one input are
   * evaluated by sessions side by side (the CLI's worker threads): each part's session learns its
   * part, the facts are joined, and every session adopts the whole ({@link adoptFacts}) before
   * evaluating, so verdicts are those of one session over all of it.
   */
  shareFacts(): PartFacts;
  /** The strictest level the pods learned pass after their safe fixes, in each of `namespaces` they are in. */
  namespaceLevels(namespaces: readonly string[]): Record<string, PssLevel>;
  /**
   * Takes the facts of the whole input ({@link joinFacts}) for those learned, and learns no more
   * (neither from {@link learn} nor from {@link evaluate}). Without `facts`, those learned so far
   * are the whole input's: verdicts then depend only on what was learned first, not on the order
   * in which pieces are evaluated.
   */
  adoptFacts(facts?: WholeFacts): void;
  /**
   * Positions, in the options' `suppressions`, of those that covered a finding so far: what
   * {@link finish} of another session over the same options takes as `usedElsewhere`.
   */
  usedSuppressions(): number[];
  /**
   * Suppressions from the options that matched nothing in any piece (nor, with `usedElsewhere`,
   * in the pieces of other sessions with the same options). Call once, at the end.
   */
  finish(usedElsewhere?: readonly number[]): Finding[];
  /** The blocking threshold of the options (`failOn`, default `error`). */
  readonly failOn: FailOn;
  /** Whether a finding blocks under the session's `failOn`. */
  isBlocking(finding: Finding): boolean;
}

/** Options of one piece of a session's input. */
export interface PieceOptions {
  /** The piece's objects are partial (patches), as {@link EvaluateOptions.partial} says for all input. */
  partial?: boolean;
  /**
   * The JSON pointer of the piece inside the input it was read from, prefixed to every path (e.g.
   * `/items/1234` for one item of a `kubectl get -o json` List read on its own): findings and
   * fixes point where they would if the whole List had been evaluated. Only for a piece that is
   * one object, not an array.
   */
  base?: string;
}

/**
 * Starts an evaluation whose input arrives in pieces: what {@link evaluate} does for one input,
 * for a stream of them (the CLI evaluates a 50 MB dump one document at a time).
 * @throws PodguardInputError for invalid options.
 */
export function createEvaluation(options?: EvaluateOptions): EvaluationSession {
  return sessionOf(resolveEvaluation(options));
}

/** The `settings` of sessions that have none: shared, never written. */
const NO_FINDINGS = Object.freeze([]) as unknown as Finding[];

/** A session's `isBlocking`, one function per `failOn`. */
const BLOCKING: Readonly<Record<FailOn, (finding: Finding) => boolean>> = {
  error: (finding) => isBlocking(finding, 'error'),
  warning: (finding) => isBlocking(finding, 'warning'),
  none: (finding) => isBlocking(finding, 'none'),
};

/** A session as the engine uses it: {@link EvaluationSession}, and facts met in a stream. */
export interface EngineSession extends EvaluationSession {
  /** Records the facts of a piece of a stream without evaluating it (as `evaluate` learns them). */
  observe(input: unknown): void;
}

/** A session over resolved options (harden resolves them once for all its sessions). */
export function sessionOf(resolved: ResolvedEvaluation, learnOnEvaluate = true): EngineSession {
  return new Session(resolved, learnOnEvaluate);
}

/**
 * The session: a class, not an object of closures, because adapters start one per object
 * (evaluate() in the Pulumi pack, per cdk8s object) and its construction is part of every call.
 */
class Session implements EngineSession {
  readonly settings: Finding[];
  readonly failOn: FailOn;
  /** An own function: adapters pass it on detached (`{ isBlocking: session.isBlocking }`). */
  readonly isBlocking: (finding: Finding) => boolean;
  private readonly facts: InputFactsCollector;
  private readonly evaluation: Evaluation;
  private readonly optionSuppressions: ActiveSuppression[];

  constructor(
    resolved: ResolvedEvaluation,
    private readonly learnOnEvaluate: boolean,
  ) {
    const facts = new InputFactsCollector((objects) => strictestPassedLevel(objects, evaluation));
    const evaluation: Evaluation = {
      options: resolved.options,
      version: resolved.version,
      templates: resolved.templates,
      partial: resolved.partial,
      context: { options: resolved.options, version: resolved.minor, facts },
      rules: activeRules(planFor(resolved.profile, resolved.minor), resolved.ruleSettings),
    };
    this.facts = facts;
    this.evaluation = evaluation;
    // The usual options name no deprecated option and no suppression: nothing to make then.
    const { deprecations, suppressions } = resolved;
    this.settings =
      deprecations.length === 0 && suppressions.length === 0
        ? NO_FINDINGS
        : deprecations.map((sentence) => deprecationFinding(sentence));
    this.optionSuppressions =
      suppressions.length === 0
        ? (NO_SUPPRESSIONS as ActiveSuppression[])
        : collectOptionSuppressions(suppressions, this.settings);
    this.failOn = resolved.failOn;
    this.isBlocking = BLOCKING[resolved.failOn];
  }

  learn(input: unknown): void {
    checkJsonData(input, 'input');
    this.facts.learn(input);
  }

  observe(input: unknown): void {
    this.facts.learn(input, false);
  }

  /** {@link learn} of an input given whole (evaluate()'s): see {@link InputFactsCollector.learnWhole}. */
  learnWhole(input: unknown): void {
    checkJsonData(input, 'input');
    this.facts.learnWhole(input);
  }

  reads(apiVersion: string, kind: string): boolean {
    if (kind.endsWith('List')) return true;
    if ((kind === 'Namespace' || kind === 'ServiceAccount') && (apiVersion === 'v1' || apiVersion === ''))
      return true;
    return this.evaluation.templates.get(apiVersion, kind) !== undefined;
  }

  evaluateDockerfile(dockerfile: DockerfileInput, objectIndex = 0): EvaluationResult {
    const findings: Finding[] = [];
    const objects: EvaluatedObject[] = [];
    evaluateDockerfileInput(
      dockerfile,
      objectIndex,
      this.evaluation,
      this.optionSuppressions,
      findings,
      objects,
    );
    return { allowed: isAllowed(findings, this.failOn), findings, objects };
  }

  evaluateJib(build: JibInput, objectIndex = 0): EvaluationResult {
    const findings: Finding[] = [];
    const objects: EvaluatedObject[] = [];
    evaluateJibInput(build, objectIndex, this.evaluation, this.optionSuppressions, findings, objects);
    return { allowed: isAllowed(findings, this.failOn), findings, objects };
  }

  evaluate(input: unknown, firstIndex = 0, piece?: PieceOptions): EvaluationResult {
    checkJsonData(input, 'input');
    const directives = !takeWithoutDollarKeys(input);
    // Learned here, pods are kept only for namespaces already known to need them (streams).
    if (this.learnOnEvaluate) this.facts.learn(input, false);
    const findings: Finding[] = [];
    const objects: EvaluatedObject[] = [];
    const evaluation = this.evaluation;
    const partial = evaluation.partial || piece?.partial === true;
    const out = {
      evaluation,
      optionSuppressions: this.optionSuppressions,
      findings,
      objects,
      partial,
      directives,
    };
    const base = piece?.base ?? '';
    if (base !== '' && (Array.isArray(input) || !base.startsWith('/')))
      throw new PodguardInputError(
        'piece.base is a JSON pointer ("/items/3") for a piece that is one object',
        'piece.base',
      );
    if (!Array.isArray(input)) evaluateInput(input, firstIndex, out, base);
    else
      for (let index = 0; index < input.length; index++) evaluateInput(input[index], firstIndex + index, out);
    return { allowed: isAllowed(findings, this.failOn), findings, objects };
  }

  shareFacts(): PartFacts {
    return this.facts.share();
  }

  namespaceLevels(namespaces: readonly string[]): Record<string, PssLevel> {
    return this.facts.namespaceLevels(namespaces);
  }

  adoptFacts(whole?: WholeFacts): void {
    this.facts.adopt(whole);
  }

  usedSuppressions(): number[] {
    const used: number[] = [];
    this.optionSuppressions.forEach((entry, index) => {
      if (entry.used) used.push(index);
    });
    return used;
  }

  finish(usedElsewhere: readonly number[] = []): Finding[] {
    const optionSuppressions = this.optionSuppressions;
    for (const index of usedElsewhere) {
      const entry = optionSuppressions[index];
      if (entry) entry.used = true;
    }
    if (optionSuppressions.length === 0) return [];
    const unused: Finding[] = [];
    reportUnused(optionSuppressions, NO_RESOURCE, -1, '', 'suppressions of the evaluation options', unused);
    return unused;
  }
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
        const out: EvaluationTarget = {
          evaluation,
          optionSuppressions: [],
          findings: [],
          objects: [],
          partial: false,
          directives: true,
        };
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
  const dockerfileRules = plan.dockerfileRules.flatMap((rule) => active(rule, rule.check));
  const jibRules = plan.jibRules.flatMap((rule) => active(rule, rule.check));
  const rules: ActiveRules = {
    podRules,
    namespaceRules,
    dockerfileRules,
    jibRules,
    podRuleIds: podRules.map((entry) => entry.rule.id),
    namespaceRuleIds: namespaceRules.map((entry) => entry.rule.id),
    dockerfileRuleIds: dockerfileRules.map((entry) => entry.rule.id),
    jibRuleIds: jibRules.map((entry) => entry.rule.id),
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
  /** The objects are patches (per object, a `$patch` directive also says so). */
  readonly partial: boolean;
  /** The objects may hold a strategic-merge directive: false when the input guard met no `$` key. */
  readonly directives: boolean;
}

/** One input object: a List's items one by one, anything else as it is. */
function evaluateInput(object: unknown, objectIndex: number, target: EvaluationTarget, base = ''): void {
  if (!isList(object)) {
    evaluateObject(object, base, objectIndex, target);
    return;
  }
  for (const item of flattenLists(object, base)) evaluateObject(item.object, item.base, objectIndex, target);
}

/**
 * Whether a finding blocks (a build fails, a deployment is denied) under `failOn`: with `error`
 * (the default) an input or rule error and an error-severity failure; with `warning` also a
 * warning; with `none` nothing. Suppressed findings never block.
 */
export function isBlocking(finding: Finding, failOn?: FailOn): boolean {
  if (failOn === 'none') return false;
  // A deprecated option name still works until its removal: the notice never fails a build, also
  // under `failOn: warning` (the build that moved to `failOn` is not failed for the word it left).
  if (finding.rule === DEPRECATED_OPTION) return false;
  if (finding.status === 'error') return true;
  if (finding.status !== 'fail') return false;
  return finding.severity === 'error' || failOn === 'warning';
}

/** True when no finding blocks under `failOn` (default `error`). */
export function isAllowed(findings: readonly Finding[], failOn?: FailOn): boolean {
  return !findings.some((finding) => isBlocking(finding, failOn));
}

/** One Dockerfile through the session's Dockerfile rules and suppressions. */
function evaluateDockerfileInput(
  input: DockerfileInput,
  objectIndex: number,
  evaluation: Evaluation,
  optionSuppressions: ActiveSuppression[],
  findings: Finding[],
  objects: EvaluatedObject[],
): void {
  const resource: ResourceRef = {
    apiVersion: '',
    kind: 'Dockerfile',
    ...(input.name ? { name: input.name } : {}),
  };
  const view: DockerfileView = {
    text: input.text,
    resource,
    buildArgs: input.buildArgs ?? {},
    ...(input.target !== undefined ? { target: input.target } : {}),
  };
  objects.push({
    objectIndex,
    resource,
    kind: 'dockerfile',
    path: '',
    rules: evaluation.rules.dockerfileRuleIds,
  });
  const own: Finding[] = [];
  for (const { rule, check, setting } of evaluation.rules.dockerfileRules) {
    runRule(rule, setting, resource, objectIndex, '', own, check, view, evaluation.context);
  }
  applySuppressions(undefined, '', resource, objectIndex, own, optionSuppressions, evaluation.options.now);
  findings.push(...own);
}

/** One build file through the session's Jib rules and suppressions. */
function evaluateJibInput(
  input: JibInput,
  objectIndex: number,
  evaluation: Evaluation,
  optionSuppressions: ActiveSuppression[],
  findings: Finding[],
  objects: EvaluatedObject[],
): void {
  const resource: ResourceRef = { apiVersion: '', kind: 'Jib', ...(input.name ? { name: input.name } : {}) };
  const view: JibView = {
    text: input.text,
    resource,
    format: input.format,
    properties: input.properties ?? {},
    ...(input.profiles !== undefined ? { profiles: input.profiles } : {}),
    parents: input.parents ?? [],
  };
  objects.push({ objectIndex, resource, kind: 'jib', path: '', rules: evaluation.rules.jibRuleIds });
  const own: Finding[] = [];
  for (const { rule, check, setting } of evaluation.rules.jibRules) {
    runRule(rule, setting, resource, objectIndex, '', own, check, view, evaluation.context);
  }
  applySuppressions(undefined, '', resource, objectIndex, own, optionSuppressions, evaluation.options.now);
  findings.push(...own);
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
  target: EvaluationTarget,
): void {
  const { evaluation, optionSuppressions, findings, objects, directives } = target;
  let partial = target.partial || (directives && topHasDirective(object));
  let extracted = extractObject(object, base, { templates: evaluation.templates, partial });
  // A strategic-merge directive deeper in makes the object a patch too: a pod template that is
  // not whole (an invalid object) is searched fully, a well-formed one where rules read.
  if (
    !partial &&
    directives &&
    ((extracted.kind === 'pod' && extracted.views.some(viewHasDirective)) ||
      (extracted.kind === 'invalid' && isPatchDocument(object)))
  ) {
    partial = true;
    extracted = extractObject(object, base, { templates: evaluation.templates, partial });
  }
  const { context } = evaluation;
  let own: Finding[] = [];

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
      rules: evaluation.rules.namespaceRuleIds,
    });
    // A label that is not a string (`enforce-version: 1.30` unquoted reads as a number) is refused
    // by the API server: an error for that field, and the namespace rules, which read the labels,
    // do not run on it.
    const problems = validateMetadata(extracted.view.object.metadata, pointer(base, 'metadata'));
    for (const problem of problems) {
      own.push(errorFinding(INVALID_INPUT, resource, objectIndex, problem.path, problem.message));
    }
    if (problems.length === 0) {
      for (const { rule, check, setting } of evaluation.rules.namespaceRules) {
        runRule(rule, setting, resource, objectIndex, base, own, check, extracted.view, context);
      }
    }
    if (partial) own = findingsOfPartial(object, own, base);
  } else {
    const evaluated: EvaluatedObject = {
      objectIndex,
      resource,
      kind: 'pod',
      podSpecPath: extracted.view.specPath,
      path: base,
      rules: evaluation.rules.podRuleIds,
    };
    if (extracted.views.length > 1)
      evaluated.podSpecPaths = [...new Set(extracted.views.map((view) => view.specPath))];
    if (partial) evaluated.partial = true;
    objects.push(evaluated);
    if (partial) own = evaluatePartial(object, base, objectIndex, evaluation);
    else for (const view of extracted.views) evaluateView(view, resource, objectIndex, evaluation, own);
    // Views may share their pod-level carrier (Argo templates without their own securityContext).
    if (extracted.views.length > 1) own = withoutDuplicates(own);
  }
  applySuppressions(object, base, resource, objectIndex, own, optionSuppressions, evaluation.options.now);
  findings.push(...own);
}

/**
 * Findings once each: two views sharing a pod-level carrier report the same pod-level finding. Two
 * Argo templates failing on the same templateDefaults value report it once, with the fixes of
 * both (each writes its own template) and why a template cannot be fixed, whichever comes first.
 */
function withoutDuplicates(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  return findings.filter((finding) => {
    const key = JSON.stringify([finding.rule, finding.status, finding.message, finding.locations]);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, finding);
      return true;
    }
    if (finding.fix !== undefined && first.fix === undefined) first.fix = finding.fix;
    else if (finding.fix !== undefined && first.fix !== undefined && finding.fix.kind === first.fix.kind) {
      const ops = new Set(first.fix.patch.map((op) => JSON.stringify(op)));
      const added = finding.fix.patch.filter((op) => !ops.has(JSON.stringify(op)));
      if (added.length > 0) first.fix = { ...first.fix, patch: [...first.fix.patch, ...added] };
    }
    if (finding.unfixable !== undefined && first.unfixable !== finding.unfixable) {
      first.unfixable =
        first.unfixable === undefined || first.unfixable.split('; ').includes(finding.unfixable)
          ? (first.unfixable ?? finding.unfixable)
          : `${first.unfixable}; ${finding.unfixable}`;
    }
    return false;
  });
}

/** Validates a pod view and runs the pod rules on it. */
function evaluateView(
  view: PodView,
  resource: ResourceRef,
  objectIndex: number,
  evaluation: Evaluation,
  own: Finding[],
): void {
  const first = own.length;
  const problems = validatePodSpec(view.spec, view.specPath, view.metadata, view.metadataPath);
  // A wrongly typed field is an error for that field; every rule that does not read it still runs.
  let unreadable = problems.length === 0 ? undefined : unreadableFields(problems, view);
  for (const problem of problems) {
    own.push(errorFinding(INVALID_INPUT, resource, objectIndex, problem.path, problem.message));
  }
  if (view.assembled !== undefined && view.spec.containers === undefined && view.containers.length > 0)
    unreadable = validateOwnContainers(view, resource, objectIndex, own, unreadable);
  const elsewhere = view.assembled?.setElsewhere;
  // Index loops: this is the innermost loop of every evaluation, and allocates no iterator.
  const rules = evaluation.rules.podRules;
  for (let index = 0; index < rules.length; index++) {
    const { rule, check, setting } = rules[index] as ActiveRule<PodCheck>;
    if (unreadable !== undefined && readsAnyOf(rule, unreadable)) continue;
    // Fields the object cannot hold are judged on what sets them (a Tekton Task's on its run).
    if (
      elsewhere !== undefined &&
      elsewhere.length > 0 &&
      rule.reads?.every((read) => elsewhere.includes(read))
    )
      continue;
    runRule(rule, setting, resource, objectIndex, view.specPath, own, check, view, evaluation.context);
  }
  if (view.assembled) mapAssembled(own, first, view.assembled, resource, objectIndex);
}

/**
 * Type problems of the containers of an assembled pod whose spec does not list them (a Tekton
 * task's steps and sidecars, each at its own pointer): errors at those pointers, and the fields
 * they make unreadable added to `unreadable`.
 */
function validateOwnContainers(
  view: PodView,
  resource: ResourceRef,
  objectIndex: number,
  own: Finding[],
  unreadable: string[][] | undefined,
): string[][] | undefined {
  const containers = view.containers.map((ref) => ref.container);
  const virtual = `${view.specPath}/containers`;
  const problems = validatePodSpec({ containers }, view.specPath, {}, view.metadataPath);
  if (problems.length === 0) return unreadable;
  // A step template's value is in every step: one error, where it is written.
  const reported = new Set<string>();
  for (const problem of problems) {
    const rest = problem.path.slice(virtual.length + 1);
    const slash = rest.indexOf('/');
    const ref = view.containers[Number(slash < 0 ? rest : rest.slice(0, slash))] as ContainerRef;
    const at = `${ref.path}${slash < 0 ? '' : rest.slice(slash)}`;
    const path = view.assembled?.locate(at) ?? at;
    if (reported.has(path)) continue;
    reported.add(path);
    const message = `${path}${problem.message.slice(problem.path.length)}`;
    own.push(errorFinding(INVALID_INPUT, resource, objectIndex, path, message));
  }
  return [...(unreadable ?? []), ...unreadableFields(problems, view)];
}

/**
 * The findings of an assembled pod (a Tekton task's, an Argo workflow's effective pod) about the
 * object as written: locations where each value is written, fixes as operations on the object
 * where they take effect (what has no place is dropped, and `unfixable` says why), validation
 * messages naming the authored value; then the fields that cannot be judged as written.
 */
function mapAssembled(
  findings: Finding[],
  first: number,
  assembled: AssembledPod,
  resource: ResourceRef,
  objectIndex: number,
): void {
  for (let index = first; index < findings.length; index++) {
    const finding = findings[index] as Finding;
    const mapped: Finding = {
      ...finding,
      path: assembled.locate(finding.path),
      locations: finding.locations.map((location) => ({
        ...location,
        path: assembled.locate(location.path),
      })),
    };
    // Validation messages start with the pointer they are about: name the authored value (where
    // it is written, unless the pod says how to name it).
    if (finding.rule === INVALID_INPUT && finding.message.startsWith(`${finding.path} `)) {
      const name = assembled.name ? assembled.name(finding.path) : mapped.path;
      mapped.message = `${name}${finding.message.slice(finding.path.length)}`;
      mapped.detail = mapped.message;
    }
    if (finding.fix !== undefined && finding.fix.patch.length > 0) {
      const { patch, unfixable } = assembled.patch(finding.fix.patch);
      if (patch.length > 0) mapped.fix = { ...finding.fix, patch };
      else delete mapped.fix;
      if (unfixable !== undefined)
        mapped.unfixable = finding.unfixable ? `${finding.unfixable}; ${unfixable}` : unfixable;
    }
    findings[index] = mapped;
  }
  for (const field of assembled.unjudged ?? [])
    findings.push(unjudgedFinding(resource, objectIndex, field.path, field.message));
}

function unjudgedFinding(
  resource: ResourceRef,
  objectIndex: number,
  path: JsonPointer,
  message: string,
): Finding {
  return {
    rule: UNJUDGED_FIELD,
    status: 'fail',
    level: 'baseline',
    severity: 'warning',
    resource,
    objectIndex,
    path,
    locations: [{ path }],
    reason: 'unjudged field',
    detail: message,
    message,
    messageId: UNJUDGED_FIELD,
    controls: NO_CONTROLS,
  };
}

/** Rounds of filling in a partial object; each round adds what the previous one made rules ask for. */
const MAX_FILL_ROUNDS = 8;

/** The findings of a partial object (see partial.ts): about the values it sets, never about what it leaves out. */
function evaluatePartial(
  object: unknown,
  base: JsonPointer,
  objectIndex: number,
  evaluation: Evaluation,
): Finding[] {
  const pods = (candidate: unknown, at: JsonPointer): Finding[] => {
    const extracted = extractObject(candidate, at, { templates: evaluation.templates, partial: true });
    const out: Finding[] = [];
    if (extracted.kind !== 'pod') return out;
    for (const view of extracted.views)
      evaluateView(view, extracted.view.resource, objectIndex, evaluation, out);
    return out;
  };
  let completed: unknown = object;
  for (let round = 0; round < MAX_FILL_ROUNDS; round++) {
    const operations = fillingOperations(completed, pods(completed, ''), '');
    if (operations.length === 0) break;
    let next = completed;
    for (const operation of operations) {
      try {
        next = applyJsonPatch(next, [operation]);
      } catch (error) {
        if (!(error instanceof JsonPatchError)) throw error;
      }
    }
    completed = next;
  }
  return findingsOfPartial(object, pods(completed, base), base);
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
    if (error instanceof PodguardInputError) {
      // Input the rule cannot read at all (a Dockerfile without FROM): an input error, not a rule bug.
      out.push(
        errorFinding(INVALID_INPUT, resource, objectIndex, fallbackPath, error.message, textPosition(error)),
      );
      return;
    }
    out.push(
      ruleError(
        rule,
        resource,
        objectIndex,
        fallbackPath,
        error instanceof Error ? error.message : String(error),
      ),
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

/** A rule bug, which must never read as a pass: an error finding that keeps the rule's level. */
function ruleError(
  rule: Rule,
  resource: ResourceRef,
  objectIndex: number,
  path: JsonPointer,
  problem: string,
): Finding {
  return errorFinding(
    rule.id,
    resource,
    objectIndex,
    path,
    `rule ${rule.id} failed: ${problem}`,
    undefined,
    rule.level,
  );
}

/** `reason (detail)`, as the API server prints one check. */
export function checkMessage(reason: string, detail: string): string {
  return detail ? `${reason} (${detail})` : reason;
}

/** `line 3` in a PodguardInputError's field, as a location. */
function textPosition(error: PodguardInputError): { line: number; column: number } | undefined {
  const match = /^line (\d+)$/.exec(error.field ?? '');
  return match ? { line: Number(match[1]), column: 1 } : undefined;
}

/** Each rule's first message id, the id of its results that name none: found once per rule. */
const firstMessageIds = new WeakMap<Rule, string>();

/** The message id of a result: its own, or the rule's first (see {@link failFinding} for an undeclared one). */
function messageIdOf(rule: Rule, result: Forbidden): string {
  let id = result.messageId;
  if (id === undefined) {
    id = firstMessageIds.get(rule);
    if (id === undefined) {
      id = Object.keys(rule.messages)[0] as string;
      firstMessageIds.set(rule, id);
    }
  }
  return id;
}

/** Findings without compliance controls (diagnostics) share this one. */
const NO_CONTROLS = Object.freeze([]) as unknown as string[];

/** The rule's controls (frozen when it is defined), shared by every finding of the rule. */
function controlsOf(rule: Rule): string[] {
  const { controls } = rule;
  return controls.length === 0 ? NO_CONTROLS : (controls as string[]);
}

/** The finding of a failed result, or a rule error when it names a message id its rule does not declare. */
function failFinding(
  rule: Rule,
  setting: RuleSetting | undefined,
  resource: ResourceRef,
  objectIndex: number,
  fallbackPath: JsonPointer,
  result: Forbidden,
): Finding {
  const messageId = messageIdOf(rule, result);
  if (!Object.hasOwn(rule.messages, messageId))
    return ruleError(
      rule,
      resource,
      objectIndex,
      fallbackPath,
      `returned undeclared message id ${messageId}`,
    );
  const first = result.locations[0];
  const finding: Finding = {
    rule: rule.id,
    status: 'fail',
    level: rule.level,
    severity: setting?.severity ?? result.severity ?? rule.severity,
    resource,
    objectIndex,
    path: first?.path ?? fallbackPath,
    // A copy: exactly as long as it is (a check's array, grown by push, has room to spare).
    locations: result.locations.length > 0 ? [...result.locations] : [{ path: fallbackPath }],
    reason: result.reason,
    detail: result.detail,
    message: result.message ?? checkMessage(result.reason, result.detail),
    messageId,
    // Shared and frozen: no code changes a finding's controls in place.
    controls: controlsOf(rule),
  };
  if (first?.container !== undefined) finding.container = first.container;
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
  position?: { line: number; column: number },
  level: RuleLevel = 'baseline',
): Finding {
  const diagnostic = rule === INVALID_INPUT || rule === INVALID_SUPPRESSION;
  return {
    rule,
    status: 'error',
    level,
    severity: 'error',
    resource,
    objectIndex,
    path,
    locations: [{ path, ...position }],
    reason:
      rule === INVALID_INPUT
        ? 'invalid input'
        : rule === INVALID_SUPPRESSION
          ? 'invalid suppression'
          : 'rule error',
    detail: message,
    message,
    messageId: diagnostic ? rule : 'ruleError',
    controls: NO_CONTROLS,
  };
}

function deprecationFinding(sentence: string): Finding {
  return {
    rule: DEPRECATED_OPTION,
    status: 'fail',
    level: 'hardened',
    severity: 'warning',
    resource: NO_RESOURCE,
    objectIndex: -1,
    path: '',
    locations: [{ path: '' }],
    reason: 'deprecated option',
    detail: sentence,
    message: checkMessage('deprecated option', sentence),
    messageId: DEPRECATED_OPTION,
    controls: NO_CONTROLS,
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
    messageId: UNUSED_SUPPRESSION,
    controls: NO_CONTROLS,
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

export { DEPRECATED_OPTION, INVALID_INPUT, INVALID_SUPPRESSION, UNJUDGED_FIELD, UNUSED_SUPPRESSION };
