/**
 * The settings every podguard policy accepts, their JSON schema (the policy's `configSchema`), and
 * their translation to the core's `EvaluateOptions`.
 *
 * Pulumi hands each policy only its own config (`args.getConfig()`), and the `all` key of a policy
 * config file sets enforcement levels only. So every policy accepts every setting (and checks it,
 * checkSettings.ts); `createPodguardPack(options)` writes options into every policy's initial
 * config, and `podguardPolicyConfig()` writes a config file that sets them for every policy. A
 * rule's policy describes in its schema the settings that change its verdicts: the engine's, and
 * the options its rule reads (the others would be most of what `GetAnalyzerInfo` carries, and
 * the engine, whose config schemas allow other keys, needs no word of them). Deprecated names
 * are taken and checked by the pack but described nowhere: `@pulumi/policy` converts every
 * schema byte at start-up (about 1 ms per KB), and they were a quarter of the schemas.
 */
import {
  type EvaluateOptions,
  globMatches,
  type JsonSchema,
  optionReaders,
  podguardOptionsSchema,
  type Suppression,
} from '@podguard/policy-core';
import type { PolicyConfigSchema } from '@pulumi/policy';

/**
 * An exemption: a rule that may be broken by the resources it matches, with a reason, optionally
 * until a day. Exemptions are reported on the findings they cover (an exempted finding is shown
 * as advisory, tagged suppressed; it is a violation again the day after `expires`), and one that
 * covers no finding of the stack is reported by the `podguard-unusedSuppression` stack policy.
 */
export interface PodguardExemption {
  /** Rule id. Optional in a policy's own config (it is that policy's rule); required in pack options. */
  rule?: string;
  /** Why the rule may be broken; at least 10 characters. */
  reason: string;
  /** `YYYY-MM-DD`; the exemption stops applying after this day (UTC). */
  expires?: string;
  /** Which resources the exemption covers; every given field must match. No match: every resource. */
  match?: {
    /** Pulumi type, glob (`*`, `?`), e.g. `kubernetes:apps/v1:*`. */
    type?: string;
    /** Pulumi URN, glob, e.g. `urn:pulumi:prod::shop::*::legacy-*`. */
    urn?: string;
    /** Kubernetes kind, exact, e.g. `DaemonSet`. */
    kind?: string;
    /** `metadata.namespace`, glob. */
    namespace?: string;
    /** `metadata.name`, glob. */
    name?: string;
    /** Container name, exact. */
    container?: string;
  };
}

/** Which findings are mandatory: `error` (default), also `warning`s, or `none` (all advisory). */
export type { FailOn } from '@podguard/policy-core';

/**
 * The settings of a podguard policy: the core's options (every field optional, the defaults the
 * core's), with suppressions that may also match Pulumi types and URNs.
 */
export interface PodguardSettings extends Omit<EvaluateOptions, 'suppressions' | 'exemptions' | 'now'> {
  /** Suppressions of this policy's rule, each with a reason. */
  suppressions?: PodguardExemption[];
  /**
   * Let `remediate` apply unsafe fixes too: those that change or remove a value the author wrote
   * (an explicit UID, an added capability, `readOnlyRootFilesystem: false`...). Default false:
   * remediation only adds what is missing (see docs/fixes.md).
   */
  unsafeFixes?: boolean;
  /** @deprecated Use `suppressions`. */
  exemptions?: PodguardExemption[];
}

type SchemaProperty = PolicyConfigSchema['properties'][string];

/**
 * A suppression in a policy's config: the core's suppression, where `rule` may be left out (it is
 * the policy's rule) and `match` also takes Pulumi's coordinates, `type` and `urn` (globs).
 */
function pulumiSuppressions(core: JsonSchema): SchemaProperty {
  const item = core.items ?? {};
  const match = item.properties?.match ?? {};
  return {
    ...core,
    items: {
      ...item,
      required: ['reason'],
      properties: {
        ...item.properties,
        rule: { type: 'string', description: "The rule id; optional, it is this policy's rule." },
        match: {
          ...match,
          properties: {
            ...match.properties,
            type: { type: 'string', description: 'Pulumi type (glob: * and ?), e.g. kubernetes:apps/v1:*.' },
            urn: { type: 'string', description: 'Pulumi URN (glob: * and ?).' },
          },
        },
      },
    },
  } as SchemaProperty;
}

/**
 * The settings schema: the core's options schema (`podguardOptionsSchema`) unchanged, but for
 * suppressions (see {@link pulumiSuppressions}) and the default profile.
 */
