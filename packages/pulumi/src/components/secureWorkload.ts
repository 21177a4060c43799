/**
 * What the secure components share: the typed pod spec they take, and hardening at construction.
 *
 * Security-relevant fields (security contexts, host namespaces, volumes, the OS) are plain values,
 * not Inputs, so the hardened result is known during preview and the policy pack can decide on it;
 * everything else (images, env, resources...) may be an Output.
 */
import type { EvaluateOptions } from '@podguard/policy-core';
import type * as inputs from '@pulumi/kubernetes/types/input';
import type * as pulumi from '@pulumi/pulumi';
import { hardenInputs } from '../hardening/hardenInputs.js';

type Plain<T> = pulumi.Unwrap<T>;

/** A container; `name` and `securityContext` are plain so they can be hardened during preview. */
export interface SecureContainer extends Omit<inputs.core.v1.Container, 'name' | 'securityContext'> {
  name: string;
  /** Overrides of the hardened container security context; a value that breaks the profile is an error. */
  securityContext?: Plain<inputs.core.v1.SecurityContext>;
}

/** A pod spec whose security-relevant fields are plain values. */
export interface SecurePodSpec
  extends Omit<
    inputs.core.v1.PodSpec,
    | 'containers'
    | 'initContainers'
    | 'ephemeralContainers'
    | 'securityContext'
    | 'hostNetwork'
    | 'hostPID'
    | 'hostIPC'
    | 'hostUsers'
    | 'volumes'
    | 'automountServiceAccountToken'
    | 'os'
  > {
  containers: SecureContainer[];
  initContainers?: SecureContainer[];
  /** Overrides of the hardened pod security context (e.g. `runAsUser: 10001`). */
  securityContext?: Plain<inputs.core.v1.PodSecurityContext>;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  volumes?: Plain<inputs.core.v1.Volume>[];
  automountServiceAccountToken?: boolean;
  os?: Plain<inputs.core.v1.PodOS>;
}

/** Arguments every secure workload takes. */
export interface SecureWorkloadArgs {
  /** Metadata of the workload object (namespace, labels, annotations). */
  metadata?: inputs.meta.v1.ObjectMeta;
  /** Labels of the pods, also the workload's selector. Default `{ 'app.kubernetes.io/name': <name> }`. */
  podLabels?: Record<string, string>;
  /** Annotations of the pods (plain: AppArmor and suppression annotations are security-relevant). */
  podAnnotations?: Record<string, string>;
  pod: SecurePodSpec;
  /**
   * podguard options: profile (default `hardened`), `defaultUser`/`defaultGroup` (default 1000),
   * `imageUsers`, suppressions (each with a reason) for what must break a rule.
   */
  podguard?: EvaluateOptions;
}

/** The pod labels a component uses. */
export function podLabelsOf(name: string, args: SecureWorkloadArgs): Record<string, string> {
  return args.podLabels ?? { 'app.kubernetes.io/name': name };
}

/** The pod template of a component, before hardening. */
export function podTemplateOf(name: string, args: SecureWorkloadArgs): Record<string, unknown> {
  const metadata: Record<string, unknown> = { labels: podLabelsOf(name, args) };
  if (args.podAnnotations) metadata.annotations = args.podAnnotations;
  return { metadata, spec: { ...args.pod } };
}

/** Thrown when a secure component cannot be made to pass its profile. */
export class InsecureWorkloadError extends Error {
  override readonly name = 'InsecureWorkloadError';
}

/**
 * Hardens a workload object built by a component: fills in every missing security field, and
 * throws when a value the caller wrote breaks the profile or a violation has no mechanical fix
 * (unless a suppression with a reason covers it).
 */
export function hardenWorkload(
  component: string,
  name: string,
  object: Record<string, unknown>,
  options: EvaluateOptions | undefined,
): Record<string, unknown> {
  const result = hardenInputs(object, options, 'fill');
  if (result.deferred) {
    throw new InsecureWorkloadError(
      `${component} ${name}: podguard must see the pod's security-relevant fields during preview, but these are Outputs: ${result.opaque.join(', ')}`,
    );
  }
  const problems = [
    ...result.conflicts.map(
      (conflict) => `${conflict.path}: your value breaks ${conflict.rule} (${conflict.description})`,
    ),
    ...result.remaining.map((finding) => `${finding.path}: ${finding.rule}: ${finding.message}`),
  ];
  if (problems.length > 0) {
    throw new InsecureWorkloadError(
      `${component} ${name} does not pass podguard profile ${profileName(options)}:\n${problems
        .map((problem) => `- ${problem}`)
        .join('\n')}\nChange the values, or add a suppression with a reason in args.podguard.suppressions.`,
    );
  }
  return result.props;
}

function profileName(options: EvaluateOptions | undefined): string {
  const profile = options?.profile;
  if (profile === undefined) return options?.level ?? 'hardened';
  return typeof profile === 'string' ? profile : profile.name;
}

/**
 * Hardens an apps/v1 workload (Deployment, StatefulSet, DaemonSet) whose selector matches its pod
 * labels: the object the three components build, hardened once, the same way.
 */
export function hardenAppsWorkload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  name: string,
  args: SecureWorkloadArgs & { spec?: object },
): { metadata: inputs.meta.v1.ObjectMeta; spec: unknown } {
  const object = hardenWorkload(
    `Secure${kind}`,
    name,
    {
      apiVersion: 'apps/v1',
      kind,
      metadata: args.metadata ?? {},
      spec: {
        ...args.spec,
        selector: { matchLabels: podLabelsOf(name, args) },
        template: podTemplateOf(name, args),
      },
    },
    args.podguard,
  );
  return { metadata: object.metadata as inputs.meta.v1.ObjectMeta, spec: object.spec };
}
