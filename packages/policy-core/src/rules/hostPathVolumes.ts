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
import * as cel from '../rulekit/cel.js';
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
  since: '0.1.0',
  reads: ['volumes[].hostPath'],
  messages: { hostPathVolumes: 'hostPath volumes ({detail})' },
  description: 'Pods must not mount hostPath volumes.',
  controls: ['PSS baseline: HostPath Volumes', 'CIS 5.2.12', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => ({
      variables: {
        names: `${cel.valueOr('variables.spec', 'volumes', '[]')}.filter(v, has(v.hostPath)).map(v, ${cel.valueOr('v', 'name', "''")})`,
      },
      expression: 'size($names) == 0',
      messageExpression: `'hostPath volumes (' + ${cel.pluralize('volume', 'volumes', 'size($names)')} + ' ' + ${cel.joinQuote('$names')} + ')'`,
    }),
  },
  versions: [{ since: 'v1.0', check: hostPathVolumes_1_0 }],
});
