/**
 * Predicts the kubelet's `verifyRunAsNonRoot` verdict at container start. Pod Security
 * Admission only checks that `runAsNonRoot: true` is written; the kubelet then compares it with
 * the effective `runAsUser` and the image's USER, and refuses to create the container
 * (`CreateContainerConfigError`) when the user is, or may be, root.
 *
 * For each container whose effective `runAsNonRoot` is true (container over pod), as the kubelet:
 * - effective `runAsUser` 0: `runAsUserBreaksPolicy`; any other `runAsUser`: starts.
 * - no `runAsUser`, image user known (`imageUsers` option): no user or an empty user part
 *   (`""`, `":1000"`) or uid 0 → `imageRunsAsRoot`; a name (`node`, `root`) → `nonNumericUser`;
 *   a uid outside 0..2147483647 → `invalidUserId`; any other uid starts.
 * - no `runAsUser`, image user unknown: `imageUserUnknown`, a warning.
 *
 * Messages are the kubelet's, verbatim. Windows pods are exempt: the check is Linux-only. A
 * profile that leaves the UID to the platform (openshift) only has explicit `runAsUser: 0` to
 * report: the SCC sets runAsUser before the kubelet sees the pod.
 * Fix: `runAsUser: <defaultUser>` (replacing a 0, or at pod level).
 */
import {
  ALLOWED,
  type CheckResult,
  type ContainerRef,
  definePodRule,
  NO_RESULTS,
  type PodView,
  type RuleContext,
} from '../engine/rule.js';
import { pointer } from '../podspec/pointer.js';
import {
  type EffectiveValue,
  effectiveValue,
  kubeletPodName,
  startingUser,
} from './effectiveSecurityContext.js';
import { renderMessage } from './messageTemplate.js';
import { exemptWindowsPods } from './podRelaxations.js';
import { defaultUserFix } from './userFix.js';
import { goQuote } from './wording.js';

const messages = {
  runAsUserBreaksPolicy: "container's runAsUser breaks non-root policy (pod: {pod}, container: {container})",
  imageRunsAsRoot:
    'container has runAsNonRoot and image will run as root (pod: {pod}, container: {container})',
  nonNumericUser:
    'container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root (pod: {pod}, container: {container})',
  invalidUserId:
    'container has runAsNonRoot and image has an invalid user id ({uid}). (Must be 1-(2147483647)): must be between 0 and 2147483647, inclusive (pod: {pod}, container: {container})',
  imageUserUnknown:
    'container {container} has runAsNonRoot and no runAsUser: it starts only if image {image} has a numeric, non-zero USER (pod: {pod})',
} as const;

type MessageId = keyof typeof messages;

const IMAGE_ALTERNATIVE = 'Or give the image a numeric, non-zero USER (e.g. USER 1000 in its Dockerfile).';

/**
 * The kubelet's refusal. `runAsUser` is the effective `runAsUser: 0` when that is at fault; any
 * other failure is the image's USER, so it points at `image`.
 */
function refusal(
  pod: PodView,
  ref: ContainerRef,
  context: RuleContext,
  messageId: MessageId,
  runAsUser?: EffectiveValue<number>,
  extra: Record<string, string> = {},
): CheckResult {
  const userFix = defaultUserFix(pod, context, runAsUser);
  // When the image's USER is at fault, rebuilding the image is the other way out.
  const fix =
    userFix && messageId !== 'runAsUserBreaksPolicy'
      ? { ...userFix, description: `${userFix.description} ${IMAGE_ALTERNATIVE}` }
      : userFix;
  const values = { pod: goQuote(kubeletPodName(pod)), container: ref.name, ...extra };
  return {
    allowed: false,
    reason: renderMessage(messages[messageId], values),
    detail: '',
    messageId,
    locations: [{ path: runAsUser?.path ?? pointer(ref.path, 'image'), container: ref.name }],
    ...(messageId === 'imageUserUnknown' ? { severity: 'warning' as const } : {}),
    ...(fix ? { fix } : {}),
  };
}

function verdict(pod: PodView, ref: ContainerRef, context: RuleContext): CheckResult {
  if (effectiveValue(pod, ref, 'runAsNonRoot') !== true) return ALLOWED;
  const starting = startingUser(pod, ref, context);
  switch (starting.kind) {
    case 'nonRoot':
    case 'platform':
      return ALLOWED;
    case 'explicitRoot':
      return refusal(pod, ref, context, 'runAsUserBreaksPolicy', starting.runAsUser);
    case 'imageUnknown':
      return refusal(pod, ref, context, 'imageUserUnknown', undefined, {
        image: goQuote(ref.container.image ?? ''),
      });
    case 'image': {
      const { user } = starting;
      switch (user.kind) {
        case 'none':
          return refusal(pod, ref, context, 'imageRunsAsRoot');
        case 'uid':
          return user.uid === 0 ? refusal(pod, ref, context, 'imageRunsAsRoot') : ALLOWED;
        case 'name':
          return refusal(pod, ref, context, 'nonNumericUser', undefined, { user: user.name });
        case 'invalid':
          return refusal(pod, ref, context, 'invalidUserId', undefined, { uid: user.value });
      }
    }
  }
}

/** One result per container that fails; none (and nothing allocated) when all pass. */
function kubeletRunAsNonRoot_1_0(pod: PodView, context: RuleContext): readonly CheckResult[] {
  let results: CheckResult[] | undefined;
  for (const ref of pod.containers) {
    const result = verdict(pod, ref, context);
    if (!result.allowed) {
      results ??= [];
      results.push(result);
    }
  }
  return results ?? NO_RESULTS;
}

export const kubeletRunAsNonRoot = definePodRule({
  id: 'kubeletRunAsNonRoot',
  level: 'hardened',
  severity: 'error',
  description:
    'Containers with runAsNonRoot must have a user the kubelet can verify as non-root: a non-zero runAsUser, or an image with a numeric non-zero USER.',
  controls: [
    'PSS restricted: Running as Non-root',
    'CIS 5.2.7',
    'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
    'ISO 27001:2013 A.9.4.4',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  messages,
  versions: [{ since: 'v1.0', check: exemptWindowsPods(kubeletRunAsNonRoot_1_0) }],
});
