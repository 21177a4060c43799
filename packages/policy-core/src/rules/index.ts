/**
 * The explicit rule registry: every rule podguard knows, by id. Adding a rule touches the rule
 * file, this registry, its docs page (`docs/rules/<id>.md`) and its tests.
 */
import type { DockerfileRule, JibRule, NamespaceRule, PodRule, Rule } from '../rulekit/define.js';
import { allowPrivilegeEscalation } from './allowPrivilegeEscalation.js';
import { appArmorProfile } from './appArmorProfile.js';
import { automountServiceAccountToken } from './automountServiceAccountToken.js';
import { capabilities_baseline } from './capabilities_baseline.js';
import { capabilities_restricted } from './capabilities_restricted.js';
import { dockerfileGroupZero } from './dockerfileGroupZero.js';
import { dockerfileUser } from './dockerfileUser.js';
import { hostNamespaces } from './hostNamespaces.js';
import { hostPathVolumes } from './hostPathVolumes.js';
import { hostPorts } from './hostPorts.js';
import { hostProbesAndHostLifecycle } from './hostProbesAndHostLifecycle.js';
import { jibUser } from './jibUser.js';
import { kubeletRunAsNonRoot } from './kubeletRunAsNonRoot.js';
import { namespaceEnforceLabel } from './namespaceEnforceLabel.js';
import { privileged } from './privileged.js';
import { procMount } from './procMount.js';
import { procMount_restricted } from './procMount_restricted.js';
import { readOnlyRootFilesystem } from './readOnlyRootFilesystem.js';
import { restrictedVolumes } from './restrictedVolumes.js';
import { runAsGroupPolicy } from './runAsGroupPolicy.js';
import { runAsNonRoot } from './runAsNonRoot.js';
import { runAsRoot } from './runAsRoot.js';
import { runAsUser } from './runAsUser.js';
import { runAsUserRange } from './runAsUserRange.js';
import { seccompProfile_baseline } from './seccompProfile_baseline.js';
import { seccompProfile_restricted } from './seccompProfile_restricted.js';
import { seLinuxOptions } from './seLinuxOptions.js';
import { sysctls } from './sysctls.js';
import { windowsHostProcess } from './windowsHostProcess.js';

/** Upstream Pod Security Admission checks, with upstream ids, in id order (byte order of the ids: upstream runs its checks so, see engine/plan.ts). */
export const psaRules: readonly PodRule[] = [
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilities_baseline,
  capabilities_restricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  procMount_restricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seLinuxOptions,
  seccompProfile_baseline,
  seccompProfile_restricted,
  sysctls,
  windowsHostProcess,
];

/** podguard's rules beyond PSA: kubelet start-up, image USER (Dockerfiles, Jib), UID/GID policy, hardening, OpenShift images. */
export const podguardRules: readonly (PodRule | NamespaceRule | DockerfileRule | JibRule)[] = [
  kubeletRunAsNonRoot,
  runAsRoot,
  runAsUserRange,
  runAsGroupPolicy,
  readOnlyRootFilesystem,
  automountServiceAccountToken,
  namespaceEnforceLabel,
  dockerfileUser,
  jibUser,
  dockerfileGroupZero,
];

/** Every rule by id. */
export const ruleRegistry: ReadonlyMap<string, Rule> = new Map(
  [...psaRules, ...podguardRules].map((rule) => [rule.id, rule]),
);
