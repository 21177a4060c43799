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
 * Windows pods (`spec.os.name: windows`) get the kubelet's Windows check instead
 * (`security_context_windows.go`): the effective `windowsOptions.runAsUserName` (container over
 * pod) must not be ContainerAdministrator (`windowsRunAsUserNameAdministrator`); without one, the
 * image's user must not be (`windowsImageAdministrator`), and an unknown image user is a warning
 * (`windowsImageUserUnknown`). Names compare as Go's `strings.EqualFold` compares them.
 *
 * Messages are the kubelet's, verbatim. A profile that leaves the UID to the platform (openshift)
 * only has explicit `runAsUser: 0` to report: the SCC sets runAsUser before the kubelet sees the pod.
 * Fix: `runAsUser: <defaultUser>` (replacing a 0, or at pod level); on Windows,
 * `runAsUserName: ContainerUser` (replacing ContainerAdministrator, or at pod level).
 */

import { imageUserFor } from '../image/imageReference.js';
import {
  DEFAULT_USER_SCHEMA,
  IMAGE_USERS_SCHEMA,
  REQUIRE_RUN_AS_USER_SCHEMA,
} from '../model/optionSchemas.js';
import type { Fix } from '../model/types.js';
import type { ContainerRef, PodView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { ALLOWED, type CheckResult, definePodRule, refusedContainers } from '../rulekit/define.js';
import {
  type EffectiveValue,
  effectiveValue,
  kubeletPodName,
  startingUser,
} from '../rulekit/effectiveSecurityContext.js';
import { renderMessage } from '../rulekit/messageTemplate.js';
import { setField } from '../rulekit/patch.js';
import { runsOnWindows } from '../rulekit/podRelaxations.js';
import { defaultUserFix } from '../rulekit/userFix.js';
import { goQuote } from '../rulekit/wording.js';

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
  windowsRunAsUserNameAdministrator:
    "container's runAsUserName ({user}) which will be regarded as root identity and will break non-root policy (pod: {pod}, container: {container})",
  windowsImageAdministrator:
    "container's runAsUser ({user}) which will be regarded as root identity and will break non-root policy (pod: {pod}, container: {container})",
  windowsImageUserUnknown:
    'container {container} has runAsNonRoot and no runAsUserName: it starts only if image {image} does not run as ContainerAdministrator (pod: {pod})',
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
  const { fix: userFix, unfixable } = defaultUserFix(pod, context, runAsUser);
  // When the image's USER is at fault, rebuilding the image is the other way out.
  const fix =
    userFix && messageId !== 'runAsUserBreaksPolicy'
      ? { ...userFix, description: `${userFix.description} ${IMAGE_ALTERNATIVE}` }
      : userFix;
  return kubeletFailure(
    pod,
    ref,
    messageId,
    extra,
    runAsUser?.path ?? pointer(ref.path, 'image'),
    fix,
    unfixable,
  );
}

/** Short, stable reasons by message id; the kubelet's own words are the detail and the message. */
const REASONS: Readonly<Record<MessageId, string>> = {
  runAsUserBreaksPolicy: 'runAsUser breaks non-root policy',
  imageRunsAsRoot: 'image runs as root',
  nonNumericUser: 'image user is non-numeric',
  invalidUserId: 'image user id is invalid',
  imageUserUnknown: 'image user unknown',
  windowsRunAsUserNameAdministrator: 'runAsUserName is ContainerAdministrator',
  windowsImageAdministrator: 'image user is ContainerAdministrator',
  windowsImageUserUnknown: 'image user unknown',
};

/** The messages that are advice, not a certain refusal: the image's user is not known. */
const WARNINGS: ReadonlySet<MessageId> = new Set(['imageUserUnknown', 'windowsImageUserUnknown']);

/** A failure in the kubelet's words (`{pod}` and `{container}` filled in), at `path`. */
function kubeletFailure(
  pod: PodView,
  ref: ContainerRef,
  messageId: MessageId,
  values: Record<string, string>,
  path: string,
  fix: Fix | undefined,
  unfixable?: string,
): CheckResult {
  const kubelet = renderMessage(messages[messageId], {
    pod: goQuote(kubeletPodName(pod)),
    container: ref.name,
    ...values,
  });
  return {
    allowed: false,
    reason: REASONS[messageId],
    detail: kubelet,
    message: kubelet,
    messageId,
    locations: [{ path, container: ref.name }],
    ...(WARNINGS.has(messageId) ? { severity: 'warning' as const } : {}),
    ...(fix ? { fix } : {}),
    ...(unfixable ? { unfixable } : {}),
  };
}

/** The kubelet's `windowsRootUserName`, and the unprivileged account every Windows base image has. */
const WINDOWS_ADMINISTRATOR = 'containeradministrator';
const WINDOWS_USER = 'ContainerUser';
const RUN_AS_USER_NAME = ['securityContext', 'windowsOptions', 'runAsUserName'];

