// packages/policy-core/README.md, "Blocking, and the words every door uses".
import { evaluate } from '@podguard/policy-core';
const result = evaluate({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod' },
  spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
});
// ---- README ----
import { formatFinding, isBlocking, resourceLabel } from '@podguard/policy-core';

const blocking = result.findings.filter((finding) => isBlocking(finding, 'warning')); // failOn
for (const finding of blocking) console.log(formatFinding(finding, { origin: { label: 'construct', value: 'web/Deployment' } }));
resourceLabel({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'web' }); // 'Deployment prod/web'
// ---- end ----
if (blocking.length === 0) throw new Error('expected blocking findings');
if (resourceLabel({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'web' }) !== 'Deployment prod/web') throw new Error('label');
