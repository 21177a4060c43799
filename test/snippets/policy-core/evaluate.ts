// packages/policy-core/README.md, "evaluate". The README block is the part after the marker line;
// what comes before it gives the block its input.
const manifests = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  },
];
// ---- README ----
import { evaluate } from '@podguard/policy-core';

const result = evaluate(manifests, { profile: 'hardened', version: 'latest' });
result.allowed;   // false when an error-severity failure or an input error remains
result.findings;  // Finding[]: rule, status, severity, resource, container, path, message, fix, controls...
result.objects;   // what was done with each input object: pod | namespace | not-applicable | invalid
// ---- end ----
if (result.allowed || !result.findings.some((f) => f.rule === 'runAsNonRoot')) throw new Error('expected findings');
if (result.objects[0]?.kind !== 'pod') throw new Error('expected a pod');
