/**
 * Group ids must be deliberate: an explicit `runAsGroup` (when the profile requires an explicit
 * user; without one the primary group comes from the image, often 0), and every `runAsGroup`,
 * `fsGroup` and `supplementalGroups` entry inside `gidRange` (default 1000..2147483647). Gid 0 is
 * governed by `allowRootGroup` alone: allowed by default, because OpenShift runs images under an
 * arbitrary UID with gid 0 and images are built for it (`chgrp -R 0`); `allowRootGroup: false`
 * forbids it. Windows pods are exempt (these fields are Linux-only).
 *
 * Fix: missing → `runAsGroup: <defaultGroup>` at pod level (safe; unsafe when a container it
 * reaches runs as root on purpose, or as a `runAsUser` the author chose other than `defaultUser`,
 * whose primary group is the author's choice too); a bad `runAsGroup`/`fsGroup` →
 * replaced with `defaultGroup` when that value is itself allowed (unsafe: the author wrote it). None for `supplementalGroups`:
 * dropping a group may cut access a workload needs.
 */

import {
  ALLOW_ROOT_GROUP_SCHEMA,
  DEFAULT_GROUP_SCHEMA,
  GID_RANGE_SCHEMA,
  REQUIRE_RUN_AS_USER_SCHEMA,
} from '../model/optionSchemas.js';
import type { Fix } from '../model/types.js';
import type { ContainerRef, PodView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { type CheckResult, definePodRule, NO_CONTAINERS, NO_RESULTS } from '../rulekit/define.js';
import { identityFixRisk, podIdentityFix } from '../rulekit/identityFixes.js';
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
import { setField } from '../rulekit/patch.js';
import { exemptWindowsNodes } from '../rulekit/podRelaxations.js';

const messages = {
  missingRunAsGroup: '{containers} must set securityContext.runAsGroup (on the pod or the container)',
  rootGroup: '{field} is 0, and the root group is not allowed (allowRootGroup: false)',
  outOfRange: '{field} is {gid}, outside the allowed GID range {range}',
} as const;

function allowedGid(gid: number, context: RuleContext): boolean {
  const { gidRange, allowRootGroup } = context.options;
  if (gid === 0) return allowRootGroup;
  return inRange(gid, gidRange);
}

const forbiddenGid = (gid: number, context: RuleContext): boolean => !allowedGid(gid, context);

/** Indexes of the supplementalGroups entries the policy forbids. */
function forbiddenSupplementalGroups(pod: PodView, context: RuleContext): number[] | undefined {
  let out: number[] | undefined;
  const groups = pod.spec.securityContext?.supplementalGroups;
  if (groups == null) return undefined;
  for (let index = 0; index < groups.length; index++) {
    // A number: the engine validates the field before any rule reads it.
    if (forbiddenGid(groups[index] as number, context)) {
      out ??= [];
      out.push(index);
    }
  }
  return out;
}

/**
 * The explicit gids the policy forbids; `fixable` are those a replacement can fix (not
 * supplementalGroups). Undefined when there are none, the common case, which allocates nothing.
 */
function forbiddenIds(
  pod: PodView,
  context: RuleContext,
): { ids: ExplicitId[]; fixable: Set<ExplicitId> } | undefined {
  const explicit = explicitIds(pod, 'runAsGroup', forbiddenGid, context);
  const securityContext = pod.spec.securityContext;
  const fsGroup = securityContext?.fsGroup;
  const fsGroupForbidden = typeof fsGroup === 'number' && forbiddenGid(fsGroup, context);
  const supplemental = forbiddenSupplementalGroups(pod, context);
  if (explicit.length === 0 && !fsGroupForbidden && supplemental === undefined) return undefined;
  const ids = [...explicit];
  if (fsGroupForbidden) {
    ids.push({
      value: fsGroup,
      path: pointer(pod.specPath, 'securityContext', 'fsGroup'),
      field: 'pod securityContext.fsGroup',
    });
  }
  const fixable = new Set(ids);
  for (const index of supplemental ?? []) {
    ids.push({
      value: securityContext?.supplementalGroups?.[index] as number,
      path: pointer(pod.specPath, 'securityContext', 'supplementalGroups', index),
      field: `pod securityContext.supplementalGroups[${index}]`,
    });
  }
  return { ids, fixable };
}

const MISSING = { id: 'missingRunAsGroup', template: messages.missingRunAsGroup } as const;

/**
 * `runAsGroup: <defaultGroup>` on the pod, for the `missing` containers: safe unless one of them
 * runs as root on purpose or as a user the author chose other than `defaultUser` (whose group is
 * the author's too, see identityFixRisk): then unsafe, with why.
 */
function groupFix(
  pod: PodView,
  context: RuleContext,
  missing: readonly ContainerRef[],
): { fix: Fix; unfixable?: string } {
  const { defaultGroup, defaultUser } = context.options;
  const action = `Set securityContext.runAsGroup=${defaultGroup} on the pod`;
  return podIdentityFix(
    setField(pod.spec, pod.specPath, ['securityContext', 'runAsGroup'], defaultGroup),
    action,
    `${action}.`,
    identityFixRisk(pod, missing, { defaultUser }),
  );
}

function runAsGroupPolicy_1_0(pod: PodView, context: RuleContext): readonly CheckResult[] {
  const { requireRunAsUser, defaultGroup, gidRange } = context.options;
  const missing = requireRunAsUser ? missingIds(pod, 'runAsGroup') : NO_CONTAINERS;
  const forbidden = forbiddenIds(pod, context);
  if (missing.length === 0 && forbidden === undefined) return NO_RESULTS;
  const defaultAllowed = defaultGroup !== undefined && allowedGid(defaultGroup, context);
  const results: CheckResult[] = [];
  if (missing.length > 0) {
    results.push(
      missingIdFailure('runAsGroup', missing, MISSING, defaultAllowed ? groupFix(pod, context, missing) : {}),
    );
  }
  const { ids, fixable } = forbidden ?? { ids: [], fixable: new Set<ExplicitId>() };
  for (const id of ids) {
    const root = id.value === 0;
    results.push({
      allowed: false,
      reason: root ? 'root group' : 'gid out of range',
      detail: root
        ? renderMessage(messages.rootGroup, { field: id.field })
        : renderMessage(messages.outOfRange, {
            field: id.field,
            gid: id.value,
            range: describeRange(gidRange),
          }),
      messageId: root ? 'rootGroup' : 'outOfRange',
      locations: [idLocation(id)],
      ...(defaultAllowed && fixable.has(id) ? { fix: replaceIdFix(id, defaultGroup) } : {}),
    });
  }
  return results;
}

export const runAsGroupPolicy = definePodRule({
  id: 'runAsGroupPolicy',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'securityContext.runAsGroup',
    'containers[].securityContext.runAsGroup',
    'securityContext.fsGroup',
    'securityContext.supplementalGroups',
    'os.name',
  ],
  options: {
    gidRange: GID_RANGE_SCHEMA,
    allowRootGroup: ALLOW_ROOT_GROUP_SCHEMA,
    requireRunAsUser: REQUIRE_RUN_AS_USER_SCHEMA,
    defaultGroup: DEFAULT_GROUP_SCHEMA,
  },
  description:
    'Containers must run with an explicit runAsGroup; runAsGroup, fsGroup and supplementalGroups must be inside the allowed GID range, and gid 0 only when allowRootGroup is true.',
  controls: [
    'PSS restricted: Running as Non-root user',
    'CIS 5.2.7',
    'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
    'ISO 27001:2013 A.9.4.4',
    'ISO 27001:2013 A.12.6.1',
  ],
  messages,
  fix: 'mixed',
  admission: {
    check: (options) => {
      const { gidRange, allowRootGroup, requireRunAsUser } = options;
      const forbidden = (gid: string): string =>
        `(${gid} == 0 ? ${!allowRootGroup} : (${gid} < ${gidRange.min} || ${gid} > ${gidRange.max}))`;
      const failure = (field: string, gid: string): string =>
        `(${gid} == 0 ? ${cel.celCheckMessage('root group', cel.celMessage(messages.rootGroup, { field }))} : ${cel.celCheckMessage('gid out of range', cel.celMessage(messages.outOfRange, { field, gid: `string(${gid})`, range: cel.celString(describeRange(gidRange)) }))})`;
      const context = 'variables.spec.securityContext';
      const groups = cel.valueOr('variables.spec', 'securityContext.supplementalGroups', '[]');
      return {
        variables: {
          missing: requireRunAsUser
            ? `${cel.present('variables.spec', 'securityContext.runAsGroup')} ? [] : variables.containers.filter(c, !(${cel.present('c', 'securityContext.runAsGroup')})).map(c, c.name)`
            : '[]',
          explicit: [
            `(${cel.present('variables.spec', 'securityContext.runAsGroup')} && ${forbidden(`${context}.runAsGroup`)} ? [${failure("'pod securityContext.runAsGroup'", `${context}.runAsGroup`)}] : [])`,
            `variables.containers.filter(c, ${cel.present('c', 'securityContext.runAsGroup')} && ${forbidden('c.securityContext.runAsGroup')}).map(c, ${failure(`'container ' + ${cel.goQuote('c.name')} + ' securityContext.runAsGroup'`, 'c.securityContext.runAsGroup')})`,
            `(${cel.present('variables.spec', 'securityContext.fsGroup')} && ${forbidden(`${context}.fsGroup`)} ? [${failure("'pod securityContext.fsGroup'", `${context}.fsGroup`)}] : [])`,
          ].join(' + '),
          groups: `${groups}.filter(g, ${forbidden('g')})`,
        },
        expression:
          'variables.windowsNodes || (size($missing) == 0 && size($explicit) == 0 && size($groups) == 0)',
        // CEL in 1.30 has no index macro: a forbidden group is named by its first index (indexOf).
        messageExpression: `((size($missing) > 0 ? [${cel.celCheckMessage('runAsGroup unset', cel.celMessage(messages.missingRunAsGroup, { containers: cel.describeContainers('$missing') }))}] : []) + $explicit + $groups.map(g, ${failure(`'pod securityContext.supplementalGroups[' + string(${groups}.indexOf(g)) + ']'`, 'g')})).join('; ')`,
      };
    },
  },
  versions: [{ since: 'v1.0', check: exemptWindowsNodes(runAsGroupPolicy_1_0) }],
});
