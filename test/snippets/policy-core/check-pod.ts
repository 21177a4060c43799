// packages/policy-core/README.md, "checkPod and the API server's words".
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } };
// ---- README ----
import { checkPod, formatForbiddenMessage } from '@podguard/policy-core';

const result = checkPod(pod, 'restricted', 'v1.30');   // upstream AggregateCheckResult
result.reasons;  // [{ check, reason, detail }] in the API server's order
formatForbiddenMessage({ kind: 'Pod', name: 'x' }, { level: 'restricted', version: 'v1.30' }, result.reasons);
// pods "x" is forbidden: violates PodSecurity "restricted:v1.30": allowPrivilegeEscalation != false (...), ...
formatForbiddenMessage({ kind: 'Deployment', ...deployment.metadata }, { level: 'restricted', version: 'latest' }, result.reasons, 'warn');
// would violate PodSecurity "restricted:latest": ...
// ---- end ----
const message = formatForbiddenMessage({ kind: 'Pod', name: 'x' }, { level: 'restricted', version: 'v1.30' }, result.reasons);
if (!message.startsWith('pods "x" is forbidden: violates PodSecurity "restricted:v1.30": allowPrivilegeEscalation != false')) {
  throw new Error(message);
}
