/**
 * Turns user options (from code, the CLI config file, cdk8s or Pulumi) into what rules see,
 * validating every field with an error that names it.
 */

import { PodguardInputError } from '../model/errors.js';
import { checkJsonData } from '../model/inputGuard.js';
import { DEPRECATED_OPTION_NAMES, MAX_ID } from '../model/optionSchemas.js';
import type { EvaluateOptions, FailOn, Profile, RuleSetting } from '../model/options.js';
import type { PssLevel, Severity, Suppression } from '../model/types.js';
import { parseVersion } from '../model/versions.js';
import type { ResolvedOptions } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { type PodTemplateTable, podTemplateTable } from '../podspec/kinds.js';
import { profiles } from '../profiles/index.js';
import { ruleRegistry } from '../rules/index.js';
import { podguardOptionsSchema } from './declarations.js';

export { MAX_ID };

const LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];
const SEVERITIES: readonly Severity[] = ['error', 'warning'];
/** The option names, from the options schema (itself built from the rules' declarations). */
const OPTION_KEYS: ReadonlySet<string> = new Set(
  Object.keys(podguardOptionsSchema.properties ?? {}).filter(
    (key) => !Object.hasOwn(DEPRECATED_OPTION_NAMES, key),
  ),
);
/** Options a profile object's `options` may not set: they choose the profile or the run. */
const NOT_PROFILE_OPTIONS = new Set([
  'profile',
  'level',
  'version',
  'suppressions',
  'now',
  'failOn',
  'partial',
]);
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'none'];

/** Everything evaluate() needs, resolved once per call. */
export interface ResolvedEvaluation {
  readonly profile: Profile;
  readonly version: string;
  readonly minor: number;
  readonly options: ResolvedOptions;
  readonly ruleSettings: Readonly<Record<string, RuleSetting>>;
  readonly suppressions: readonly Suppression[];
  readonly failOn: FailOn;
  /** One sentence per deprecated option name used, e.g. `option pssVersion is deprecated: use version`. */
  readonly deprecations: readonly string[];
  /** Where pod templates sit: built-in kinds, known custom resources and the `podTemplates` option. */
  readonly templates: PodTemplateTable;
  /** Every input object is partial (a patch): see {@link EvaluateOptions.partial}. */
  readonly partial: boolean;
}

function fail(field: string, message: string): never {
  throw new PodguardInputError(`invalid option ${field}: ${message}`, field);
}