const baseSchema: PolicyConfigSchema = {
  properties: Object.fromEntries(
    Object.entries(podguardOptionsSchema.properties ?? {}).map(([key, schema]) => [
      key,
      (key === 'suppressions' || key === 'exemptions'
        ? pulumiSuppressions(schema)
        : key === 'profile'
          ? { ...schema, default: 'hardened' }
          : schema) as SchemaProperty,
    ]),
  ),
};
// The one setting of Pulumi's own: remediation may apply unsafe fixes (the core's `harden` option).
baseSchema.properties.unsafeFixes = {
  type: 'boolean',
  default: false,
  description:
    'Let remediate apply unsafe fixes too (changing or removing values the author wrote); default: only add what is missing.',
};

/** Settings that only the rule policies take (the input and stack policies suppress nothing). */
const SUPPRESSION_KEYS: readonly string[] = ['suppressions', 'exemptions'];

/** Every setting a podguard policy knows, current and deprecated names. */
export const SETTING_KEYS: readonly string[] = Object.keys(baseSchema.properties);

/** The options rules read, by name: each with the ids of the rules that read it. */
const RULE_OPTIONS: Readonly<Record<string, readonly string[]>> = optionReaders();

/**
 * The `configSchema` of a podguard policy. The engine fills in its defaults before the user's
 * config, so `defaults` (pack options) become the schema's defaults (the pack also merges them
 * itself: a setting left out of a schema still has its default). Policies that take no
 * suppressions (`suppressions: false`) have none in their schema; a rule's policy (`rule`)
 * describes, of the options rules read, those its rule reads; deprecated names are left out
 * (the pack still takes them, checks them and says they are deprecated).
 */
export function settingsSchema(
  defaults: PodguardSettings = {},
  { suppressions = true, rule }: { suppressions?: boolean; rule?: string } = {},
): PolicyConfigSchema {
  const properties: PolicyConfigSchema['properties'] = {};
  for (const [key, schema] of Object.entries(baseSchema.properties)) {
    if ((schema as JsonSchema).deprecated === true) continue;
    if (!suppressions && SUPPRESSION_KEYS.includes(key)) continue;
    const readers = RULE_OPTIONS[key];
    if (rule !== undefined && readers !== undefined && !readers.includes(rule)) continue;
    const value = defaults[key as keyof PodguardSettings];
    properties[key] = value === undefined ? schema : { ...schema, default: value };
  }
  return { properties };
}

/** Core options for settings: all of them but suppressions, which depend on the resource. */
export function evaluateOptionsFor(settings: PodguardSettings): EvaluateOptions {
  const { suppressions: _suppressions, exemptions: _exemptions, unsafeFixes: _unsafe, ...options } = settings;
  return { profile: 'hardened', ...options } as EvaluateOptions;
}

/** The resource a policy is looking at, as Pulumi names it. */
export interface PulumiResourceRef {
  readonly type: string;
  readonly urn: string;
}

/** A suppression of a policy's settings, by its place in them, in the core's form. */
export interface IndexedSuppression {
  readonly index: number;
  readonly suppression: Suppression;
}

/** The core form of a suppression of `rule`: Pulumi's own match keys (type, URN) left out. */
export function coreSuppression(rule: string, exemption: PodguardExemption): Suppression {
  const suppression: Suppression = { rule, reason: exemption.reason };
  if (exemption.expires !== undefined) suppression.expires = exemption.expires;
  const match = exemption.match ?? {};
  const coreMatch: NonNullable<Suppression['match']> = {};
  if (match.kind !== undefined) coreMatch.kind = match.kind;
  if (match.namespace !== undefined) coreMatch.namespace = match.namespace;
  if (match.name !== undefined) coreMatch.name = match.name;
  if (match.container !== undefined) coreMatch.container = match.container;
  if (Object.keys(coreMatch).length > 0) suppression.match = coreMatch;
  return suppression;
}

/**
 * The suppressions of one rule that may cover one resource, by their place in the settings: those
 * whose Pulumi-side match (type, URN) covers it, with the Kubernetes-side match left to the core.
 */
export function coveringSuppressions(
  rule: string,
  exemptions: readonly PodguardExemption[],
  resource: PulumiResourceRef,
): IndexedSuppression[] {
  const covering: IndexedSuppression[] = [];
  exemptions.forEach((exemption, index) => {
    if ((exemption.rule ?? rule) !== rule) return;
    const match = exemption.match ?? {};
    if (match.type !== undefined && !globMatches(match.type, resource.type)) return;
    if (match.urn !== undefined && !globMatches(match.urn, resource.urn)) return;
    covering.push({ index, suppression: coreSuppression(rule, exemption) });
  });
  return covering;
}

/** The core suppressions for one rule and one resource (see {@link coveringSuppressions}). */
export function suppressionsFor(
  rule: string,
  exemptions: readonly PodguardExemption[],
  resource: PulumiResourceRef,
): Suppression[] {
  return coveringSuppressions(rule, exemptions, resource).map((covering) => covering.suppression);
}
