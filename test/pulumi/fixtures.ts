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

/** The 11 legacy pod-spec types of @pulumi/kubernetes: checked like their v1 twins. */
export const LEGACY_TYPES: readonly string[] = [
  'kubernetes:apps/v1beta1:Deployment',
  'kubernetes:apps/v1beta1:StatefulSet',
  'kubernetes:apps/v1beta2:Deployment',
  'kubernetes:apps/v1beta2:DaemonSet',
  'kubernetes:apps/v1beta2:ReplicaSet',
  'kubernetes:apps/v1beta2:StatefulSet',
  'kubernetes:extensions/v1beta1:Deployment',
  'kubernetes:extensions/v1beta1:DaemonSet',
  'kubernetes:extensions/v1beta1:ReplicaSet',
  'kubernetes:batch/v1beta1:CronJob',
  'kubernetes:batch/v2alpha1:CronJob',
];

/** A workload of `kind` whose one container is privileged. */
export function podOf(kind: string, apiVersion: string, name = 'legacy'): Record<string, unknown> {
  const template = {
    metadata: { labels: { app: name } },
    spec: {
      restartPolicy: kind === 'CronJob' ? 'Never' : 'Always',
      containers: [{ name, image: 'registry.example.com/legacy:1', securityContext: { privileged: true } }],
    },
  };
  const spec =
    kind === 'CronJob'
      ? { schedule: '0 * * * *', jobTemplate: { spec: { template } } }
      : { selector: { matchLabels: { app: name } }, template };
  return { apiVersion, kind, metadata: { name, namespace: 'shop' }, spec };
}
