/**
 * Built-in profiles. A profile is data: the PSS level whose upstream checks run, the podguard
 * rules it adds, and option defaults. Users can build their own with the same shape.
 *
 * The podguard rules of a built-in profile come from the rules' declarations, not from a list:
 * `hardened` runs every rule of level `hardened`; `hardened:v1` only those that appeared in
 * podguard 0.1.0 (`since`), so a rule added later does not change what a pinned pipeline
 * checks, as Pod Security Admission pins `restricted:v1.30`.
 */
import type { Profile, ProfileName } from '../model/options.js';
import { podguardRules } from '../rules/index.js';

/** The podguard release each pinned profile version holds the rules of. */
export const PROFILE_VERSIONS: Readonly<Record<string, string>> = { v1: '0.1.0' };

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < 3; index++) {
    const diff = (left[index] ?? 0) - (right[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The ids of the `hardened` rules that appeared in podguard `release` or before (all when undefined). */
export function hardenedRuleIds(release?: string): string[] {
  return podguardRules
    .filter((rule) => rule.level === 'hardened')
    .filter((rule) => release === undefined || compareVersions(rule.since, release) <= 0)
    .map((rule) => rule.id);
}

/** The ids of the `openshift` rules that appeared in podguard `release` or before (all when undefined). */
export function openshiftRuleIds(release?: string): string[] {
  return podguardRules
    .filter((rule) => rule.level === 'openshift')
    .filter((rule) => release === undefined || compareVersions(rule.since, release) <= 0)
    .map((rule) => rule.id);
}

/** Pure Pod Security Admission `baseline`: no podguard rule (Dockerfiles included). */
export const baselineProfile: Profile = { name: 'baseline', level: 'baseline', rules: [] };

/** Pure Pod Security Admission `restricted`: no podguard rule (Dockerfiles included). */
export const restrictedProfile: Profile = { name: 'restricted', level: 'restricted', rules: [] };

const HARDENED_OPTIONS: Profile['options'] = {
  requireRunAsUser: true,
  defaultUser: 1000,
  defaultGroup: 1000,
};
const OPENSHIFT_OPTIONS: Profile['options'] = {
  requireRunAsUser: false,
  allowRootGroup: true,
  defaultUser: null,
  defaultGroup: 0,
};

/**
 * The default: `restricted` plus the kubelet's start-up verdict, no root at run time, an explicit
 * UID >= 1000 outside 65534/65535, a deliberate group, a read-only root filesystem, no
 * service-account token, namespaces that enforce `restricted`, and Dockerfiles and Jib builds
 * that set a non-root user. Always the latest rule set; pin `hardened:v1` to keep today's.
 */
export const hardenedProfile: Profile = {
  name: 'hardened',
  level: 'restricted',
  rules: hardenedRuleIds(),
  options: HARDENED_OPTIONS,
};

/** `hardened` pinned to the rules of podguard 0.1.0. */
export const hardenedV1Profile: Profile = {
  name: 'hardened:v1',
  level: 'restricted',
  rules: hardenedRuleIds(PROFILE_VERSIONS.v1),
  options: HARDENED_OPTIONS,
};

/**
 * OpenShift's `restricted-v2` SCC: the platform assigns an arbitrary UID from the namespace's
 * range and gid 0, so no fixed runAsUser is needed (a fixed one outside `uidRange` is a finding)
 * and group 0 is expected; Dockerfiles give their application files to group 0
 * (`dockerfileGroupZero`). The latest rule set; `openshift:v1` is pinned.
 */
export const openshiftProfile: Profile = {
  name: 'openshift',
  level: 'restricted',
  rules: [...hardenedRuleIds(), ...openshiftRuleIds()],
  options: OPENSHIFT_OPTIONS,
};

/** `openshift` pinned to the rules of podguard 0.1.0. */
export const openshiftV1Profile: Profile = {
  name: 'openshift:v1',
  level: 'restricted',
  rules: [...hardenedRuleIds(PROFILE_VERSIONS.v1), ...openshiftRuleIds(PROFILE_VERSIONS.v1)],
  options: OPENSHIFT_OPTIONS,
};

/** Built-in profiles by name. */
export const profiles: Readonly<Record<ProfileName, Profile>> = {
  baseline: baselineProfile,
  restricted: restrictedProfile,
  hardened: hardenedProfile,
  'hardened:v1': hardenedV1Profile,
  openshift: openshiftProfile,
  'openshift:v1': openshiftV1Profile,
};
