/**
 * A container must not actually run as uid 0, whatever `runAsNonRoot` says: PSA accepts a pod
 * without `runAsNonRoot` at baseline, and an image without USER runs as root.
 *
 * Per container (Linux pods): the effective `runAsUser` (container over pod) is 0
 * (`explicitRoot`), or there is none and the image's USER is known (`imageUsers` option) to be
 * root: empty, `0`, `root`, or only a group (`:1000`) (`imageRoot`). An unknown image user is not
 * reported here (kubeletRunAsNonRoot and runAsUserRange cover it), nor is the image user under a
 * profile that leaves the UID to the platform (openshift: the SCC assigns one).
 *
 * Fix: `runAsUser: <defaultUser>` (replacing the 0, or at pod level).
 */

import { imageUserIsRoot } from '../image/parseImageUser.js';
import {
  DEFAULT_USER_SCHEMA,
  IMAGE_USERS_SCHEMA,
  REQUIRE_RUN_AS_USER_SCHEMA,
} from '../model/optionSchemas.js';
import type { ContainerRef, PodView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule, refusedContainers } from '../rulekit/define.js';
import { startingUser } from '../rulekit/effectiveSecurityContext.js';
import { renderMessage } from '../rulekit/messageTemplate.js';
import { exemptWindowsNodes } from '../rulekit/podRelaxations.js';
import { defaultUserFix } from '../rulekit/userFix.js';
import { goQuote } from '../rulekit/wording.js';

const messages = {
  explicitRoot: 'container {container} runs as root: its effective securityContext.runAsUser is 0',
  imageRoot: 'container {container} runs as root: no runAsUser is set and image {image} has USER {user}',
} as const;

function check(pod: PodView, ref: ContainerRef, context: RuleContext): CheckResult {
  const starting = startingUser(pod, ref, context);
  if (starting.kind === 'explicitRoot') {
    return {
      allowed: false,
      reason: 'runAsUser == 0',
      detail: renderMessage(messages.explicitRoot, { container: goQuote(ref.name) }),
      messageId: 'explicitRoot',
      locations: [{ path: starting.runAsUser.path, container: ref.name }],
      ...defaultUserFix(pod, context, starting.runAsUser),
    };
  }
  // Without a runAsUser the image's USER counts, unless the platform assigns the UID (openshift).
  if (starting.kind !== 'image' || !imageUserIsRoot(starting.user)) return ALLOWED;
  return {
    allowed: false,
    reason: 'image runs as root',
    detail: renderMessage(messages.imageRoot, {
      container: goQuote(ref.name),
      image: goQuote(ref.container.image ?? ''),
      user: goQuote(starting.raw),
    }),
    messageId: 'imageRoot',
    locations: [{ path: pointer(ref.path, 'image'), container: ref.name }],
    ...defaultUserFix(pod, context, undefined),
  };
}

/** One result per container that runs as root. */
function runAsRoot_1_0(pod: PodView, context: RuleContext): readonly CheckResult[] {
  return refusedContainers(pod, context, check);
}

export const runAsRoot = definePodRule({
  id: 'runAsRoot',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'securityContext.runAsUser',
    'containers[].securityContext.runAsUser',
    'containers[].image',
    'os.name',
  ],
  options: {
    imageUsers: IMAGE_USERS_SCHEMA,
    requireRunAsUser: REQUIRE_RUN_AS_USER_SCHEMA,
    defaultUser: DEFAULT_USER_SCHEMA,
  },
  description:
    'Containers must not run as uid 0, from an explicit runAsUser: 0 or from an image whose USER is root.',
  controls: [
    'PSS restricted: Running as Non-root user',
    'CIS 5.2.7',
    'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
    'ISO 27001:2013 A.9.4.4',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  messages,
  fix: 'mixed',
  admission: {
    check: () => {
      const own = cel.present('c', 'securityContext.runAsUser');
      const pod = cel.present('variables.spec', 'securityContext.runAsUser');
      return {
        variables: {
          root: `variables.containers.filter(c, ${own} ? c.securityContext.runAsUser == 0 : (${pod} && variables.spec.securityContext.runAsUser == 0)).map(c, c.name)`,
        },
        expression: 'variables.windowsNodes || size($root) == 0',
        messageExpression: `$root.map(n, ${cel.celCheckMessage('runAsUser == 0', cel.celMessage(messages.explicitRoot, { container: cel.goQuote('n') }))}).join('; ')`,
      };
    },
    partial:
      'a container without runAsUser runs as its image USER, which the API server does not know: only an explicit runAsUser 0 is refused at admission',
  },
  versions: [{ since: 'v1.0', check: exemptWindowsNodes(runAsRoot_1_0) }],
});