/**
 * Go's `strings.EqualFold(name, "ContainerAdministrator")`: ASCII case-insensitive, plus the one
 * non-ASCII letter that folds into that name (U+017F, long s, folds to s). No other non-ASCII
 * character lowercases to letters of the name alone (U+212A, Kelvin, becomes k; U+0130 becomes i
 * and a combining dot), so `toLowerCase()` needs no ASCII check.
 */
function isWindowsAdministrator(name: string): boolean {
  return name.replace(/\u017f/g, 's').toLowerCase() === WINDOWS_ADMINISTRATOR;
}

/** The kubelet's Windows refusal, with the fix that makes the container run as ContainerUser. */
function windowsRefusal(
  pod: PodView,
  ref: ContainerRef,
  messageId: MessageId,
  values: Record<string, string>,
  at: { readonly path: string; readonly replace: boolean },
): CheckResult {
  const fix: Fix = {
    kind: at.replace ? 'unsafe' : 'safe',
    description: at.replace
      ? `Set securityContext.windowsOptions.runAsUserName to ${WINDOWS_USER} instead of ContainerAdministrator.`
      : `Set securityContext.windowsOptions.runAsUserName=${WINDOWS_USER} on the pod so no container runs as the image's user. Or build the image with USER ${WINDOWS_USER}.`,
    patch: at.replace
      ? [{ op: 'replace', path: at.path, value: WINDOWS_USER }]
      : setField(pod.spec, pod.specPath, RUN_AS_USER_NAME, WINDOWS_USER),
  };
  return kubeletFailure(pod, ref, messageId, values, at.path, fix);
}

/** The kubelet's `verifyRunAsNonRoot` on a Windows node. */
function windowsVerdict(pod: PodView, ref: ContainerRef, context: RuleContext): CheckResult {
  if (effectiveValue(pod, ref, 'runAsNonRoot') !== true) return ALLOWED;
  const own = ref.container.securityContext?.windowsOptions?.runAsUserName;
  const inherited = pod.spec.securityContext?.windowsOptions?.runAsUserName;
  const userName = own ?? inherited;
  if (userName != null) {
    if (!isWindowsAdministrator(userName)) return ALLOWED;
    const path =
      own != null ? pointer(ref.path, ...RUN_AS_USER_NAME) : pointer(pod.specPath, ...RUN_AS_USER_NAME);
    return windowsRefusal(
      pod,
      ref,
      'windowsRunAsUserNameAdministrator',
      { user: userName },
      { path, replace: true },
    );
  }
  const image = { path: pointer(ref.path, 'image'), replace: false };
  const imageUser = imageUserFor(ref.container.image, context.options.imageUsers);
  if (imageUser === undefined) {
    return windowsRefusal(
      pod,
      ref,
      'windowsImageUserUnknown',
      { image: goQuote(ref.container.image ?? '') },
      image,
    );
  }
  // The kubelet reads the image's user name as the runtime reports it; an empty one passes.
  if (!isWindowsAdministrator(imageUser)) return ALLOWED;
  return windowsRefusal(pod, ref, 'windowsImageAdministrator', { user: imageUser }, image);
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

/** One result per container the kubelet would refuse to start. */
function kubeletRunAsNonRoot_1_0(pod: PodView, context: RuleContext): readonly CheckResult[] {
  return refusedContainers(pod, context, runsOnWindows(pod) ? windowsVerdict : verdict);
}

export const kubeletRunAsNonRoot = definePodRule({
  id: 'kubeletRunAsNonRoot',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'securityContext.runAsNonRoot',
    'containers[].securityContext.runAsNonRoot',
    'securityContext.runAsUser',
    'containers[].securityContext.runAsUser',
    'containers[].image',
    'os.name',
    'securityContext.windowsOptions.runAsUserName',
    'containers[].securityContext.windowsOptions.runAsUserName',
  ],
  options: {
    imageUsers: IMAGE_USERS_SCHEMA,
    requireRunAsUser: REQUIRE_RUN_AS_USER_SCHEMA,
    defaultUser: DEFAULT_USER_SCHEMA,
  },
  description:
    'Containers with runAsNonRoot must have a user the kubelet can verify as non-root: a non-zero runAsUser, or an image with a numeric non-zero USER (on Windows: not ContainerAdministrator).',
  controls: [
    'PSS restricted: Running as Non-root',
    'CIS 5.2.7',
    'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
    'ISO 27001:2013 A.9.4.4',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  messages,
  fix: 'mixed',
  admission: {
    inexpressible:
      "needs the image's USER (the kubelet checks it when the container starts), which the API server does not know",
  },
  versions: [{ since: 'v1.0', check: kubeletRunAsNonRoot_1_0 }],
});
