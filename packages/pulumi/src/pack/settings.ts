/**
 * The settings every podguard policy accepts, their JSON schema (the policy's `configSchema`), and
 * their translation to the core's `EvaluateOptions`.
 *
 * Pulumi hands each policy only its own config (`args.getConfig()`), and the `all` key of a policy
 * config file sets enforcement levels only. So each `podguard-<rule>` policy carries the same
 * settings schema; `createPodguardPack(options)` writes options into every policy's initial
 * config, and `podguardPolicyConfig()` writes a config file that sets them for every policy.
 */
import type { EvaluateOptions, ProfileName, PssLevel, Suppression } from '@podguard/policy-core';
import type { PolicyConfigSchema } from '@pulumi/policy';

/**
 * An exemption: a rule that may be broken by the resources it matches, with a reason, optionally
 * until a day. Exemptions are reported on the findings they cover (Pulumi shows nothing for an
 * exempted finding; the finding reappears, as a violation, the day after `expires`).
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

/** The settings of a podguard policy. Every field is optional; the defaults are the core's. */
export interface PodguardSettings {
  /** `baseline`, `restricted`, `hardened` (default) or `openshift`. */
  profile?: ProfileName;
  /** Pod Security Standards version, `v1.0` ... or `latest` (default). */
  pssVersion?: string;
  /** Allowed runAsUser range, inclusive (default 1000..2147483647). */
  uidRange?: { min?: number; max?: number };
  /** UIDs never allowed (default 65534, 65535). */
  denyUids?: number[];
  /** Allowed runAsGroup/fsGroup/supplementalGroups range, inclusive (default 1000..2147483647). */
  gidRange?: { min?: number; max?: number };
  /** Whether gid 0 is allowed (default true). */
  allowRootGroup?: boolean;
  /** Whether an explicit runAsUser is required (hardened: true, openshift: false). */
  requireRunAsUser?: boolean;
  /** Level a Namespace's `pod-security.kubernetes.io/enforce` label must have (default restricted). */
  namespaceLevel?: PssLevel;
  /** Image reference to its OCI config `User`, e.g. `{ "registry.example.com/web:1.2": "10001" }`. */
  imageUsers?: Record<string, string>;
  /**
   * Let `remediate` apply unsafe fixes too: those that change or remove a value the author wrote
   * (an explicit UID, an added capability, `readOnlyRootFilesystem: false`...). Default false:
   * remediation only adds what is missing (see docs/fixes.md).
   */
  unsafeFixes?: boolean;
  exemptions?: PodguardExemption[];
}

const LEVELS: PssLevel[] = ['privileged', 'baseline', 'restricted'];
const PROFILES: ProfileName[] = ['baseline', 'restricted', 'hardened', 'openshift'];

const idRange = (what: string) => ({
  type: 'object' as const,
  description: `${what}, inclusive.`,
  additionalProperties: false,
  properties: {
    min: { type: 'integer' as const, minimum: 0, maximum: 2_147_483_647 },
    max: { type: 'integer' as const, minimum: 0, maximum: 2_147_483_647 },
  },
});

const globField = (what: string) => ({ type: 'string' as const, description: `${what} (glob: * and ?).` });

