/**
 * The UID a container runs as must be explicit and chosen: set `runAsUser` (when the profile
 * requires it), inside `uidRange` (default 1000..2147483647, clear of host system users) and not
 * in `denyUids` (default 65534 `nobody`, 65535: shared by unrelated software, so files and
 * processes of one workload are reachable from another).
 *
 * Checks every explicit `runAsUser` (pod and containers) and, with `requireRunAsUser`, every
 * container without an effective one. Windows pods are exempt (`runAsUser` is Linux-only).
 *
 * Fix: missing → `runAsUser: <defaultUser>` at pod level (safe; unsafe when a container
 * without a user of its own that is privileged, adds capabilities or writes to a host path would stop running as root); a bad value → replaced with
 * `defaultUser`, or removed when the profile has no default user and does not require one
 * (OpenShift: the SCC assigns a UID from the namespace range): unsafe, since the image's file
 * ownership may depend on the value the author wrote. `defaultUser` is the option when it is in
 * `uidRange` and not denied, else the range's lower bound.
 */

import {
  DEFAULT_USER_SCHEMA,
  DENY_UIDS_SCHEMA,
  REQUIRE_RUN_AS_USER_SCHEMA,
  UID_RANGE_SCHEMA,
} from '../model/optionSchemas.js';
import type { Fix } from '../model/types.js';
import type { PodView, RuleContext } from '../model/views.js';
import * as cel from '../rulekit/cel.js';
import { type CheckResult, definePodRule, NO_CONTAINERS, NO_RESULTS } from '../rulekit/define.js';
import {
  describeRange,
  type ExplicitId,
  explicitIds,
  idLocation,
  inRange,
  missingIdFailure,
  missingIds,
  replaceIdFix,
} from '../rulekit/idPolicy.js';
import { renderMessage } from '../rulekit/messageTemplate.js';
import { exemptWindowsNodes } from '../rulekit/podRelaxations.js';
import { defaultUserFix } from '../rulekit/userFix.js';

const messages = {
  missingRunAsUser: '{containers} must set securityContext.runAsUser (on the pod or the container)',
  outOfRange: '{field} is {uid}, outside the allowed UID range {range}',
  deniedUid: '{field} is {uid}, a denied UID (shared by unrelated software)',
} as const;

function acceptable(uid: number, context: RuleContext): boolean {
  const { uidRange, denyUids } = context.options;
  return inRange(uid, uidRange) && !denyUids.includes(uid);
}
const unacceptable = (uid: number, context: RuleContext): boolean => !acceptable(uid, context);

function valueFix(id: ExplicitId, context: RuleContext): Fix | undefined {
  const { defaultUser, requireRunAsUser } = context.options;
  if (defaultUser !== undefined) {
    return acceptable(defaultUser, context) ? replaceIdFix(id, defaultUser) : undefined;
  }
  if (requireRunAsUser) return undefined;
  return {
    kind: 'unsafe',
    description: `Remove ${id.field} so the platform assigns a UID from the namespace's range.`,
    patch: [{ op: 'remove', path: id.path }],
  };
}

const MISSING = { id: 'missingRunAsUser', template: messages.missingRunAsUser } as const;
const NO_REPAIR = {};

function runAsUserRange_1_0(pod: PodView, context: RuleContext): readonly CheckResult[] {
  const { uidRange, denyUids, requireRunAsUser, defaultUser } = context.options;
  const missing = requireRunAsUser ? missingIds(pod, 'runAsUser') : NO_CONTAINERS;
  const explicit = explicitIds(pod, 'runAsUser', unacceptable, context);
  if (missing.length === 0 && explicit.length === 0) return NO_RESULTS;
  const results: CheckResult[] = [];
  if (missing.length > 0) {
    const repair =
      defaultUser !== undefined && acceptable(defaultUser, context)
        ? defaultUserFix(pod, context, undefined)
        : NO_REPAIR;
    results.push(missingIdFailure('runAsUser', missing, MISSING, repair));
  }
  for (const id of explicit) {
    const denied = denyUids.includes(id.value);
    const fix = valueFix(id, context);
    results.push({
      allowed: false,
      reason: denied ? 'runAsUser denied' : 'runAsUser out of range',
      detail: denied
        ? renderMessage(messages.deniedUid, { field: id.field, uid: id.value })
        : renderMessage(messages.outOfRange, {
            field: id.field,
            uid: id.value,
            range: describeRange(uidRange),
          }),
      messageId: denied ? 'deniedUid' : 'outOfRange',
      locations: [idLocation(id)],
      ...(fix ? { fix } : {}),
    });
  }
  return results;
}

export const runAsUserRange = definePodRule({
  id: 'runAsUserRange',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['securityContext.runAsUser', 'containers[].securityContext.runAsUser', 'os.name'],
  options: {
    uidRange: UID_RANGE_SCHEMA,
    denyUids: DENY_UIDS_SCHEMA,
    requireRunAsUser: REQUIRE_RUN_AS_USER_SCHEMA,
    defaultUser: DEFAULT_USER_SCHEMA,
  },
  description:
    'Containers must run with an explicit runAsUser inside the allowed UID range (default 1000..2147483647) and outside the denied UIDs (default 65534, 65535).',
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
    check: (options) => {
      const { uidRange, denyUids, requireRunAsUser } = options;
      const deny = `[${denyUids.join(', ')}]`;
      const bad = (uid: string): string =>
        `(${uid} < ${uidRange.min} || ${uid} > ${uidRange.max} || ${uid} in ${deny})`;
      const failure = (field: string, uid: string): string =>
        `(${uid} in ${deny} ? ${cel.celCheckMessage('runAsUser denied', cel.celMessage(messages.deniedUid, { field, uid: `string(${uid})` }))} : ${cel.celCheckMessage('runAsUser out of range', cel.celMessage(messages.outOfRange, { field, uid: `string(${uid})`, range: cel.celString(describeRange(uidRange)) }))})`;
      const pod = 'variables.spec.securityContext.runAsUser';
      const container = 'c.securityContext.runAsUser';
      return {
        variables: {
          missing: requireRunAsUser
            ? `${cel.present('variables.spec', 'securityContext.runAsUser')} ? [] : variables.containers.filter(c, !(${cel.present('c', 'securityContext.runAsUser')})).map(c, c.name)`
            : '[]',
          explicit: `(${cel.present('variables.spec', 'securityContext.runAsUser')} && ${bad(pod)} ? [${failure("'pod securityContext.runAsUser'", pod)}] : []) + variables.containers.filter(c, ${cel.present('c', 'securityContext.runAsUser')} && ${bad(container)}).map(c, ${failure(`'container ' + ${cel.goQuote('c.name')} + ' securityContext.runAsUser'`, container)})`,
        },
        expression: 'variables.windowsNodes || (size($missing) == 0 && size($explicit) == 0)',
        messageExpression: `((size($missing) > 0 ? [${cel.celCheckMessage('runAsUser unset', cel.celMessage(messages.missingRunAsUser, { containers: cel.describeContainers('$missing') }))}] : []) + $explicit).join('; ')`,
      };
    },
  },
  versions: [{ since: 'v1.0', check: exemptWindowsNodes(runAsUserRange_1_0) }],
});
