/**
 * The Pulumi resource types podguard checks, and the Kubernetes apiVersion/kind each stands for.
 *
 * Resources created through `yaml.v2.ConfigFile`/`ConfigGroup`, `helm.v3.Chart`, `helm.v4.Chart`
 * and `kustomize.v2.Directory` are registered as ordinary children of these types, so the engine
 * sends each of them to the pack on its own: nothing else is needed. `helm.sh/v3:Release` renders
 * its templates inside the provider and registers no children; it is opaque to any policy pack.
 *
 * `...Patch` types (server-side apply patches) are deliberately not covered: a patch is a partial
 * object merged into live state the pack cannot see, so a missing field says nothing about the
 * result. Check the live objects with the podguard CLI instead.
 */

/** A Kubernetes type as podguard sees it. */
export interface KubernetesType {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Pulumi types of every Kubernetes resource that carries a pod spec, by Pulumi type token. */
export const POD_RESOURCE_TYPES: Readonly<Record<string, KubernetesType>> = {
  'kubernetes:core/v1:Pod': { apiVersion: 'v1', kind: 'Pod' },
  'kubernetes:core/v1:PodTemplate': { apiVersion: 'v1', kind: 'PodTemplate' },
  'kubernetes:core/v1:ReplicationController': { apiVersion: 'v1', kind: 'ReplicationController' },
  'kubernetes:apps/v1:Deployment': { apiVersion: 'apps/v1', kind: 'Deployment' },
  'kubernetes:apps/v1:StatefulSet': { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  'kubernetes:apps/v1:DaemonSet': { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  'kubernetes:apps/v1:ReplicaSet': { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  'kubernetes:batch/v1:Job': { apiVersion: 'batch/v1', kind: 'Job' },
  'kubernetes:batch/v1:CronJob': { apiVersion: 'batch/v1', kind: 'CronJob' },
  // Legacy API versions @pulumi/kubernetes still offers: the same pod spec as their v1 twins.
  'kubernetes:apps/v1beta1:Deployment': { apiVersion: 'apps/v1beta1', kind: 'Deployment' },
  'kubernetes:apps/v1beta1:StatefulSet': { apiVersion: 'apps/v1beta1', kind: 'StatefulSet' },
  'kubernetes:apps/v1beta2:Deployment': { apiVersion: 'apps/v1beta2', kind: 'Deployment' },
  'kubernetes:apps/v1beta2:DaemonSet': { apiVersion: 'apps/v1beta2', kind: 'DaemonSet' },
  'kubernetes:apps/v1beta2:ReplicaSet': { apiVersion: 'apps/v1beta2', kind: 'ReplicaSet' },
  'kubernetes:apps/v1beta2:StatefulSet': { apiVersion: 'apps/v1beta2', kind: 'StatefulSet' },
  'kubernetes:extensions/v1beta1:Deployment': { apiVersion: 'extensions/v1beta1', kind: 'Deployment' },
  'kubernetes:extensions/v1beta1:DaemonSet': { apiVersion: 'extensions/v1beta1', kind: 'DaemonSet' },
  'kubernetes:extensions/v1beta1:ReplicaSet': { apiVersion: 'extensions/v1beta1', kind: 'ReplicaSet' },
  'kubernetes:batch/v1beta1:CronJob': { apiVersion: 'batch/v1beta1', kind: 'CronJob' },
  'kubernetes:batch/v2alpha1:CronJob': { apiVersion: 'batch/v2alpha1', kind: 'CronJob' },
};

/** The Pulumi type of a Namespace. */
export const NAMESPACE_TYPE = 'kubernetes:core/v1:Namespace';

/** Every Pulumi type the pack checks: the pod-spec types and Namespace. */
export const CHECKED_TYPES: Readonly<Record<string, KubernetesType>> = {
  ...POD_RESOURCE_TYPES,
  [NAMESPACE_TYPE]: { apiVersion: 'v1', kind: 'Namespace' },
};

/** Whether a Pulumi type carries a pod spec. */
export function isPodResourceType(type: string): boolean {
  return Object.hasOwn(POD_RESOURCE_TYPES, type);
}
