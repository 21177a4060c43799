import { evaluate } from '@podguard/policy-core';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'web', image: 'node:22' }] },
};
// node:22 ends with `USER node`: admission passes, the kubelet refuses to start it.
const { findings } = evaluate(pod, { imageUsers: { 'node:22': 'node' } });
const startup = findings.find((f) => f.rule === 'kubeletRunAsNonRoot');
console.log(startup?.message);
console.log(startup?.fix?.description);
