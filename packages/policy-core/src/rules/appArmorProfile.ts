/**
 * On supported hosts the `RuntimeDefault` AppArmor profile applies by default; the baseline
 * policy prevents overriding or disabling it.
 *
 * Restricted fields:
 * - `metadata.annotations['container.apparmor.security.beta.kubernetes.io/*']`; allowed values:
 *   `runtime/default`, `localhost/*`, empty, undefined.
 * - `spec.securityContext.appArmorProfile.type` and
 *   `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.appArmorProfile.type`;
 *   allowed values: `RuntimeDefault`, `Localhost`, undefined (an `appArmorProfile` without a type
 *   is forbidden: its type is "").
 *
 * Fix: forbidden profiles become `{ type: RuntimeDefault }` and forbidden annotations
 * `runtime/default`, as do the annotations of the containers a fixed profile governs (the API
 * server rejects an annotation that disagrees with its container's profile). None for Windows
 * pods, where AppArmor fields are invalid altogether.
 */

import type { FindingLocation, JsonPatchOperation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { containerLocation, fixOf, locateField } from '../rulekit/patch.js';
import { runsOnWindows } from '../rulekit/podRelaxations.js';
import { describeContainers, goQuote, joinQuote, pluralize, sortedSet } from '../rulekit/wording.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const PROFILE_KEYS = ['securityContext', 'appArmorProfile'];
const TYPE_KEYS = [...PROFILE_KEYS, 'type'];
const RUNTIME_DEFAULT = { type: 'RuntimeDefault' };

function allowedAnnotationValue(value: string): boolean {
  return value.length === 0 || value === 'runtime/default' || value.startsWith('localhost/');
}

function allowedProfileType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

const allowedProfile = (profile: { type?: string } | null | undefined): boolean =>
  profile == null || allowedProfileType(profile.type);

/** No profile and no AppArmor annotation sets a forbidden value (most pods set none at all). */
function plainlyAllowed(pod: PodView): boolean {
  if (!allowedProfile(pod.spec.securityContext?.appArmorProfile)) return false;
  for (const ref of pod.containers) {
    if (!allowedProfile(ref.container.securityContext?.appArmorProfile)) return false;
  }
  const annotations = pod.metadata.annotations;
  for (const key in annotations) {
    if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(annotations[key] ?? '')) return false;
  }
  return true;
}

