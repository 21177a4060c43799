/**
 * The pack validates its own settings: the engine checks a policy's config against its schema,
 * but a schema cannot reject unknown top-level keys, impossible dates or rule ids, so a typo
 * would otherwise be ignored in silence. Every problem is one error naming the key.
 */
import {
  createEvaluation,
  type EvaluateOptions,
  PodguardInputError,
  type Rule,
  ruleRegistry,
  type Suppression,
  validateOptions,
} from '@podguard/policy-core';
import { closest } from './didYouMean.js';
import { type PodguardExemption, type PodguardSettings, SETTING_KEYS } from './settings.js';

/** Prefix of every podguard policy name. */
const PREFIX = 'podguard-';

/** Which policy the settings belong to. */
export interface SettingsOwner {
  /** What to name in errors: `podguard-runAsNonRoot`, or `createPodguardPack` for pack options. */
  readonly name: string;
  /** The rule of a rule policy: suppressions may omit it, and may not name another rule. */
  readonly rule?: string;
  /** False for the input and stack policies, which suppress nothing. */
  readonly takesSuppressions: boolean;
}

/** Settings with current names only, and the deprecated names that were used. */
export interface CheckedSettings {
  readonly settings: PodguardSettings;
  readonly deprecated: readonly string[];
}

const PULUMI_MATCH_KEYS = ['type', 'urn'];

function fail(owner: SettingsOwner, key: string, message: string): never {
  throw new PodguardInputError(`invalid setting ${key} of ${owner.name}: ${message}`, key);
}

/** The rules of Kubernetes objects (pods and namespaces), one policy each: a stack has no Dockerfiles or build files. */
export function kubernetesRules(): Rule[] {
  return [...ruleRegistry.values()].filter((rule) => rule.target === 'pod' || rule.target === 'namespace');
}

function unknownRule(rule: string): string {
  if (ruleRegistry.has(rule)) {
    const target = ruleRegistry.get(rule)?.target;
    return `${rule} checks ${target === 'jib' ? 'Jib build file' : target}s, which a Pulumi stack does not have: suppress it where they are checked (the podguard CLI)`;
  }
  const guess = closest(
    rule,
    kubernetesRules().map((known) => known.id),
  );
  return `unknown rule "${rule}"${guess ? ` (did you mean "${guess}", policy ${PREFIX}${guess}?)` : ''}`;
}

/** A suppression checked by the core (reason, date, match), plus the Pulumi-only match keys. */
function checkSuppression(owner: SettingsOwner, value: unknown, key: string): PodguardExemption {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(owner, key, 'expected { rule, reason, expires?, match? }');
  }
  const entry = value as Record<string, unknown>;
  const rule = entry.rule ?? owner.rule;
  if (rule === undefined) fail(owner, `${key}.rule`, 'name the rule the suppression is for');
  if (typeof rule !== 'string') fail(owner, `${key}.rule`, `expected a rule id, got ${JSON.stringify(rule)}`);
  if (!kubernetesRules().some((known) => known.id === rule)) fail(owner, `${key}.rule`, unknownRule(rule));
  if (owner.rule !== undefined && rule !== owner.rule) {
    fail(owner, `${key}.rule`, `a suppression of ${rule} belongs on ${PREFIX}${rule}; move it there`);
  }
  const { match, ...rest } = entry;
  const core: Record<string, unknown> = { ...rest, rule };
  if (match !== undefined) {
    if (typeof match !== 'object' || match === null) fail(owner, `${key}.match`, 'expected an object');
    const coreMatch: Record<string, unknown> = {};
    for (const [field, glob] of Object.entries(match)) {
      if (PULUMI_MATCH_KEYS.includes(field)) {
        if (typeof glob !== 'string') fail(owner, `${key}.match.${field}`, 'expected a string');
      } else coreMatch[field] = glob;
    }
    if (Object.keys(coreMatch).length > 0) core.match = coreMatch;
  }
  // The core's own check: reason length, a real calendar date, known match keys.
  const problem = createEvaluation({ suppressions: [core as unknown as Suppression] }).settings[0];
  if (problem) fail(owner, key, problem.detail.replace(/ \(suppressions\[0\]\)$/, ''));
  return { ...entry, rule } as PodguardExemption;
}

