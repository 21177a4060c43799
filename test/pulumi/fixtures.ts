/** Kubernetes resource properties as @pulumi/kubernetes sends them to the engine. */

export const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
export const NAMESPACE = 'kubernetes:core/v1:Namespace';

/** A Deployment with no security context at all: runs as the image's user, root by default. */
export function rootDeployment(name = 'web', namespace = 'shop'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name, image: 'registry.example.com/shop/web:1.4.2', ports: [{ containerPort: 8080 }] },
          ],
        },
      },
    },
  };
}

/** The same Deployment, hardened: passes the `hardened` profile. */
export function secureDeployment(name = 'web', namespace = 'shop'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name,
              image: 'registry.example.com/shop/web:1.4.2',
              ports: [{ containerPort: 8080 }],
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}
