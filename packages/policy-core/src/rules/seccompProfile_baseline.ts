/**
 * If seccomp profiles are specified, only the runtime default and localhost profiles are allowed.
 *
 * v1.0 - v1.18, restricted fields: `metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']`
 * and `metadata.annotations['container.seccomp.security.alpha.kubernetes.io/<container>']` for
 * each visited container; allowed values: `runtime/default`, `docker/default`, `localhost/*`,
 * undefined (an empty value is forbidden).
 *
 * v1.19+, restricted fields: `spec.securityContext.seccompProfile.type` and
 * `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.seccompProfile.type`;
 * allowed values: `RuntimeDefault`, `Localhost`, undefined (a `seccompProfile` without a type is
 * forbidden: its type is "").
 *
 * Fix: forbidden annotations become `runtime/default`, forbidden profiles `{ type: RuntimeDefault }`
 * (with a disagreeing annotation of the same pod or container set to `runtime/default` too, and
 * at v1.0 - v1.18 a disagreeing field set to `RuntimeDefault` beside a rewritten annotation: the
 * API server rejects annotations and fields that disagree). None for Windows pods, where seccomp
 * settings are invalid altogether.
 */

import type { SeccompProfile } from '../model/k8s.js';
import type { FindingLocation, JsonPatchOperation, JsonPointer } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { containerLocation, fixOf, locateField } from '../rulekit/patch.js';
import { runsOnWindows } from '../rulekit/podRelaxations.js';
import {
  alignSeccompAnnotation,
  CONTAINER_ANNOTATION_PREFIX,
  containerSeccompAnnotation,
  POD_SECCOMP_ANNOTATION,
  validSeccompType,
} from '../rulekit/seccomp.js';
import { describeContainers, goQuote, joinQuote, pluralize, sortedSet } from '../rulekit/wording.js';

const PROFILE_KEYS = ['securityContext', 'seccompProfile'];
const TYPE_KEYS = [...PROFILE_KEYS, 'type'];
const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };

function validSeccompAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

