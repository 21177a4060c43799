// packages/policy-core/README.md, "harden".
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
};
// ---- README ----
import { harden } from '@podguard/policy-core';

const { object, changes, remaining } = harden(deployment, { profile: 'hardened' });
// ---- end ----
import { evaluate } from '@podguard/policy-core';
if (changes.length === 0 || remaining.length !== 0) throw new Error('expected changes and nothing remaining');
if (!evaluate(object).allowed) throw new Error('the hardened Deployment must pass');
