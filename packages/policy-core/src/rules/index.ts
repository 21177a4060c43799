/**
 * The explicit rule registry: every rule podguard knows, by id. Adding a rule touches the rule
 * file, this registry, its docs page (`docs/rules/<id>.md`) and its tests.
 */
import type { NamespaceRule, PodRule, Rule } from '../engine/rule.js';

/** Upstream Pod Security Admission checks, with upstream ids. */
export const psaRules: readonly PodRule[] = [];

/** podguard's rules beyond PSA: kubelet start-up, image USER, UID/GID policy, hardening. */
export const podguardRules: readonly (PodRule | NamespaceRule)[] = [];

/** Every rule by id. */
export const ruleRegistry: ReadonlyMap<string, Rule> = new Map(
  [...psaRules, ...podguardRules].map((rule) => [rule.id, rule]),
);
