/**
 * The Pulumi resource types podguard checks, and the Kubernetes apiVersion/kind each stands for.
 *
 * Resources created through `yaml.v2.ConfigFile`/`ConfigGroup`, `helm.v3.Chart`, `helm.v4.Chart`
 * and `kustomize.v2.Directory` are registered as ordinary children of these types, so the engine
 * sends each of them to the pack on its own: nothing else is needed. `helm.sh/v3:Release` renders
 * its templates inside the provider and registers no children; it is opaque to any policy pack.
 *
 * Any other `kubernetes:<group>/<version>:<Kind>` type (a custom resource through
 * `apiextensions.CustomResource` or crd2pulumi, a workload at a group/version the table above does
 * not list) is read by {@link kubernetesTypeOf}: the core decides by group, version and kind whether
 * it carries pod templates (known custom resources and the `podTemplates` setting).
 *
 * `...Patch` types (server-side apply patches, e.g. `kubernetes:apps/v1:DeploymentPatch`) are
 * partial objects: the core judges them for the values they set, never for what they leave out.
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

/** A Kubernetes type read from a Pulumi type token, and whether it is a `...Patch` resource. */
export interface ParsedKubernetesType extends KubernetesType {
  readonly patch: boolean;
}

/** `kubernetes:<group>/<version>:<Kind>`; the core group is `core`. */
const TYPE_TOKEN = /^kubernetes:([a-z0-9.-]+\/)?([a-z0-9]+):([A-Z][A-Za-z0-9]*)$/;

/**
 * The Kubernetes apiVersion/kind of a Pulumi type token: `kubernetes:apps/v1:Deployment` is
 * apps/v1 Deployment, `kubernetes:core/v1:PodPatch` a patch of a v1 Pod,
 * `kubernetes:argoproj.io/v1alpha1:Rollout` a custom resource. Undefined for other providers'
 * types and for component resources such as `kubernetes:yaml/v2:ConfigGroup` (their children are
 * sent on their own).
 */
export function kubernetesTypeOf(type: string): ParsedKubernetesType | undefined {
  const known = CHECKED_TYPES[type];
  if (known) return { ...known, patch: false };
  const match = TYPE_TOKEN.exec(type);
  if (!match) return undefined;
  const group = (match[1] ?? '').replace(/\/$/, '');
  const version = match[2] as string;
  const apiVersion = group === '' || group === 'core' ? version : `${group}/${version}`;
  let kind = match[3] as string;
  // Built-in types come with a ...Patch twin; a custom resource kind may itself end in "Patch".
  const patch = kind.endsWith('Patch') && !group.includes('.') && kind !== 'Patch';
  if (patch) kind = kind.slice(0, -'Patch'.length);
  return { apiVersion, kind, patch };
}
