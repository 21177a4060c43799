/**
 * The podguard policy pack: a factory for the pack, the policies for composing your own pack, and a
 * writer for policy config files.
 */
import { ruleRegistry } from '@podguard/policy-core';
import { type EnforcementLevel, type Policies, PolicyPack, type PolicyPackConfig } from '@pulumi/policy';
import { NAMESPACE_POLICY, namespacePolicy } from './namespacePolicy.js';
import { INPUT_POLICY, policyName, resourcePolicies } from './policies.js';
import type { PodguardExemption, PodguardSettings } from './settings.js';

/** Options of the podguard pack: default settings, exemptions and enforcement levels. */
export interface PodguardPackOptions extends Omit<PodguardSettings, 'exemptions'> {
  /** Pack name, as `pulumi preview` prints it (default `podguard`). */
  name?: string;
  /** Exemptions; each names its rule. */
  exemptions?: (PodguardExemption & { rule: string })[];
  /**
   * Enforcement levels by rule id (`runAsNonRoot`), policy name (`podguard-runAsNonRoot`), or `all`.
   * Default: `mandatory` for every policy (warnings are reported as advisory).
   */
  enforcement?: Record<string, EnforcementLevel>;
}

/** Every policy name of the pack: `podguard-<rule-id>` per core rule, the input policy, the stack policy. */
export const POLICY_NAMES: readonly string[] = [
  ...[...ruleRegistry.keys()].map(policyName),
  INPUT_POLICY,
  NAMESPACE_POLICY,
];

function checkExemptions(exemptions: PodguardPackOptions['exemptions']): void {
  for (const [index, exemption] of (exemptions ?? []).entries()) {
    if (!ruleRegistry.has(exemption.rule)) {
      throw new Error(`podguard: exemptions[${index}] names unknown rule "${exemption.rule}"`);
    }
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

function settingsOf(options: PodguardPackOptions): PodguardSettings {
  const { name: _name, enforcement: _enforcement, ...settings } = options;
  return settings;
}

/**
 * The podguard policies, for composing a pack of your own:
 * `new PolicyPack('mine', { policies: [...podguardPolicies({ profile: 'openshift' }), ...mine] })`.
 */
export function podguardPolicies(options: PodguardPackOptions = {}): Policies {
  checkExemptions(options.exemptions);
  const settings = settingsOf(options);
  const policies: Policies = [...resourcePolicies(settings), namespacePolicy(settings)];
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
 * on every podguard policy, exemptions on the policy of their rule, and enforcement levels.
 * Pulumi's `all` key sets enforcement levels only, so settings are written per policy.
 */
export function podguardPolicyConfig(options: PodguardPackOptions = {}): PolicyPackConfig {
  checkExemptions(options.exemptions);
  const { exemptions = [], ...settings } = settingsOf(options);
  const config: PolicyPackConfig = {};
  if (options.enforcement?.all !== undefined) config.all = options.enforcement.all;
  for (const name of POLICY_NAMES) {
    const rule = name.slice('podguard-'.length);
    const entry: Record<string, unknown> = { ...settings };
    const own = exemptions.filter((exemption) => exemption.rule === rule);
    if (own.length > 0) entry.exemptions = own;
    const level = options.enforcement?.[name] ?? options.enforcement?.[rule];
    if (level !== undefined) entry.enforcementLevel = level;
    if (Object.keys(entry).length > 0) config[name] = entry;
  }
  return config;
}
