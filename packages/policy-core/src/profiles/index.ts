/**
 * Built-in profiles. A profile is data: the PSS level whose upstream checks run, the podguard
 * rules it adds, and option defaults. Users can build their own with the same shape.
 */
import type { Profile, ProfileName } from '../model/options.js';

/** The podguard rules that catch the "forgotten root" and its neighbours. */
const ROOT_RULES = [
  'kubeletRunAsNonRoot',
  'runAsRoot',
  'runAsUserRange',
  'runAsGroupPolicy',
  'readOnlyRootFilesystem',
  'automountServiceAccountToken',
  'namespaceEnforceLabel',
];

/** Pure Pod Security Admission `baseline`. */
export const baselineProfile: Profile = { name: 'baseline', level: 'baseline', rules: [] };

/** Pure Pod Security Admission `restricted`. */
export const restrictedProfile: Profile = { name: 'restricted', level: 'restricted', rules: [] };

/**
 * The default: `restricted` plus the kubelet's start-up verdict, no root at run time, an explicit
 * UID >= 1000 outside 65534/65535, a deliberate group, a read-only root filesystem, no
 * service-account token, and namespaces that enforce `restricted`.
 */
export const hardenedProfile: Profile = {
  name: 'hardened',
  level: 'restricted',
  rules: ROOT_RULES,
  options: { requireRunAsUser: true, defaultUser: 1000, defaultGroup: 1000 },
};

/**
 * OpenShift's `restricted-v2` SCC: the platform assigns an arbitrary UID from the namespace's
 * range and gid 0, so no fixed runAsUser is needed (a fixed one outside `uidRange` is a finding)
 * and group 0 is expected.
 */
export const openshiftProfile: Profile = {
  name: 'openshift',
  level: 'restricted',
  rules: ROOT_RULES,
  options: { requireRunAsUser: false, allowRootGroup: true, defaultUser: null, defaultGroup: 0 },
};

/** Built-in profiles by name. */
export const profiles: Readonly<Record<ProfileName, Profile>> = {
  baseline: baselineProfile,
  restricted: restrictedProfile,
  hardened: hardenedProfile,
  openshift: openshiftProfile,
};
