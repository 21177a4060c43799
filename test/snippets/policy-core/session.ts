// packages/policy-core/README.md, "Input that arrives in pieces".
const documents: unknown[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
];
// ---- README ----
import { createEvaluation } from '@podguard/policy-core';

const session = createEvaluation({ profile: 'hardened' });
const findings = [...session.settings];                    // problems with the options themselves
for (const [index, doc] of documents.entries()) findings.push(...session.evaluate(doc, index).findings);
findings.push(...session.finish());                        // option suppressions that matched nothing
// ---- end ----
if (!findings.some((f) => f.objectIndex === 1 && f.rule === 'runAsNonRoot')) throw new Error('expected findings on the Pod');
