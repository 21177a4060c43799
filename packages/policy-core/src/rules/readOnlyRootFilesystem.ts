/**
 * Containers must mount their root filesystem read-only, so an attacker who gets a shell cannot
 * replace binaries or drop tools; writable paths become explicit `emptyDir` volumes.
 *
 * Restricted field: `spec.{initContainers,containers,ephemeralContainers}[*].securityContext.readOnlyRootFilesystem`.
 * Allowed value: true. Pods that run on Windows are exempt (the API server rejects the field for
 * `spec.os.name: windows`, and Windows nodes ignore it).
 *
 * Fix: safe for containers that leave it unset: `readOnlyRootFilesystem: true`, and an `emptyDir`
 * mounted at `/tmp` in each of them that has no volume mounted there (as the `Secure*` constructs
 * do). An explicit `false` is a stated need: a warning whose fix (the same, replacing the value)
 * is unsafe.
 */

import type { JsonPatchOperation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import * as cel from '../rulekit/cel.js';
import { type CheckResult, containersWhere, definePodRule, NO_RESULTS } from '../rulekit/define.js';
import { renderMessage } from '../rulekit/messageTemplate.js';
import { appendOnce, containerLocation, lazyFixOf, setField } from '../rulekit/patch.js';
import { runsOnWindows } from '../rulekit/podRelaxations.js';
import { describeContainers } from '../rulekit/wording.js';

const FIELD = ['securityContext', 'readOnlyRootFilesystem'];
const TMP = '/tmp';

const messages = {
  unset: '{containers} must set securityContext.readOnlyRootFilesystem=true',
  explicitFalse:
    '{containers} set securityContext.readOnlyRootFilesystem=false; set it to true and mount an emptyDir where the application writes',
} as const;

const leavesUnset = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.readOnlyRootFilesystem == null;
const setsFalse = (ref: ContainerRef): boolean =>
  ref.container.securityContext?.readOnlyRootFilesystem === false;

const mountsTmp = (ref: ContainerRef): boolean =>
  (ref.container.volumeMounts ?? []).some(
    (mount) => mount?.mountPath === TMP || mount?.mountPath === `${TMP}/`,
  );

/** The name of the `emptyDir` volume the fix mounts at /tmp: an existing plain `tmp` emptyDir, or a free name. */
function tmpVolumeName(pod: PodView): { name: string; exists: boolean } {
  const volumes = pod.spec.volumes ?? [];
  const existing = volumes.find((volume) => volume?.name === 'tmp');
  if (existing === undefined) return { name: 'tmp', exists: false };
  const emptyDir = existing.emptyDir as Record<string, unknown> | undefined;
  if (emptyDir != null && Object.keys(existing).length === 2) return { name: 'tmp', exists: true };
  let name = 'podguard-tmp';
  for (let n = 2; volumes.some((volume) => volume?.name === name); n++) name = `podguard-tmp-${n}`;
  return { name, exists: false };
}

/** `readOnlyRootFilesystem: true` on each container, and /tmp where none is mounted. */
function readOnlyPatch(pod: PodView, refs: readonly ContainerRef[]): JsonPatchOperation[] {
  const patch: JsonPatchOperation[] = [];
  const needTmp = refs.filter((ref) => !mountsTmp(ref));
  for (const ref of refs) patch.push(...setField(ref.container, ref.path, FIELD, true));
  if (needTmp.length === 0) return patch;
  const volume = tmpVolumeName(pod);
  if (!volume.exists) {
    patch.push(...appendOnce(pod.spec, pod.specPath, ['volumes'], { name: volume.name, emptyDir: {} }));
  }
  for (const ref of needTmp) {
    patch.push(
      ...appendOnce(ref.container, ref.path, ['volumeMounts'], { name: volume.name, mountPath: TMP }),
    );
  }
  return patch;
}

// The fixes' patches, built from the pod when read (most findings are only counted or printed).
const unsetPatch = (pod: PodView) => readOnlyPatch(pod, containersWhere(pod, leavesUnset));
const explicitFalsePatch = (pod: PodView) => readOnlyPatch(pod, containersWhere(pod, setsFalse));

function readOnlyRootFilesystem_1_0(pod: PodView): readonly CheckResult[] {
  if (runsOnWindows(pod)) return NO_RESULTS;
  const unset = containersWhere(pod, leavesUnset);
  const explicitFalse = containersWhere(pod, setsFalse);
  if (unset.length === 0 && explicitFalse.length === 0) return NO_RESULTS;
  const results: CheckResult[] = [];
  if (unset.length > 0) {
    results.push({
      allowed: false,
      reason: 'readOnlyRootFilesystem != true',
      detail: renderMessage(messages.unset, { containers: describeContainers(unset.map((ref) => ref.name)) }),
      messageId: 'unset',
      locations: unset.map((ref) => containerLocation(ref, FIELD)),
      fix: lazyFixOf(
        'safe',
        'Set securityContext.readOnlyRootFilesystem=true on each container and mount an emptyDir at /tmp.',
        unsetPatch,
        pod,
      ),
    });
  }
  if (explicitFalse.length > 0) {
    results.push({
      allowed: false,
      reason: 'readOnlyRootFilesystem != true',
      detail: renderMessage(messages.explicitFalse, {
        containers: describeContainers(explicitFalse.map((ref) => ref.name)),
      }),
      messageId: 'explicitFalse',
      severity: 'warning',
      locations: explicitFalse.map((ref) => containerLocation(ref, FIELD)),
      fix: lazyFixOf(
        'unsafe',
        'Replace securityContext.readOnlyRootFilesystem=false with true and mount an emptyDir at /tmp; the application may write elsewhere too.',
        explicitFalsePatch,
        pod,
      ),
    });
  }
  return results;
}

export const readOnlyRootFilesystem = definePodRule({
  id: 'readOnlyRootFilesystem',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['containers[].securityContext.readOnlyRootFilesystem', 'os.name'],
  description: 'Containers must set securityContext.readOnlyRootFilesystem=true.',
  messages,
  controls: [
    'NSA/CISA: Kubernetes Pod security: Immutable container file systems',
    'CIS 5.7.3',
    'ISO 27001:2013 A.12.6.1',
    'ISO 27001:2013 A.14.2.5',
  ],
  fix: 'mixed',
  admission: {
    check: (): cel.AdmissionCheck[] => {
      const set = cel.present('c', 'securityContext.readOnlyRootFilesystem');
      return [
        {
          variables: {
            unset: `variables.containers.filter(c, !(${set})).map(c, c.name)`,
          },
          expression: 'variables.windowsNodes || size($unset) == 0',
          messageExpression: cel.celCheckMessage(
            'readOnlyRootFilesystem != true',
            cel.celMessage(messages.unset, { containers: cel.describeContainers('$unset') }),
          ),
        },
        {
          variables: {
            explicitFalse: `variables.containers.filter(c, ${set} && c.securityContext.readOnlyRootFilesystem == false).map(c, c.name)`,
          },
          expression: 'variables.windowsNodes || size($explicitFalse) == 0',
          messageExpression: cel.celCheckMessage(
            'readOnlyRootFilesystem != true',
            cel.celMessage(messages.explicitFalse, { containers: cel.describeContainers('$explicitFalse') }),
          ),
          severity: 'warning',
        },
      ];
    },
  },
  versions: [{ since: 'v1.0', check: readOnlyRootFilesystem_1_0 }],
});