function checkLevel(value: unknown, field: string): PssLevel {
  if (typeof value !== 'string' || !LEVELS.includes(value as PssLevel)) {
    fail(field, `expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as PssLevel;
}

function checkId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID) {
    fail(field, `expected an integer between 0 and ${MAX_ID}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function checkRange(
  value: unknown,
  field: string,
  fallback: { min: number; max: number },
): { min: number; max: number } {
  if (value === undefined) return fallback;
  if (!isRecord(value)) fail(field, `expected { min, max }, got ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) {
    if (key !== 'min' && key !== 'max') fail(`${field}.${key}`, 'unknown key (expected min, max)');
  }
  const min = value.min === undefined ? fallback.min : checkId(value.min, `${field}.min`);
  const max = value.max === undefined ? fallback.max : checkId(value.max, `${field}.max`);
  if (min > max) fail(field, `min (${min}) is greater than max (${max})`);
  return { min, max };
}

/** Validated custom profiles by the object the user passed, so planFor's cache hits across calls. */
const checkedProfiles = new WeakMap<object, Profile>();

function checkProfile(value: unknown): Profile {
  if (typeof value === 'object' && value !== null) {
    const cached = checkedProfiles.get(value);
    if (cached) return cached;
    const profile = checkCustomProfile(value);
    checkedProfiles.set(value, profile);
    return profile;
  }
  return checkCustomProfile(value);
}

function checkCustomProfile(value: unknown): Profile {
  if (typeof value === 'string') {
    const profile = profiles[value as keyof typeof profiles];
    if (!profile || !Object.hasOwn(profiles, value)) {
      fail(
        'profile',
        `unknown profile "${value}" (expected ${Object.keys(profiles).join(', ')} or a profile object)`,
      );
    }
    return profile;
  }
  if (!isRecord(value)) fail('profile', `expected a profile name or object, got ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) {
    if (!['name', 'level', 'rules', 'options'].includes(key))
      fail(`profile.${key}`, 'unknown key (expected name, level, rules, options)');
  }
  if (typeof value.name !== 'string' || value.name === '')
    fail('profile.name', 'expected a non-empty string');
  const level = checkLevel(value.level, 'profile.level');
  if (!Array.isArray(value.rules)) fail('profile.rules', 'expected an array of rule ids');
  const rules = value.rules.map((id, index) => {
    if (typeof id !== 'string' || !ruleRegistry.has(id)) {
      fail(`profile.rules[${index}]`, `unknown rule ${JSON.stringify(id)}`);
    }
    return id;
  });
  if (value.options !== undefined) {
    if (!isRecord(value.options)) fail('profile.options', 'expected an object');
    for (const key of Object.keys(value.options)) {
      if (!OPTION_KEYS.has(key) || NOT_PROFILE_OPTIONS.has(key))
        fail(`profile.options.${key}`, 'unknown option');
    }
  }
  return { name: value.name, level, rules, options: value.options as Profile['options'] };
}

function checkSuppressions(value: unknown): Suppression[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('suppressions', 'expected an array');
  // Shapes are validated per suppression in applySuppressions, so that one bad entry becomes an
  // error finding instead of hiding every other verdict.
  return value as Suppression[];
}

function checkRules(value: unknown): Record<string, RuleSetting> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail('rules', 'expected an object keyed by rule id');
  const settings: Record<string, RuleSetting> = Object.create(null);
  for (const [id, setting] of Object.entries(value)) {
    if (!ruleRegistry.has(id)) fail(`rules.${id}`, `unknown rule id${didYouMean(id)}`);
    if (!isRecord(setting)) fail(`rules.${id}`, 'expected { enabled?, severity? }');
    for (const key of Object.keys(setting)) {
      if (key !== 'enabled' && key !== 'severity')
        fail(`rules.${id}.${key}`, 'unknown key (expected enabled, severity)');
    }
    const out: RuleSetting = {};
    if (setting.enabled !== undefined) out.enabled = checkBoolean(setting.enabled, `rules.${id}.enabled`);
    if (setting.severity !== undefined) {
      if (!SEVERITIES.includes(setting.severity as Severity)) {
        fail(`rules.${id}.severity`, `expected error or warning, got ${JSON.stringify(setting.severity)}`);
      }
      out.severity = setting.severity as Severity;
    }
    settings[id] = out;
  }
  return settings;
}

function checkImageUsers(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) fail('imageUsers', 'expected an object mapping image references to USER strings');
  const out: Record<string, string> = Object.create(null);
  for (const [image, user] of Object.entries(value)) {
    if (typeof user !== 'string')
      fail(`imageUsers.${image}`, `expected a USER string such as "1000:0", got ${JSON.stringify(user)}`);
    out[image] = user;
  }
  // Frozen: the image lookup index built from it is then kept for every container (issue 19).
  return Object.freeze(out);
}

function checkStrings(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(field, 'expected an array of strings');
  return value.map((item, index) => {
    if (typeof item !== 'string')
      fail(`${field}[${index}]`, `expected a string, got ${JSON.stringify(item)}`);
    return item;
  });
}

function checkNow(value: unknown): Date {
  if (value === undefined) return new Date();
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    fail('now', `expected a Date or ISO date string, got ${JSON.stringify(value)}`);
  return date;
}

/** ` (did you mean runAsNonRoot?)` for a misspelled rule id, or nothing. */
export function didYouMean(id: string): string {
  const lower = id.toLowerCase();
  // The id in another case (`RUNASUSER`) is at distance 0, closer than any other id.
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of ruleRegistry.keys()) {
    const distance = editDistance(lower, known.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [known, distance];
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const DEPRECATED_NAMES: readonly string[] = Object.keys(DEPRECATED_OPTION_NAMES);

/** The input with deprecated names replaced by the current ones, and a sentence per replacement. */
function renameDeprecated(options: Record<string, unknown>): {
  options: Record<string, unknown>;
  deprecations: string[];
} {
  const deprecations: string[] = [];
  let out = options;
  // Called once per evaluate(): the usual options use no deprecated name, and allocate nothing here.
  for (const name of DEPRECATED_NAMES) {
    if (!Object.hasOwn(options, name) || options[name] === undefined) continue;
    const { replacement, until } = DEPRECATED_OPTION_NAMES[name] as { replacement: string; until: string };
    if (Object.hasOwn(options, replacement) && options[replacement] !== undefined) {
      fail(name, `give ${replacement} or its deprecated name ${name}, not both`);
    }
    if (out === options) out = { ...options };
    let value = options[name];
    if (name === 'warnings') {
      if (!['print', 'ignore', 'report', 'fail'].includes(value as string))
        fail('warnings', `expected print, ignore, report or fail, got ${JSON.stringify(value)}`);
      value = value === 'fail' ? 'warning' : 'error';
    }
    delete out[name];
    out[replacement] = value;
    deprecations.push(`option ${name} is deprecated and will be removed in ${until}: use ${replacement}`);
  }
  return { options: out, deprecations };
}

/**
 * The one validator of podguard's options (the shape of {@link podguardOptionsSchema}): every
 * key at every level must be known, and the error names it (`invalid option uidRange.mn: unknown
 * key`). Deprecated names (`pssVersion`, `exemptions`, `warnings`) are accepted and reported.
 * Safe with any input: `__proto__`, `constructor` and the like are unknown keys.
 *
 * @returns The options with current names, and one sentence per deprecated name used.
 * @throws PodguardInputError naming the offending option.
 */
export function validateOptions(input: unknown): { options: EvaluateOptions; deprecations: string[] } {
  const resolved = resolveEvaluation(input as EvaluateOptions | undefined);
  const { options } = renameDeprecated(input === undefined ? {} : (input as Record<string, unknown>));
  return { options: options as EvaluateOptions, deprecations: [...resolved.deprecations] };
}

/**
 * The id a fix writes: the default when it is inside the range and not denied (gid 0 counts as
 * inside when the root group is allowed), else the range's lower bound (the first one not
 * denied). A default the user gave explicitly that contradicts the range is an options error.
 * `denied` says why an id inside the range is refused, or undefined when it is not.
 */
function fixId(
  field: string,
  value: number | undefined,
  explicit: boolean,
  range: { min: number; max: number },
  rangeField: string,
  denied: (id: number) => string | undefined,
  rootAllowed = false,
): number | undefined {
  if (value === undefined) return undefined;
  if (rootAllowed && value === 0) return 0;
  const inside = value >= range.min && value <= range.max;
  const refused = inside ? denied(value) : undefined;
  if (inside && refused === undefined) return value;
  if (explicit) fail(field, refused ?? `${value} is outside ${rangeField} ${range.min}..${range.max}`);
  for (let id = range.min; id <= range.max; id++) if (denied(id) === undefined) return id;
  return undefined;
}

/** Resolutions of options made of scalars only (`{ level: 'restricted' }`), by {@link scalarOptionsKey}. */
const scalarResolutions = new Map<string, ResolvedEvaluation>();
/** Enough for the few option sets a program uses; past it, the cache starts again. */
const MAX_SCALAR_RESOLUTIONS = 64;

/**
 * A key that names options made only of strings, numbers, booleans and `undefined` (no `now`),
 * or undefined for any other options: those are resolved every time.
 */
function scalarOptionsKey(input: unknown): string | undefined {
  if (input === undefined) return '';
  if (typeof input !== 'object' || input === null || Object.getPrototypeOf(input) !== Object.prototype)
    return undefined;
  let key = '';
  for (const name in input) {
    if (!Object.hasOwn(input, name) || name === 'now') return undefined;
    const value: unknown = (input as Record<string, unknown>)[name];
    const text =
      typeof value === 'string'
        ? `s${value.length}:${value}`
        : typeof value === 'number' || typeof value === 'boolean' || value === undefined
          ? String(value)
          : undefined;
    if (text === undefined) return undefined;
    key += `${name.length}:${name}=${text};`;
  }
  return key;
}

/**
 * Validates options and applies profile defaults. Throws {@link PodguardInputError} naming the
 * offending option.
 *
 * Adapters call evaluate() once per object with the same few options: scalar-only options are
 * resolved once, and each later call gets the resolution with its own `now`.
 */
export function resolveEvaluation(input: EvaluateOptions | undefined): ResolvedEvaluation {
  const known = isLastScalarOptions(input) ? lastScalarResolution : knownScalarResolution(input);
  if (known !== undefined) return { ...known, options: { ...known.options, now: new Date() } };
  return resolveOptionsAnew(input);
}

/** The keys and values of the scalar-only options last resolved from the cache, and their resolution. */
let lastScalarEntries: unknown[] = [];
let lastScalarResolution: ResolvedEvaluation | undefined;

/**
 * Whether `input` holds the same own keys and values, in the same order, as the scalar-only options
 * last resolved: the same object or a new literal of the same options (`evaluate(pod, { level:
 * 'restricted' })` in a loop), with no key to build. Inherited keys fail the comparison: `for...in`
 * lists them, the recorded entries never hold one.
 */
function isLastScalarOptions(input: unknown): boolean {
  if (
    lastScalarResolution === undefined ||
    typeof input !== 'object' ||
    input === null ||
    Object.getPrototypeOf(input) !== Object.prototype
  )
    return false;
  let index = 0;
  for (const name in input) {
    if (
      lastScalarEntries[index] !== name ||
      lastScalarEntries[index + 1] !== (input as Record<string, unknown>)[name]
    )
      return false;
    index += 2;
  }
  return index === lastScalarEntries.length;
}

/** The cached resolution of scalar-only options (resolved and cached now when new); undefined for others. */
function knownScalarResolution(input: EvaluateOptions | undefined): ResolvedEvaluation | undefined {
  const key = scalarOptionsKey(input);
  if (key === undefined) return undefined;
  let resolved = scalarResolutions.get(key);
  if (resolved === undefined) {
    resolved = resolveOptionsAnew(input);
    if (scalarResolutions.size >= MAX_SCALAR_RESOLUTIONS) scalarResolutions.clear();
    scalarResolutions.set(key, resolved);
  }
  if (input !== undefined) {
    lastScalarEntries = Object.entries(input).flat();
    lastScalarResolution = resolved;
  }
  return resolved;
}

function resolveOptionsAnew(input: EvaluateOptions | undefined): ResolvedEvaluation {
  // Before anything reads them: a BigInt, a Symbol or a cycle must not break the error path itself.
  checkJsonData(input, 'options', true);
  const raw: unknown = input === undefined ? {} : input;
  if (!isRecord(raw)) throw new PodguardInputError('options must be an object', 'options');
  for (const key of Object.keys(raw)) {
    if (!OPTION_KEYS.has(key) && !Object.hasOwn(DEPRECATED_OPTION_NAMES, key)) fail(key, 'unknown option');
  }
  const { options, deprecations } = renameDeprecated(raw);
  let profile: Profile;
  if (options.profile !== undefined) profile = checkProfile(options.profile);
  else if (options.level !== undefined) {
    const level = checkLevel(options.level, 'level');
    profile = level === 'privileged' ? { name: 'privileged', level, rules: [] } : profiles[level];
  } else profile = profiles.hardened;

  // Explicit options win over the profile's defaults.
  const merged: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(profile.options ?? {})) merged[key] = value;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  const failOn = merged.failOn === undefined ? 'error' : merged.failOn;
  if (!FAIL_ON.includes(failOn as FailOn))
    fail('failOn', `expected error, warning or none, got ${JSON.stringify(failOn)}`);

  const version = merged.version === undefined ? 'latest' : merged.version;
  // Named as the caller wrote it: the deprecated name when that is what was given.
  const versionName = options.version !== undefined && raw.version === undefined ? 'pssVersion' : 'version';
  if (typeof version !== 'string') fail(versionName, `expected a string such as "v1.25" or "latest"`);
  let minor: number;
  try {
    minor = parseVersion(version);
  } catch (error) {
    if (error instanceof PodguardInputError) fail(versionName, error.message);
    throw error;
  }

  const denyUids =
    merged.denyUids === undefined
      ? [65534, 65535]
      : Array.isArray(merged.denyUids)
        ? merged.denyUids.map((uid, index) => checkId(uid, `denyUids[${index}]`))
        : fail('denyUids', 'expected an array of UIDs');
  const optionalId = (key: string, fallback: number | undefined): number | undefined => {
    const value = merged[key];
    if (value === undefined) return fallback;
    if (value === null) return undefined;
    return checkId(value, key);
  };

  const uidRange = checkRange(merged.uidRange, 'uidRange', { min: 1000, max: MAX_ID });
  const gidRange = checkRange(merged.gidRange, 'gidRange', { min: 1000, max: MAX_ID });
  const allowRootGroup =
    merged.allowRootGroup === undefined ? true : checkBoolean(merged.allowRootGroup, 'allowRootGroup');
  const resolved: ResolvedOptions = {
    level: profile.level,
    imageUsers: checkImageUsers(merged.imageUsers),
    uidRange,
    denyUids,
    gidRange,
    allowRootGroup,
    requireRunAsUser:
      merged.requireRunAsUser === undefined
        ? true
        : checkBoolean(merged.requireRunAsUser, 'requireRunAsUser'),
    namespaceLevel:
      merged.namespaceLevel === undefined
        ? 'restricted'
        : checkLevel(merged.namespaceLevel, 'namespaceLevel'),
    defaultUser: fixId(
      'defaultUser',
      optionalId('defaultUser', 1000),
      options.defaultUser !== undefined,
      uidRange,
      'uidRange',
      (uid) => (denyUids.includes(uid) ? `${uid} is in denyUids; choose a UID the policy allows` : undefined),
    ),
    defaultGroup: fixId(
      'defaultGroup',
      optionalId('defaultGroup', 1000),
      options.defaultGroup !== undefined,
      gidRange,
      'gidRange',
      // The rule refuses gid 0 without allowRootGroup whatever gidRange says.
      (gid) => (gid === 0 ? '0 is the root group, and allowRootGroup is false' : undefined),
      allowRootGroup,
    ),
    nonRootBases: checkStrings(merged.nonRootBases, 'nonRootBases'),
    now: checkNow(merged.now),
  };
  return {
    profile,
    version,
    minor,
    options: resolved,
    ruleSettings: checkRules(merged.rules),
    suppressions: checkSuppressions(merged.suppressions),
    failOn: failOn as FailOn,
    deprecations,
    templates: podTemplateTable(options.podTemplates),
    partial: options.partial === undefined ? false : checkBoolean(options.partial, 'partial'),
  };
}
