/**
 * HostPath volumes must be forbidden.
 *
 * Restricted fields: `spec.volumes[*].hostPath`. Allowed values: undefined/null.
 *
 * No fix: the data the volume gives access to must come from somewhere else; a person decides.
 */

import type { FindingLocation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { pointer } from '../podspec/pointer.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { joinQuote, pluralize } from '../rulekit/wording.js';

const isHostPath = (volume: unknown): boolean => isRecord(volume) && volume.hostPath != null;

function hostPathVolumes_1_0(pod: PodView): CheckResult {
  const volumes = pod.spec.volumes;
  if (volumes == null || !volumes.some(isHostPath)) return ALLOWED;
  const names: string[] = [];
  const locations: FindingLocation[] = [];
  volumes.forEach((volume, index) => {
    if (!isRecord(volume) || volume.hostPath == null) return;
    names.push(volume.name ?? '');
    locations.push({ path: pointer(pod.specPath, 'volumes', index, 'hostPath') });
  });
  return {
    allowed: false,
    reason: 'hostPath volumes',
    detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`,
    locations,
  };
}

export const hostPathVolumes = definePodRule({
  id: 'hostPathVolumes',
  level: 'baseline',
  severity: 'error',
  description: 'Pods must not mount hostPath volumes.',
  controls: ['PSS baseline: HostPath Volumes', 'CIS 5.2.12', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  versions: [{ since: 'v1.0', check: hostPathVolumes_1_0 }],
});