function seccompProfileBaseline_1_0(pod: PodView): CheckResult {
  const annotations = pod.metadata.annotations;
  if (annotations == null) return ALLOWED;
  const forbidden: string[] = [];
  const paths = new Set<string>();
  // The API server rejects an annotation that disagrees with the field beside it, so where the
  // fix rewrites an annotation to runtime/default, a field set to anything else follows it.
  const fieldFixes = new Map<string, JsonPatchOperation>();
  const consider = (key: string, ownerPath: JsonPointer, profile: SeccompProfile | undefined): void => {
    if (!Object.hasOwn(annotations, key)) return;
    // A YAML `key:` with no value is Go's empty string.
    const value = annotations[key] ?? '';
    if (validSeccompAnnotationValue(value)) return;
    forbidden.push(`${key}=${goQuote(value)}`);
    paths.add(pointer(pod.metadataPath, 'annotations', key));
    if (profile != null && profile.type !== 'RuntimeDefault') {
      const path = pointer(ownerPath, ...PROFILE_KEYS);
      fieldFixes.set(path, { op: 'replace', path, value: RUNTIME_DEFAULT });
    }
  };
  consider(POD_SECCOMP_ANNOTATION, pod.specPath, pod.spec.securityContext?.seccompProfile);
  for (const ref of pod.containers) {
    consider(CONTAINER_ANNOTATION_PREFIX + ref.name, ref.path, ref.container.securityContext?.seccompProfile);
  }
  if (forbidden.length === 0) return ALLOWED;

  const list = sortedSet(forbidden);
  const fix = runsOnWindows(pod)
    ? undefined
    : fixOf('unsafe', 'Use the runtime default seccomp profile instead of the forbidden ones.', [
        ...[...paths].map((path) => ({ op: 'replace' as const, path, value: 'runtime/default' })),
        ...fieldFixes.values(),
      ]);
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`,
    locations: [...paths].map((path) => ({ path })),
    ...(fix ? { fix } : {}),
  };
}

const forbiddenProfile = (profile: { type?: string } | null | undefined): boolean =>
  profile != null && !validSeccompType(profile.type);
const setsForbiddenProfile = (ref: ContainerRef): boolean =>
  forbiddenProfile(ref.container.securityContext?.seccompProfile);

function seccompProfileBaseline_1_19(pod: PodView): CheckResult {
  if (
    !forbiddenProfile(pod.spec.securityContext?.seccompProfile) &&
    containersWhere(pod, setsForbiddenProfile).length === 0
  ) {
    return ALLOWED;
  }
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const locations: FindingLocation[] = [];
  const patch: JsonPatchOperation[] = [];

  const podProfile = pod.spec.securityContext?.seccompProfile;
  if (podProfile != null && !validSeccompType(podProfile.type)) {
    badSetters.push('pod');
    badValues.push(podProfile.type ?? '');
    locations.push({ path: locateField(pod.spec, pod.specPath, TYPE_KEYS) });
    patch.push({ op: 'replace', path: pointer(pod.specPath, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
    const aligned = alignSeccompAnnotation(pod, POD_SECCOMP_ANNOTATION);
    if (aligned) patch.push(aligned);
  }
  const badContainers: string[] = [];
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.seccompProfile;
    if (profile == null || validSeccompType(profile.type)) continue;
    badContainers.push(ref.name);
    badValues.push(profile.type ?? '');
    locations.push(containerLocation(ref, TYPE_KEYS));
    patch.push({ op: 'replace', path: pointer(ref.path, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
    const aligned = alignSeccompAnnotation(pod, containerSeccompAnnotation(ref.name));
    if (aligned) patch.push(aligned);
  }
  if (badContainers.length > 0) badSetters.push(describeContainers(badContainers));
  // Past the check above, the pod or a container sets a forbidden profile: badSetters is not empty.

  const fix = runsOnWindows(pod)
    ? undefined
    : fixOf('unsafe', 'Use the runtime default seccomp profile instead of the forbidden ones.', patch);
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    locations,
    ...(fix ? { fix } : {}),
  };
}

export const seccompProfile_baseline = definePodRule({
  id: 'seccompProfile_baseline',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'securityContext.seccompProfile',
    'containers[].securityContext.seccompProfile',
    'metadata.annotations',
  ],
  messages: { seccompProfile_baseline: 'seccompProfile ({detail})' },
  description: 'Seccomp profiles, where set, must be the runtime default or a localhost profile.',
  controls: ['PSS baseline: Seccomp', 'CIS 5.7.2', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'unsafe',
  admission: {
    check: () => {
      const valid = cel.celStrings(['Localhost', 'RuntimeDefault']);
      const typeOf = (base: string): string =>
        cel.valueOr(`${base}.securityContext.seccompProfile`, 'type', "''");
      return {
        variables: {
          pod: `${cel.present('variables.spec', 'securityContext.seccompProfile')} && !(${typeOf('variables.spec')} in ${valid})`,
          bad: `variables.containers.filter(c, ${cel.present('c', 'securityContext.seccompProfile')} && !(${typeOf('c')} in ${valid}))`,
          ...cel.sortedSetVariables(
            'values',
            `[($pod ? [${typeOf('variables.spec')}] : []) + $bad.map(c, ${typeOf('c')})]`,
          ),
        },
        expression: '!$pod && size($bad) == 0',
        messageExpression: `'seccompProfile (' + ${cel.joinNonEmpty(["($pod ? 'pod' : '')", `(size($bad) > 0 ? ${cel.describeContainers('$bad.map(c, c.name)')} : '')`], ' and ')} + ' must not set securityContext.seccompProfile.type to ' + ${cel.joinQuote('$values')} + ')'`,
      };
    },
  },
  versions: [
    { since: 'v1.0', check: seccompProfileBaseline_1_0 },
    { since: 'v1.19', check: seccompProfileBaseline_1_19 },
  ],
});
