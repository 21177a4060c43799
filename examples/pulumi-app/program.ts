/**
 * The example program: a `shop` Namespace, a web Deployment with its Service, and a database
 * migration Job. The `secure` variant uses podguard's secure components and a Namespace that
 * enforces `restricted`; the `insecure` variant is what most programs start as: plain resources
 * with no security context, whose containers run as the image's user (root, by default).
 */

import { SecureDeployment, SecureJob } from '@podguard/pulumi';
import { Deployment } from '@pulumi/kubernetes/apps/v1';
import { Job } from '@pulumi/kubernetes/batch/v1';
import { Namespace, Service } from '@pulumi/kubernetes/core/v1';
import type * as pulumi from '@pulumi/pulumi';

export type Variant = 'secure' | 'insecure';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const labels = { 'app.kubernetes.io/name': 'web' };

export interface Shop {
  namespace: Namespace;
  web: Deployment;
  service: Service;
  migrate: Job;
  /** URNs of everything above, to wait for registration. */
  urns: pulumi.Output<string>[];
}

export function shop(variant: Variant): Shop {
  const namespace = new Namespace('shop', {
    metadata: {
      name: 'shop',
      labels: variant === 'secure' ? { 'pod-security.kubernetes.io/enforce': 'restricted' } : {},
    },
  });
  const ns = namespace.metadata.name;

  const web: Deployment =
    variant === 'secure'
      ? new SecureDeployment('web', {
          metadata: { name: 'web', namespace: ns },
          podLabels: labels,
          spec: { replicas: 2 },
          pod: {
            securityContext: { runAsUser: 10001, runAsGroup: 10001 },
            containers: [
              {
                name: 'web',
                image: IMAGE,
                ports: [{ containerPort: 8080 }],
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        }).deployment
      : new Deployment('web', {
          metadata: { name: 'web', namespace: ns },
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { containers: [{ name: 'web', image: IMAGE, ports: [{ containerPort: 8080 }] }] },
            },
          },
        });

  const service = new Service('web', {
    metadata: { name: 'web', namespace: ns },
    spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
  });

  const migrate: Job =
    variant === 'secure'
      ? new SecureJob('migrate', {
          metadata: { name: 'migrate', namespace: ns },
          spec: { backoffLimit: 2 },
          pod: {
            securityContext: { runAsUser: 10001, runAsGroup: 10001 },
            containers: [{ name: 'migrate', image: IMAGE, command: ['/app/migrate'] }],
          },
        }).job
      : new Job('migrate', {
          metadata: { name: 'migrate', namespace: ns },
          spec: {
            backoffLimit: 2,
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'migrate', image: IMAGE, command: ['/app/migrate'] }],
              },
            },
          },
        });

  return { namespace, web, service, migrate, urns: [namespace.urn, web.urn, service.urn, migrate.urn] };
}