/**
 * Validates the settings of one policy (or the pack's options): unknown keys with a guess,
 * suppressions (the policy's own, with the core's checks), and the core's options with the core's
 * one validator, which also maps deprecated names (`pssVersion`, `warnings`) to current ones.
 * Throws {@link PodguardInputError}.
 */
export function checkSettings(raw: unknown, owner: SettingsOwner): CheckedSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PodguardInputError(`the settings of ${owner.name} must be an object`, 'settings');
  }
  const { suppressions: given, exemptions, unsafeFixes, ...rest } = raw as Record<string, unknown>;
  for (const key of Object.keys(rest)) {
    if (!SETTING_KEYS.includes(key)) {
      const guess = closest(key, SETTING_KEYS);
      fail(owner, key, `unknown setting${guess ? ` (did you mean ${guess}?)` : ''}`);
    }
  }
  const deprecated: string[] = [];
  // Suppressions are Pulumi's own (they also match types and URNs): renamed here, not by the core.
  const isEmpty = (value: unknown) => value === undefined || (Array.isArray(value) && value.length === 0);
  let suppressions = given;
  if (exemptions !== undefined) {
    deprecated.push('option exemptions is deprecated and will be removed in 0.2.0: use suppressions');
    if (!isEmpty(given) && !isEmpty(exemptions)) {
      fail(owner, 'exemptions', 'give suppressions or its deprecated name exemptions, not both');
    }
    if (isEmpty(given)) suppressions = exemptions;
  }
  let options: EvaluateOptions;
  try {
    const validated = validateOptions(rest);
    options = validated.options;
    deprecated.push(...validated.deprecations);
  } catch (error) {
    if (error instanceof PodguardInputError) {
      throw new PodguardInputError(`invalid settings of ${owner.name}: ${error.message}`, error.field);
    }
    throw error;
  }
  const settings: PodguardSettings = { ...(options as PodguardSettings) };
  if (unsafeFixes !== undefined) {
    if (typeof unsafeFixes !== 'boolean') fail(owner, 'unsafeFixes', 'expected true or false');
    settings.unsafeFixes = unsafeFixes as boolean;
  }
  if (suppressions !== undefined) {
    if (!Array.isArray(suppressions)) fail(owner, 'suppressions', 'expected a list');
    if (!owner.takesSuppressions && suppressions.length > 0) {
      fail(
        owner,
        'suppressions',
        `${owner.name} suppresses nothing; put a suppression on the policy of its rule (${PREFIX}<rule>)`,
      );
    }
    if (suppressions.length > 0) {
      settings.suppressions = suppressions.map((entry, index) =>
        checkSuppression(owner, entry, `suppressions[${index}]`),
      );
    }
  }
  return { settings, deprecated };
}

/** Settings already checked, by policy and content: the engine sends the same config for every resource. */
const checkedCache = new Map<string, CheckedSettings | PodguardInputError>();

/** {@link checkSettings}, memoised, with each deprecation warned about once per process. */
export function checkedSettings(raw: unknown, owner: SettingsOwner): CheckedSettings {
  const key = `${owner.name}\n${JSON.stringify(raw)}`;
  let result = checkedCache.get(key);
  if (!result) {
    try {
      result = checkSettings(raw, owner);
      for (const message of result.deprecated) warnOnce(`${owner.name}: ${message}`);
    } catch (error) {
      if (!(error instanceof PodguardInputError)) throw error;
      result = error;
    }
    if (checkedCache.size > 256) checkedCache.clear();
    checkedCache.set(key, result);
  }
  if (result instanceof PodguardInputError) throw result;
  return result;
}

const warned = new Set<string>();

/** A deprecation warning on stderr, once per message. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'PODGUARD_DEPRECATED_SETTING' });
}
