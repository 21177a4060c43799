// packages/pulumi/README.md, "Secure components". Type-checked only: a Pulumi program runs under the
// Pulumi engine (examples/pulumi-app runs one under mocks).
import * as k8s from '@pulumi/kubernetes';
const ns = new k8s.core.v1.Namespace('shop');
// ---- README ----
import { SecureDeployment } from '@podguard/pulumi';

const web = new SecureDeployment('web', {
  metadata: { namespace: ns.metadata.name }, // an Output
  spec: { replicas: 2 },
  pod: {
    securityContext: { runAsUser: 10001, runAsGroup: 10001 },
    containers: [
      // `image` may be an Output too, e.g. the ref of an image built in the same program
      {
        name: 'web',
        image: 'registry.example.com/shop/web:1.4.2',
        ports: [{ containerPort: 8080 }],
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  },
});
// ---- end ----
export const deployment = web.deployment;
