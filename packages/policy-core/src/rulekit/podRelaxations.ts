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

const OS_LABEL = 'kubernetes.io/os';

/**
 * Whether the pod runs on Windows nodes, for podguard's own rules and for every fix: `spec.os.name`
 * is `windows`, or the pod is pinned to Windows nodes by `nodeSelector` (`kubernetes.io/os:
 * windows`) or by required node affinity (every term requires `kubernetes.io/os In [windows]`).
 * PSA verdicts keep upstream's rule ({@link isWindowsPod}, `spec.os.name` only).
 */
export function runsOnWindows(pod: PodView): boolean {
  // Asked by most rules of a profile, one after the other, of the same pod: answered once.
  if (pod !== lastPod) {
    lastAnswer = pinnedToWindows(pod);
    lastPod = pod;
  }
  return lastAnswer;
}

/** The pod {@link runsOnWindows} answered last (rules run one pod at a time), and its answer. */
let lastPod: PodView | undefined;
let lastAnswer = false;

function pinnedToWindows(pod: PodView): boolean {
  const { spec } = pod;
  if (spec.os?.name === 'windows') return true;
  const selector = spec.nodeSelector as Record<string, unknown> | undefined | null;
  if (selector != null && selector[OS_LABEL] === 'windows') return true;
  const affinity = spec.affinity as
    | {
        nodeAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: {
            nodeSelectorTerms?: {
              matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
            }[];
          };
        };
      }
    | undefined
    | null;
  const terms = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!Array.isArray(terms) || terms.length === 0) return false;
  // Terms are ORed: the pod is pinned to Windows only when every term requires it.
  return terms.every(
    (term) =>
      Array.isArray(term?.matchExpressions) &&
      term.matchExpressions.some(
        (expression) =>
          expression?.key === OS_LABEL &&
          expression.operator === 'In' &&
          Array.isArray(expression.values) &&
          expression.values.length > 0 &&
          expression.values.every((value) => value === 'windows'),
      ),
  );
}

/** The check, but pods that run on Windows ({@link runsOnWindows}) are allowed: for podguard's rules. */
export function exemptWindowsNodes(check: PodCheck): PodCheck {
  return (pod, context) => (runsOnWindows(pod) ? ALLOWED : check(pod, context));
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
