/**
 * Pods must not mount a service-account token unless they call the Kubernetes API: a stolen
 * token is a credential against the cluster. The pod must say so itself
 * (`automountServiceAccountToken: false`); the ServiceAccount's own setting is not visible in
 * the manifest being checked, and the pod's field wins over it.
 *
 * Restricted field: `spec.automountServiceAccountToken`. Allowed value: false.
 *
 * Fix: `automountServiceAccountToken: false`. A workload that uses the API should instead
 * suppress this rule with a reason, or mount a projected token with a short expiry and audience.
 */

import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { setField } from '../rulekit/patch.js';

function automountServiceAccountToken_1_0(pod: PodView): CheckResult {
  if (pod.spec.automountServiceAccountToken === false) return ALLOWED;
  const path = pointer(pod.specPath, 'automountServiceAccountToken');
  return {
    allowed: false,
    reason: 'automountServiceAccountToken != false',
    detail: 'pod must set automountServiceAccountToken=false',
    locations: [{ path: pod.spec.automountServiceAccountToken === undefined ? pod.specPath : path }],
    fix: {
      description: 'Set automountServiceAccountToken=false on the pod.',
      patch: [setField(pod.spec, pod.specPath, ['automountServiceAccountToken'], false)],
    },
  };
}

export const automountServiceAccountToken = definePodRule({
  id: 'automountServiceAccountToken',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['automountServiceAccountToken'],
  messages: { automountServiceAccountToken: 'automountServiceAccountToken != false ({detail})' },
  description: 'Pods must set automountServiceAccountToken=false.',
  controls: [
    'CIS 5.1.6',
    'NSA/CISA: Authentication and authorization: Service account tokens',
    'ISO 27001:2013 A.9.4.4',
  ],
  versions: [{ since: 'v1.0', check: automountServiceAccountToken_1_0 }],
});
