// `npm run demo`: the core on its own. A Deployment that passes admission but whose image has a
// named USER fails at container start; podguard says so before it is deployed.
import { evaluate, harden } from '@podguard/policy-core';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'web',
            image: 'registry.example/web:1.4',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  },
};

// The image was built FROM node:22 with `USER node`.
const options = { imageUsers: { 'registry.example/web:1.4': 'node' } };

const restricted = evaluate(deployment, { ...options, profile: 'restricted' });
console.log(`Pod Security Admission (restricted): ${restricted.allowed ? 'admitted' : 'denied'}`);

const hardened = evaluate(deployment, options);
console.log(`podguard (hardened): ${hardened.allowed ? 'passes' : 'fails'}`);
for (const finding of hardened.findings) {
  console.log(`  ${finding.severity.padEnd(7)} ${finding.rule.padEnd(22)} ${finding.path}`);
  console.log(`          ${finding.message}`);
  if (finding.fix) console.log(`          fix: ${finding.fix.description}`);
}

const { object, changes } = harden(deployment, options);
console.log(
  `\nharden() made ${changes.length} changes; the result ${evaluate(object, options).allowed ? 'passes' : 'still fails'}.`,
);
