// packages/policy-core/README.md, "Unknown values (Pulumi preview)".
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.2' }] } } },
};
// ---- README ----
import { rulesAffectedByUnknown, rulesReading } from '@podguard/policy-core';

rulesAffectedByUnknown(deployment, '/spec/template/spec/containers/0/image'); // ['kubeletRunAsNonRoot', 'runAsRoot']
rulesReading('securityContext.runAsUser');  // ['runAsUser', 'kubeletRunAsNonRoot', 'runAsRoot', 'runAsUserRange']
// ---- end ----
const affected = rulesAffectedByUnknown(deployment, '/spec/template/spec/containers/0/image');
if (JSON.stringify([...affected].sort()) !== JSON.stringify(['kubeletRunAsNonRoot', 'runAsRoot'])) throw new Error(String(affected));
