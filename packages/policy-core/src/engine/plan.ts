/**
 * Which rule variants run for a profile at a policy version, in upstream order: baseline checks
 * sorted by id, then restricted checks sorted by id (a restricted variant's `overrides` removes
 * its baseline twin), then the profile's podguard rules in profile order.
 */

import type { Profile } from '../model/options.js';
import type { PssLevel } from '../model/types.js';
import {
  type DockerfileRule,
  type JibRule,
  type NamespaceRule,
  type PodCheck,
  type PodRule,
  variantFor,
} from '../rulekit/define.js';
import { psaRules, ruleRegistry } from '../rules/index.js';

export interface PlannedPodRule {
  readonly rule: PodRule;
  readonly check: PodCheck;
}

export interface Plan {
  readonly podRules: readonly PlannedPodRule[];
  readonly namespaceRules: readonly NamespaceRule[];
  readonly dockerfileRules: readonly DockerfileRule[];
  readonly jibRules: readonly JibRule[];
}

/** The upstream checks of a level at a version, ordered as the API server runs them. */
export function psaPlan(level: PssLevel, minor: number): PlannedPodRule[] {
  if (level === 'privileged') return [];
  const baseline: PlannedPodRule[] = [];
  const restricted: PlannedPodRule[] = [];
  const overridden = new Set<string>();
  for (const rule of psaRules) {
    const variant = variantFor(rule, minor);
    if (!variant) continue;
    if (rule.level === 'baseline') baseline.push({ rule, check: variant.check });
    else if (level === 'restricted') {
      restricted.push({ rule, check: variant.check });
      for (const id of variant.overrides ?? []) overridden.add(id);
    }
  }
  // psaRules is in id order (rules/index.ts): so is each level's share of it.
  return [...baseline.filter((entry) => !overridden.has(entry.rule.id)), ...restricted];
}

const cache = new WeakMap<Profile, Map<number, Plan>>();

/** The plan of a profile at a version; cached per profile object. */
export function planFor(profile: Profile, minor: number): Plan {
  let byMinor = cache.get(profile);
  if (!byMinor) {
    byMinor = new Map();
    cache.set(profile, byMinor);
  }
  const cached = byMinor.get(minor);
  if (cached) return cached;
  const podRules = psaPlan(profile.level, minor);
  const namespaceRules: NamespaceRule[] = [];
  const dockerfileRules: DockerfileRule[] = [];
  const jibRules: JibRule[] = [];
  for (const id of profile.rules) {
    const rule = ruleRegistry.get(id);
    if (!rule) throw new Error(`profile ${profile.name} names unknown rule ${id}`);
    if (rule.target === 'namespace') namespaceRules.push(rule);
    else if (rule.target === 'dockerfile') dockerfileRules.push(rule);
    else if (rule.target === 'jib') jibRules.push(rule);
    else {
      const variant = variantFor(rule, minor);
      if (variant) podRules.push({ rule, check: variant.check });
    }
  }
  const plan = { podRules, namespaceRules, dockerfileRules, jibRules };
  byMinor.set(minor, plan);
  return plan;
}
