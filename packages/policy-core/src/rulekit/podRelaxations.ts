/**
 * Upstream's pod-wide exemptions, as variant wrappers: Windows pods (`spec.os.name: windows`,
 * from v1.25, for the Linux-only restricted fields) and pods in a user namespace
 * (`hostUsers: false`, from v1.35, for the root-related checks).
 */

import type { PodView } from '../model/views.js';
import { ALLOWED, type PodCheck } from './define.js';

/** `spec.os.name == "windows"`. */
export function isWindowsPod(pod: PodView): boolean {
  return pod.spec.os?.name === 'windows';
}

/**
 * Upstream's `relaxPolicyForUserNamespacePod`: `hostUsers` is explicitly false. Unset means the
 * host user namespace (the API server does not default it).
 */
export function relaxPolicyForUserNamespacePod(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

/** The check, but Windows pods are allowed (the fields it checks do not exist on Windows). */
export function exemptWindowsPods(check: PodCheck): PodCheck {
  return (pod, context) => (isWindowsPod(pod) ? ALLOWED : check(pod, context));
}

/** The check, but pods with `hostUsers: false` are allowed (root in a user namespace is not host root). */
export function relaxForUserNamespaces(check: PodCheck): PodCheck {
  return (pod, context) => (relaxPolicyForUserNamespacePod(pod) ? ALLOWED : check(pod, context));
}
