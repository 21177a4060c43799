/**
 * Besides forbidding hostPath volumes, the restricted policy limits inline pod volume sources
 * to configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected
 * and secret. Replaces `hostPathVolumes`.
 *
 * Restricted fields: `spec.volumes[*].<source>` for every other source (hostPath,
 * gcePersistentDisk, awsElasticBlockStore, gitRepo, nfs, iscsi, glusterfs, rbd, flexVolume,
 * cinder, cephfs, flocker, fc, azureFile, vsphereVolume, quobyte, azureDisk,
 * photonPersistentDisk, portworxVolume, scaleIO, storageos). Allowed values: undefined/null.
 *
 * Defaulting: a volume with only a `name` (or only null sources) becomes an `emptyDir` when the
 * API server defaults it (`SetDefaults_Volume`), so it is allowed, as admission would see it.
 * A volume with a source key this list does not know is reported as type "unknown", as upstream
 * reports sources it does not know.
 *
 * No fix: the data must come from an allowed source (e.g. a PersistentVolumeClaim); a person decides.
 */

import type { FindingLocation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { joinQuote, pluralize, sortedSet } from '../rulekit/wording.js';

const ALLOWED_SOURCES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Restricted sources in upstream's order: the first one present names the volume's type. */
const RESTRICTED_SOURCES: readonly string[] = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

const present = (volume: Record<string, unknown>, key: string): boolean =>
  volume[key] !== undefined && volume[key] !== null;

const ALLOWED_SOURCE_SET: ReadonlySet<string> = new Set(ALLOWED_SOURCES);

/** Walks the volume's own few keys rather than looking up each allowed source in it. */
function usesAllowedSource(volume: Record<string, unknown>): boolean {
  for (const key in volume) if (ALLOWED_SOURCE_SET.has(key) && present(volume, key)) return true;
  return false;
}

/** Not a volume (validation reports it) or one with an allowed source: nothing to look at. */
const plainlyAllowed = (volume: unknown): boolean => !isRecord(volume) || usesAllowedSource(volume);

function restrictedVolumes_1_0(pod: PodView): CheckResult {
  const volumes = pod.spec.volumes;
  if (volumes == null || volumes.every(plainlyAllowed)) return ALLOWED;
  const badVolumes: string[] = [];
  const badTypes: string[] = [];
  const locations: FindingLocation[] = [];
  volumes.forEach((volume, index) => {
    if (!isRecord(volume) || usesAllowedSource(volume)) return;
    // Any source (a restricted one too). None at all: the API server defaults the volume to an emptyDir.
    const source = Object.keys(volume).find((key) => key !== 'name' && present(volume, key));
    if (source === undefined) return;
    const restricted = RESTRICTED_SOURCES.find((key) => present(volume, key));
    badVolumes.push(typeof volume.name === 'string' ? volume.name : '');
    badTypes.push(restricted ?? 'unknown');
    locations.push({ path: pointer(pod.specPath, 'volumes', index, restricted ?? source) });
  });
  if (badVolumes.length === 0) return ALLOWED;
  const types = sortedSet(badTypes);
  return {
    allowed: false,
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', badVolumes.length)} ${joinQuote(badVolumes)} ${pluralize('uses', 'use', badVolumes.length)} ${pluralize('restricted volume type', 'restricted volume types', types.length)} ${joinQuote(types)}`,
    locations,
  };
}

export const restrictedVolumes = definePodRule({
  id: 'restrictedVolumes',
  level: 'restricted',
  severity: 'error',
  since: '0.1.0',
  reads: ['volumes[]'],
  messages: { restrictedVolumes: 'restricted volume types ({detail})' },
  description:
    'Pods may only use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.',
  controls: ['PSS restricted: Volume Types', 'CIS 5.2.12', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => {
      // Admission sees typed volumes: a source the API does not know is dropped before admission.
      // `image` is left out: Kubernetes 1.30 has no such field, and a volume with it has no
      // restricted source either, so the verdict is the same.
      const allowedSource = ALLOWED_SOURCES.filter((key) => key !== 'image')
        .map((key) => `has(v.${key})`)
        .join(' || ');
      const restrictedSource = RESTRICTED_SOURCES.map((key) => `has(v.${key})`).join(' || ');
      const typeOf = RESTRICTED_SOURCES.reduceRight(
        (rest, key) => `(has(v.${key}) ? '${key}' : ${rest})`,
        "'unknown'",
      );
      return {
        variables: {
          bad: `${cel.valueOr('variables.spec', 'volumes', '[]')}.filter(v, !(${allowedSource}) && (${restrictedSource}))`,
          ...cel.sortedSetVariables('types', `[$bad.map(v, ${typeOf})]`),
        },
        expression: 'size($bad) == 0',
        messageExpression: `'restricted volume types (' + ${cel.pluralize('volume', 'volumes', 'size($bad)')} + ' ' + ${cel.joinQuote(`$bad.map(v, ${cel.valueOr('v', 'name', "''")})`)} + ' ' + ${cel.pluralize('uses', 'use', 'size($bad)')} + ' ' + ${cel.pluralize('restricted volume type', 'restricted volume types', 'size($types)')} + ' ' + ${cel.joinQuote('$types')} + ')'`,
      };
    },
  },
  versions: [{ since: 'v1.0', check: restrictedVolumes_1_0, overrides: ['hostPathVolumes'] }],
});