function appArmorProfile_1_0(pod: PodView): CheckResult {
  if (plainlyAllowed(pod)) return ALLOWED;
  const badSetters: string[] = [];
  const badValues: string[] = [];
  const locations: FindingLocation[] = [];
  const patch: JsonPatchOperation[] = [];
  const annotations = pod.metadata.annotations ?? {};
  /** Annotation keys the fix sets to `runtime/default`, where present and different. */
  const alignAnnotations = new Set<string>();

  const podProfile = pod.spec.securityContext?.appArmorProfile;
  if (podProfile != null && !allowedProfileType(podProfile.type)) {
    badSetters.push('pod');
    badValues.push(podProfile.type ?? '');
    locations.push({ path: locateField(pod.spec, pod.specPath, TYPE_KEYS) });
    patch.push({ op: 'replace', path: pointer(pod.specPath, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
    // The pod profile governs the containers without their own.
    for (const ref of pod.containers) {
      if (ref.container.securityContext?.appArmorProfile == null)
        alignAnnotations.add(ANNOTATION_PREFIX + ref.name);
    }
  }

  const badContainers: string[] = [];
  for (const ref of pod.containers) {
    const profile = ref.container.securityContext?.appArmorProfile;
    if (profile == null || allowedProfileType(profile.type)) continue;
    badContainers.push(ref.name);
    badValues.push(profile.type ?? '');
    locations.push(containerLocation(ref, TYPE_KEYS));
    patch.push({ op: 'replace', path: pointer(ref.path, ...PROFILE_KEYS), value: RUNTIME_DEFAULT });
    alignAnnotations.add(ANNOTATION_PREFIX + ref.name);
  }
  if (badContainers.length > 0) badSetters.push(describeContainers(badContainers));

  const forbiddenAnnotations: string[] = [];
  for (const [key, raw] of Object.entries(annotations)) {
    // A YAML `key:` with no value is Go's empty string.
    const value = raw ?? '';
    if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotationValue(value)) continue;
    forbiddenAnnotations.push(`${key}=${goQuote(value)}`);
    locations.push({ path: pointer(pod.metadataPath, 'annotations', key) });
    alignAnnotations.add(key);
  }
  // Forbidden annotations, and those the API server would find disagreeing with a fixed profile
  // (it rejects a container annotation that does not match the profile governing the container).
  for (const key of alignAnnotations) {
    if (!Object.hasOwn(annotations, key) || annotations[key] === 'runtime/default') continue;
    patch.push({
      op: 'replace',
      path: pointer(pod.metadataPath, 'annotations', key),
      value: 'runtime/default',
    });
  }

  const badValueList = sortedSet(badValues);
  if (forbiddenAnnotations.length > 0) {
    badValueList.push(...sortedSet(forbiddenAnnotations));
    badSetters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  }
  // Something is forbidden (plainlyAllowed said so), so `badSetters` names it.
  const fix = runsOnWindows(pod)
    ? undefined
    : fixOf('unsafe', 'Use the runtime default AppArmor profile instead of the forbidden ones.', patch);
  return {
    allowed: false,
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValueList.length),
    detail: `${badSetters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
    locations,
    ...(fix ? { fix } : {}),
  };
}

export const appArmorProfile = definePodRule({
  id: 'appArmorProfile',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'securityContext.appArmorProfile',
    'containers[].securityContext.appArmorProfile',
    'metadata.annotations',
  ],
  messages: { appArmorProfile: 'forbidden AppArmor profile(s) ({detail})' },
  description:
    'Pods and containers must not override the default AppArmor profile with an unconfined or unknown one.',
  controls: ['PSS baseline: AppArmor', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'unsafe',
  admission: {
    check: () => {
      const allowed = cel.celStrings(['RuntimeDefault', 'Localhost']);
      const typeOf = (base: string): string =>
        cel.valueOr(`${base}.securityContext.appArmorProfile`, 'type', "''");
      const value = 'variables.podAnnotations[k]';
      return {
        variables: {
          pod: `${cel.present('variables.spec', 'securityContext.appArmorProfile')} && !(${typeOf('variables.spec')} in ${allowed})`,
          bad: `variables.containers.filter(c, ${cel.present('c', 'securityContext.appArmorProfile')} && !(${typeOf('c')} in ${allowed}))`,
          annotations: `variables.podAnnotations.filter(k, k.startsWith(${cel.celString(ANNOTATION_PREFIX)}) && !(${value} == '' || ${value} == 'runtime/default' || ${value}.startsWith('localhost/'))).map(k, k + '=' + ${cel.goQuote(value)})`,
          ...cel.sortedSetVariables(
            'types',
            `[($pod ? [${typeOf('variables.spec')}] : []) + $bad.map(c, ${typeOf('c')})]`,
          ),
          ...cel.sortedSetVariables('forbiddenAnnotations', '[$annotations]'),
          values: '$types + $forbiddenAnnotations',
        },
        expression: '!$pod && size($bad) == 0 && size($annotations) == 0',
        messageExpression: `${cel.pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', 'size($values)')} + ' (' + ${cel.joinNonEmpty(
          [
            "($pod ? 'pod' : '')",
            `(size($bad) > 0 ? ${cel.describeContainers('$bad.map(c, c.name)')} : '')`,
            `(size($annotations) > 0 ? ${cel.pluralize('annotation', 'annotations', 'size($annotations)')} : '')`,
          ],
          ' and ',
        )} + ' must not set AppArmor profile type to ' + ${cel.joinQuote('$values')} + ')'`,
      };
    },
  },
  versions: [{ since: 'v1.0', check: appArmorProfile_1_0 }],
});
