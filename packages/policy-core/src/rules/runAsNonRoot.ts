/**
 * Containers must be required to run as non-root users, unless (from v1.35) the pod runs in a
 * user namespace (`hostUsers: false`).
 *
 * Restricted fields: `spec.securityContext.runAsNonRoot` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.runAsNonRoot`.
 * Allowed values: true; undefined/null at container level when the pod level is true; any value
 * with `hostUsers: false` from v1.35.
 *
 * Fix: safe, `runAsNonRoot: true` at pod level when the pod leaves it unset (creating
 * `securityContext` when missing) and no container runs as root on purpose (`runAsUser: 0`, which
 * the kubelet would then refuse to start, or privileged, adding capabilities or writing to a host path with
 * no other user, which would lose them: then the same fix is unsafe); unsafe, an explicit false (pod or container)
 * replaced by true. The kubelet then refuses to start a container whose
 * effective user is 0, so an image that runs as root also needs a non-zero `runAsUser`.
 */

import type { JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import {
  ALLOWED,
  type CheckResult,
  containersWhere,
  definePodRule,
  NO_CONTAINERS,
} from '../rulekit/define.js';
import { identityFixRisk } from '../rulekit/identityFixes.js';
import { containerLocation, lazyFixOf, setField } from '../rulekit/patch.js';
import { relaxForUserNamespaces } from '../rulekit/podRelaxations.js';
import { describeContainers } from '../rulekit/wording.js';

const FIELD = ['securityContext', 'runAsNonRoot'];

const setsFalse = (ref: ContainerRef): boolean => ref.container.securityContext?.runAsNonRoot === false;
const leavesUnset = (ref: ContainerRef): boolean => ref.container.securityContext?.runAsNonRoot == null;

/** The safe fix: true at pod level, where the pod says nothing and no container runs as root on purpose. */
const setPodRunAsNonRoot = (pod: PodView): JsonPatchOperation[] =>
  setField(pod.spec, pod.specPath, FIELD, true);

/**
 * The unsafe fix: true at pod level over what the author wrote (or over a root container), and on
 * each container that sets false. Only the findings without the safe fix have it, so a pod that
 * leaves the field unset here has a root container.
 */
function replaceRunAsNonRoot(pod: PodView): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  if (pod.spec.securityContext?.runAsNonRoot !== true)
    ops.push(...setField(pod.spec, pod.specPath, FIELD, true));
  for (const ref of containersWhere(pod, setsFalse))
    ops.push(...setField(ref.container, ref.path, FIELD, true));
  return ops;
}

function runAsNonRoot_1_0(pod: PodView): CheckResult {
  const podValue = pod.spec.securityContext?.runAsNonRoot;
  const podRunAsNonRoot = podValue === true;
  const explicitlyBad = containersWhere(pod, setsFalse);
  const implicitlyBad = podRunAsNonRoot ? NO_CONTAINERS : containersWhere(pod, leavesUnset);
  if (podValue !== false && explicitlyBad.length === 0 && implicitlyBad.length === 0) return ALLOWED;

  const badSetters: string[] = [];
  if (podValue === false) badSetters.push('pod');
  if (explicitlyBad.length > 0) badSetters.push(describeContainers(explicitlyBad.map((ref) => ref.name)));

  // Adding true where the pod says nothing is safe, unless a container runs as root on purpose
  // (`runAsUser: 0`, or privileged or adding capabilities with no other user: see identityFixRisk): the kubelet would
  // then refuse to start it, or it would lose its capabilities. Turning an explicit false into
  // true is not safe either. Every finding has one fix or the other: without the safe one, the
  // pod leaves the field unset beside a root container, or something sets false.
  // The patches are built from the pod when read (see setPodRunAsNonRoot, replaceRunAsNonRoot).
  const risk = identityFixRisk(pod, pod.containers);
  const safe = podValue == null && risk === undefined;
  const fix = safe
    ? lazyFixOf('safe', 'Set securityContext.runAsNonRoot=true on the pod.', setPodRunAsNonRoot, pod)
    : lazyFixOf(
        'unsafe',
        podValue == null
          ? `Set securityContext.runAsNonRoot=true on the pod (${risk?.note}).`
          : 'Replace securityContext.runAsNonRoot=false with true.',
        replaceRunAsNonRoot,
        pod,
      );
  const unfixable =
    safe && explicitlyBad.length > 0
      ? 'replacing an explicit runAsNonRoot=false with true is an unsafe fix'
      : risk?.unfixable;

  if (badSetters.length > 0) {
    const locations = explicitlyBad.map((ref) => containerLocation(ref, FIELD));
    if (podValue === false) locations.unshift({ path: pointer(pod.specPath, ...FIELD) });
    return {
      allowed: false,
      reason: 'runAsNonRoot != true',
      detail: `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      locations,
      fix,
      ...(unfixable ? { unfixable } : {}),
    };
  }
  return {
    allowed: false,
    reason: 'runAsNonRoot != true',
    detail: `pod or ${describeContainers(implicitlyBad.map((ref) => ref.name))} must set securityContext.runAsNonRoot=true`,
    locations: implicitlyBad.map((ref) => containerLocation(ref, FIELD)),
    fix,
    ...(unfixable ? { unfixable } : {}),
  };
}

export const runAsNonRoot = definePodRule({
  id: 'runAsNonRoot',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: ['securityContext.runAsNonRoot', 'containers[].securityContext.runAsNonRoot', 'hostUsers'],
  messages: { runAsNonRoot: 'runAsNonRoot != true ({detail})' },
  description: 'Pods or all their containers must set securityContext.runAsNonRoot=true.',
  controls: [
    'PSS restricted: Running as Non-root',
    'CIS 5.2.7',
    'NSA/CISA: Kubernetes Pod security',
    'ISO 27001:2013 A.9.4.4',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  fix: 'mixed',
  admission: {
    check: () => ({
      variables: {
        podFalse: `${cel.present('variables.spec', 'securityContext.runAsNonRoot')} && variables.spec.securityContext.runAsNonRoot == false`,
        podTrue: `${cel.present('variables.spec', 'securityContext.runAsNonRoot')} && variables.spec.securityContext.runAsNonRoot == true`,
        explicit: `variables.containers.filter(c, ${cel.present('c', 'securityContext.runAsNonRoot')} && c.securityContext.runAsNonRoot == false).map(c, c.name)`,
        implicit: `$podTrue ? [] : variables.containers.filter(c, !(${cel.present('c', 'securityContext.runAsNonRoot')})).map(c, c.name)`,
      },
      expression: 'variables.userNamespace || (!$podFalse && size($explicit) == 0 && size($implicit) == 0)',
      messageExpression: `'runAsNonRoot != true (' + ($podFalse || size($explicit) > 0 ? ${cel.joinNonEmpty(["($podFalse ? 'pod' : '')", `(size($explicit) > 0 ? ${cel.describeContainers('$explicit')} : '')`], ' and ')} + ' must not set securityContext.runAsNonRoot=false' : 'pod or ' + ${cel.describeContainers('$implicit')} + ' must set securityContext.runAsNonRoot=true') + ')'`,
    }),
  },
  versions: [
    { since: 'v1.0', check: runAsNonRoot_1_0 },
    { since: 'v1.35', check: relaxForUserNamespaces(runAsNonRoot_1_0) },
  ],
});
