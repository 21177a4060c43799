/**
 * The podguard policy pack: a factory for the pack, the policies for composing your own pack, and a
 * writer for policy config files.
 */
import { PodguardInputError } from '@podguard/policy-core';
import { type EnforcementLevel, type Policies, PolicyPack, type PolicyPackConfig } from '@pulumi/policy';
import { checkSettings, kubernetesRules, warnOnce } from './checkSettings.js';
import { closest } from './didYouMean.js';
import { NAMESPACE_POLICY, namespacePolicy } from './namespacePolicy.js';
import { INPUT_POLICY, ownSettings, policyName, resourcePolicies, runsOnStack } from './policies.js';
import type { PodguardExemption, PodguardSettings } from './settings.js';
import { stackRulePolicy } from './stackRulePolicy.js';
import { UNUSED_SUPPRESSION_POLICY, unusedSuppressionPolicy } from './unusedSuppressionPolicy.js';

/** Options of the podguard pack: default settings, suppressions and enforcement levels. */
export interface PodguardPackOptions extends Omit<PodguardSettings, 'exemptions' | 'suppressions'> {
  /** Pack name, as `pulumi preview` prints it (default `podguard`). */
  name?: string;
  /** Suppressions; each names its rule. */
  suppressions?: (PodguardExemption & { rule: string })[];
  /** @deprecated Use `suppressions`. */
  exemptions?: (PodguardExemption & { rule: string })[];
  /**
   * Enforcement levels by rule id (`runAsNonRoot`), policy name (`podguard-runAsNonRoot`), or `all`.
   * Default: `mandatory` for every policy (warnings are reported as advisory).
   */
  enforcement?: Record<string, EnforcementLevel>;
}

/**
 * Every policy name of the pack: `podguard-<rule-id>` per core rule, the input policy, the
 * namespaces policy and the unused-suppression policy.
 */
export const POLICY_NAMES: readonly string[] = [
  ...kubernetesRules().map((rule) => policyName(rule.id)),
  INPUT_POLICY,
  NAMESPACE_POLICY,
  UNUSED_SUPPRESSION_POLICY,
];

const LEVELS: readonly EnforcementLevel[] = ['advisory', 'mandatory', 'remediate', 'disabled'];

/**
 * The pack options, checked once with one error naming the option, with current names. The
 * engine would otherwise report the same bad option once per policy and resource.
 */
function settingsOf(options: PodguardPackOptions): PodguardSettings {
  if (typeof options !== 'object' || options === null) {
    throw new Error('podguard: createPodguardPack options must be an object');
  }
  const { name, enforcement, ...rest } = options;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new Error(
      `podguard: invalid option name: expected a non-empty string, got ${JSON.stringify(name)}`,
    );
  }
  for (const [key, level] of Object.entries(enforcement ?? {})) {
    const ids = kubernetesRules().map((rule) => rule.id);
    const known = key === 'all' || ids.includes(key) || POLICY_NAMES.includes(key);
    if (!known) {
      const guess = closest(key, [...ids, ...POLICY_NAMES]);
      throw new Error(
        `podguard: invalid option enforcement.${key}: no such rule or policy${guess ? ` (did you mean ${guess}?)` : ''}`,
      );
    }
    if (!LEVELS.includes(level)) {
      throw new Error(
        `podguard: invalid option enforcement.${key}: expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
      );
    }
  }
  try {
    const checked = checkSettings(rest, { name: 'createPodguardPack', takesSuppressions: true });
    for (const message of checked.deprecated) warnOnce(`podguard: createPodguardPack: ${message}`);
    return checked.settings;
  } catch (error) {
    if (error instanceof PodguardInputError) throw new Error(`podguard: ${error.message}`);
    throw error;
  }
}

function enforcementFor(
  name: string,
  enforcement: PodguardPackOptions['enforcement'],
): EnforcementLevel | undefined {
  if (!enforcement) return undefined;
  const rule = name.slice('podguard-'.length);
  return enforcement[name] ?? enforcement[rule] ?? enforcement.all;
}

/**
 * The podguard policies, for composing a pack of your own:
 * `new PolicyPack('mine', { policies: [...podguardPolicies({ profile: 'openshift' }), ...mine] })`.
 */
export function podguardPolicies(options: PodguardPackOptions = {}): Policies {
  const settings = settingsOf(options);
  const policies: Policies = [
    ...resourcePolicies(settings),
    ...kubernetesRules()
      .filter(runsOnStack)
      .map((rule) => stackRulePolicy(rule, ownSettings(rule, settings))),
    namespacePolicy(settings),
    // Last: it reports what the policies before it, stack policies included, left unused.
    unusedSuppressionPolicy(settings),
  ];
  for (const policy of policies) {
    const level = enforcementFor(policy.name, options.enforcement);
    if (level !== undefined) policy.enforcementLevel = level;
  }
  return policies;
}

/**
 * Creates and serves the podguard policy pack. Call it once, from a policy pack program (a
 * `PulumiPolicy.yaml` folder); constructing a PolicyPack starts its gRPC server.
 *
 * @example
 * ```js
 * // index.js of a policy pack folder
 * const { createPodguardPack } = require('@podguard/pulumi');
 * createPodguardPack({ profile: 'hardened', uidRange: { min: 10000 } });
 * ```
 */
export function createPodguardPack(options: PodguardPackOptions = {}): PolicyPack {
  return new PolicyPack(options.name ?? 'podguard', {
    policies: podguardPolicies(options),
    enforcementLevel: 'mandatory',
    description: 'Stops Kubernetes workloads that would run as root or fail the Pod Security Standards.',
    displayName: 'podguard',
    provider: 'kubernetes',
    tags: ['kubernetes', 'pod-security', 'psa'],
  });
}

/**
 * A policy config file (`pulumi preview --policy-pack-config <file>`) that sets the same settings
 * on every podguard policy, suppressions on the policy of their rule, and enforcement levels.
 * Pulumi's `all` key sets enforcement levels only, so settings are written per policy.
 */
export function podguardPolicyConfig(options: PodguardPackOptions = {}): PolicyPackConfig {
  const { suppressions = [], ...settings } = settingsOf(options);
  const config: PolicyPackConfig = {};
  if (options.enforcement?.all !== undefined) config.all = options.enforcement.all;
  for (const name of POLICY_NAMES) {
    const rule = name.slice('podguard-'.length);
    const entry: Record<string, unknown> = { ...settings };
    const own = suppressions.filter((suppression) => suppression.rule === rule);
    if (own.length > 0) entry.suppressions = own;
    const level = options.enforcement?.[name] ?? options.enforcement?.[rule];
    if (level !== undefined) entry.enforcementLevel = level;
    if (Object.keys(entry).length > 0) config[name] = entry;
  }
  return config;
}
