/** Upstream's `procMount_1_0` check, shared by the `procMount` and `procMount_restricted` rules. */
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from './cel.js';
import { ALLOWED, type CheckResult, containersWhere } from './define.js';
import { containerLocation, fixOf } from './patch.js';
import { runsOnWindows } from './podRelaxations.js';
import { describeContainers, joinQuote, sortedSet } from './wording.js';

/** Upstream's `procMount_1_0`, shared by `procMount` and `procMount_restricted`. */
function unmaskedProc(ref: ContainerRef): boolean {
  const value = ref.container.securityContext?.procMount;
  return value != null && value !== 'Default';
}

export function procMount_1_0(pod: PodView): CheckResult {
  const bad = containersWhere(pod, unmaskedProc);
  if (bad.length === 0) return ALLOWED;
  const values = sortedSet(bad.map((ref) => ref.container.securityContext?.procMount ?? ''));
  const fix = runsOnWindows(pod)
    ? undefined
    : fixOf(
        'unsafe',
        'Use the default /proc mount (procMount: Default).',
        bad.map((ref) => ({
          op: 'replace' as const,
          path: pointer(ref.path, 'securityContext', 'procMount'),
          value: 'Default',
        })),
      );
  return {
    allowed: false,
    reason: 'procMount',
    detail: `${describeContainers(bad.map((ref) => ref.name))} must not set securityContext.procMount to ${joinQuote(values)}`,
    locations: bad.map((ref) => containerLocation(ref, ['securityContext', 'procMount'])),
    ...(fix ? { fix } : {}),
  };
}

/** `procMount_1_0` in CEL; `relaxed` adds the v1.35 relaxation for user-namespaced pods. */
export function procMountAdmission(relaxed: boolean): cel.AdmissionCheck {
  const bad = `variables.containers.filter(c, ${cel.present('c', 'securityContext.procMount')} && c.securityContext.procMount != 'Default')`;
  return {
    variables: {
      bad: `${bad}.map(c, c.name)`,
      ...cel.sortedSetVariables('values', `[${bad}.map(c, c.securityContext.procMount)]`),
    },
    expression: relaxed ? 'variables.userNamespace || size($bad) == 0' : 'size($bad) == 0',
    messageExpression: `'procMount (' + ${cel.describeContainers('$bad')} + ' must not set securityContext.procMount to ' + ${cel.joinQuote('$values')} + ')'`,
  };
}
