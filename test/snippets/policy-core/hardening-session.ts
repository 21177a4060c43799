// packages/policy-core/README.md, "Input that arrives in pieces" (hardening).
const documents: unknown[] = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' }, automountServiceAccountToken: false },
];
// ---- README ----
import { createHardening } from '@podguard/policy-core';

const hardening = createHardening({ profile: 'hardened' });   // safe fixes; { unsafe: true } for all
for (const doc of documents) hardening.learn(doc);             // facts first: a later ServiceAccount counts
const fixed = documents.map((doc) => hardening.harden(doc).object);
// ---- end ----
const pod = fixed[0] as { spec: Record<string, unknown> };
if (pod.spec.automountServiceAccountToken !== undefined) throw new Error('the ServiceAccount opts out: no automount fix expected');
if ((pod.spec.securityContext as Record<string, unknown>)?.runAsNonRoot !== true) throw new Error('expected runAsNonRoot');
