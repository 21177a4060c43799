/**
 * The stack policy tying pods to their Namespaces. A resource policy sees one resource; only the
 * whole stack shows that a Deployment lands in a Namespace that does not enforce Pod Security
 * Admission, or in one whose enforced level will reject its pods (the Deployment is created, its
 * ReplicaSet's pods are refused, and the rollout hangs).
 */
import {
  evaluate,
  type Profile,
  type PssLevel,
  type ResourceRef,
  resolveEvaluation,
} from '@podguard/policy-core';
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { CHECKED_TYPES, isPodResourceType, NAMESPACE_TYPE } from '../resourceTypes.js';
import { cachedEvaluate, policyName, settingsOf, throwUndecidable, violationMessage } from './policies.js';
import { readProperties } from './properties.js';
import { evaluateOptionsFor, type PodguardSettings, settingsSchema } from './settings.js';

/** Name of the stack policy. */
export const NAMESPACE_POLICY = policyName('namespaces');

/** Runs only the namespace rule, whatever the pack's profile. */
const namespaceOnlyProfile: Profile = {
  name: 'namespaces',
  level: 'privileged',
  rules: ['namespaceEnforceLabel'],
};

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
const LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];

interface StackObject {
  readonly resource: PolicyResource;
  readonly object: Record<string, unknown>;
}

function read(resource: PolicyResource): StackObject {
  const type = CHECKED_TYPES[resource.type];
  if (!type) throw new Error(`podguard: no Kubernetes type for ${resource.type}`);
  const { object, unknowns } = readProperties(resource.props, type);
  const identity = unknowns.filter(
    (unknown) =>
      unknown.tokens[0] === 'metadata' &&
      (unknown.tokens.length === 1 || ['name', 'namespace', 'labels'].includes(unknown.tokens[1] as string)),
  );
  if (identity.length > 0) throwUndecidable(identity);
  return { resource, object };
}

function metadataOf(object: Record<string, unknown>): {
  name?: string;
  namespace?: string;
  labels: Record<string, string>;
} {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown; labels?: unknown };
  const labels =
    typeof metadata.labels === 'object' && metadata.labels !== null
      ? (metadata.labels as Record<string, string>)
      : {};
  const result: { name?: string; namespace?: string; labels: Record<string, string> } = { labels };
  if (typeof metadata.name === 'string') result.name = metadata.name;
  if (typeof metadata.namespace === 'string') result.namespace = metadata.namespace;
  return result;
}

function describe(resource: ResourceRef): string {
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name ?? '(unnamed)'}`;
}

/** The stack policy; `defaults` as for the resource policies. */
export function namespacePolicy(defaults: PodguardSettings): StackValidationPolicy {
  const { exemptions: _unused, ...shared } = defaults;
  return {
    name: NAMESPACE_POLICY,
    description:
      'Pods must run in Namespaces that enforce Pod Security Admission at the required level, and pass the level their Namespace enforces.',
    enforcementLevel: 'mandatory',
    severity: 'high',
    tags: ['kubernetes', 'pod-security'],
    configSchema: settingsSchema(shared),
    validateStack: (args, reportViolation) => {
      const settings = settingsOf(shared, args);
      const options = evaluateOptionsFor(settings);
      resolveEvaluation(options);
      const namespaces = new Map<string, StackObject>();
      const pods: StackObject[] = [];
      for (const resource of args.resources) {
        if (resource.type === NAMESPACE_TYPE) {
          const namespace = read(resource);
          const name = metadataOf(namespace.object).name;
          if (name !== undefined) namespaces.set(name, namespace);
        } else if (isPodResourceType(resource.type)) pods.push(read(resource));
      }
      for (const pod of pods) {
        const podMetadata = metadataOf(pod.object);
        const namespaceName = podMetadata.namespace ?? 'default';
        // Namespaces this stack does not manage are outside what the stack can show.
        const namespace = namespaces.get(namespaceName);
        if (!namespace) continue;
        const labelCheck = cachedEvaluate(namespace.object, {
          profile: namespaceOnlyProfile,
          namespaceLevel: options.namespaceLevel ?? 'restricted',
        });
        const podName = describe({
          apiVersion: '',
          kind: String(pod.object.kind),
          ...podMetadata,
          namespace: namespaceName,
        });
        for (const finding of labelCheck.findings) {
          if (finding.status !== 'fail') continue;
          reportViolation(
            `${podName} runs in a Namespace that does not enforce Pod Security Admission as required:\n${violationMessage(finding)}`,
            pod.resource.urn,
          );
        }
        const enforced = metadataOf(namespace.object).labels[ENFORCE];
        if (enforced === undefined || !LEVELS.includes(enforced) || enforced === 'privileged') continue;
        const version = metadataOf(namespace.object).labels[ENFORCE_VERSION] ?? 'latest';
        let admission: ReturnType<typeof evaluate>;
        try {
          admission = evaluate(pod.object, { level: enforced as PssLevel, version });
        } catch {
          // An enforce-version the core does not know: the namespace rule reports the label itself.
          continue;
        }
        const rejected = admission.findings.filter(
          (finding) => finding.status === 'fail' && finding.severity === 'error',
        );
        if (rejected.length === 0) continue;
        reportViolation(
          `${podName} will be rejected by Pod Security Admission of Namespace ${namespaceName} (${ENFORCE}=${enforced}, version ${version}):\n${rejected
            .map((finding) => `- ${finding.message}`)
            .join('\n')}`,
          pod.resource.urn,
        );
      }
    },
  };
}