/** The settings schema with the built-in defaults. */
const baseSchema: PolicyConfigSchema = {
  properties: {
    profile: {
      type: 'string',
      enum: PROFILES,
      default: 'hardened',
      description:
        'podguard profile: baseline, restricted, hardened (restricted + no root at run time) or openshift.',
    },
    pssVersion: {
      type: 'string',
      pattern: '^(latest|v1\\.(0|[1-9][0-9]*))$',
      default: 'latest',
      description: 'Pod Security Standards version, as in pod-security.kubernetes.io/enforce-version.',
    },
    uidRange: idRange('Allowed runAsUser range (default 1000..2147483647)'),
    denyUids: {
      type: 'array',
      items: { type: 'integer', minimum: 0 },
      description: 'UIDs never allowed (default 65534, 65535).',
    },
    gidRange: idRange('Allowed runAsGroup, fsGroup and supplementalGroups range (default 1000..2147483647)'),
    allowRootGroup: { type: 'boolean', description: 'Whether gid 0 is allowed (default true).' },
    requireRunAsUser: {
      type: 'boolean',
      description: 'Whether an explicit runAsUser is required (hardened: true, openshift: false).',
    },
    namespaceLevel: {
      type: 'string',
      enum: LEVELS,
      description:
        'Level a Namespace must enforce with pod-security.kubernetes.io/enforce (default restricted).',
    },
    imageUsers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description:
        'Image reference to the USER of its OCI config, e.g. {"registry.example.com/web:1.2": "10001"}.',
    },
    unsafeFixes: {
      type: 'boolean',
      default: false,
      description:
        'Let remediate apply unsafe fixes too (changing or removing values the author wrote); default: only add what is missing.',
    },
    exemptions: {
      type: 'array',
      default: [],
      description: 'Exemptions from this rule, each with a reason and optionally an expiry day.',
      items: {
        type: 'object',
        required: ['reason'],
        additionalProperties: false,
        properties: {
          rule: { type: 'string', description: "The rule id; optional, it is this policy's rule." },
          reason: { type: 'string', minLength: 10, description: 'Why the rule may be broken.' },
          expires: {
            type: 'string',
            pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
            description: 'YYYY-MM-DD; the exemption stops applying after this day (UTC).',
          },
          match: {
            type: 'object',
            additionalProperties: false,
            properties: {
              type: globField('Pulumi type'),
              urn: globField('Pulumi URN'),
              kind: { type: 'string', description: 'Kubernetes kind.' },
              namespace: globField('metadata.namespace'),
              name: globField('metadata.name'),
              container: { type: 'string', description: 'Container name.' },
            },
          },
        },
      },
    },
  },
};

/**
 * The `configSchema` of a podguard policy. The engine fills in its defaults before the user's
 * config, so `defaults` (pack options) become the schema's defaults.
 */
export function settingsSchema(defaults: PodguardSettings = {}): PolicyConfigSchema {
  const properties: PolicyConfigSchema['properties'] = {};
  for (const [key, schema] of Object.entries(baseSchema.properties)) {
    const value = defaults[key as keyof PodguardSettings];
    properties[key] = value === undefined ? schema : { ...schema, default: value };
  }
  return { properties };
}

/** Core options for settings (without exemptions, which depend on the resource). */
export function evaluateOptionsFor(settings: PodguardSettings): EvaluateOptions {
  const options: EvaluateOptions = { profile: settings.profile ?? 'hardened' };
  if (settings.pssVersion !== undefined) options.version = settings.pssVersion;
  if (settings.uidRange !== undefined) options.uidRange = settings.uidRange;
  if (settings.denyUids !== undefined) options.denyUids = settings.denyUids;
  if (settings.gidRange !== undefined) options.gidRange = settings.gidRange;
  if (settings.allowRootGroup !== undefined) options.allowRootGroup = settings.allowRootGroup;
  if (settings.requireRunAsUser !== undefined) options.requireRunAsUser = settings.requireRunAsUser;
  if (settings.namespaceLevel !== undefined) options.namespaceLevel = settings.namespaceLevel;
  if (settings.imageUsers !== undefined && Object.keys(settings.imageUsers).length > 0) {
    options.imageUsers = settings.imageUsers;
  }
  return options;
}

/** Anchored glob match: `*` any run of characters, `?` one character. */
export function globMatches(glob: string, value: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/** The resource a policy is looking at, as Pulumi names it. */
export interface PulumiResourceRef {
  readonly type: string;
  readonly urn: string;
}

/**
 * The core suppressions for one rule and one resource: exemptions of that rule whose Pulumi-side
 * match (type, URN) covers the resource, with the Kubernetes-side match left to the core.
 */
export function suppressionsFor(
  rule: string,
  exemptions: readonly PodguardExemption[],
  resource: PulumiResourceRef,
): Suppression[] {
  const suppressions: Suppression[] = [];
  for (const exemption of exemptions) {
    if ((exemption.rule ?? rule) !== rule) continue;
    const match = exemption.match ?? {};
    if (match.type !== undefined && !globMatches(match.type, resource.type)) continue;
    if (match.urn !== undefined && !globMatches(match.urn, resource.urn)) continue;
    const suppression: Suppression = { rule, reason: exemption.reason };
    if (exemption.expires !== undefined) suppression.expires = exemption.expires;
    const coreMatch: NonNullable<Suppression['match']> = {};
    if (match.kind !== undefined) coreMatch.kind = match.kind;
    if (match.namespace !== undefined) coreMatch.namespace = match.namespace;
    if (match.name !== undefined) coreMatch.name = match.name;
    if (match.container !== undefined) coreMatch.container = match.container;
    if (Object.keys(coreMatch).length > 0) suppression.match = coreMatch;
    suppressions.push(suppression);
  }
  return suppressions;
}
