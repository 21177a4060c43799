/**
 * The stack policy tying pods to their Namespaces. A resource policy sees one resource; only the
 * whole stack shows that a Deployment lands in a Namespace that does not enforce Pod Security
 * Admission, or in one whose enforced level will reject its pods (the Deployment is created, its
 * ReplicaSet's pods are refused, and the rollout hangs).
 */
import {
  evaluate,
  type Finding,
  PodguardInputError,
  type Profile,
  type PssLevel,
  parseVersion,
  psaPlan,
  resourceLabel,
  ruleRegistry,
} from '@podguard/policy-core';
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { CHECKED_TYPES, isPodResourceType, NAMESPACE_TYPE } from '../resourceTypes.js';
import {
  cachedEvaluate,
  decisiveUnknowns,
  policyName,
  reportAdvisory,
  settingsOf,
  throwUndecidable,
  violationMessage,
} from './policies.js';
import { readProperties, type UnknownField } from './properties.js';
import { evaluateOptionsFor, type FailOn, type PodguardSettings, settingsSchema } from './settings.js';

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

/** A resource of the stack, read with its unknowns left out and listed. */
interface StackObject {
  readonly resource: PolicyResource;
  readonly object: Record<string, unknown>;
  readonly unknowns: readonly UnknownField[];
}

function read(resource: PolicyResource): StackObject {
  const type = CHECKED_TYPES[resource.type];
  if (!type) throw new Error(`podguard: no Kubernetes type for ${resource.type}`);
  const { object, unknowns } = readProperties(resource.props, type);
  // Which pods run in which Namespace cannot be known without names and labels.
  const identity = unknowns.filter(
    (unknown) =>
      unknown.tokens[0] === 'metadata' &&
      (unknown.tokens.length === 1 || ['name', 'namespace', 'labels'].includes(unknown.tokens[1] as string)),
  );
  if (identity.length > 0) throwUndecidable(identity);
  return { resource, object, unknowns };
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

function unknownPaths(unknowns: readonly UnknownField[]): string {
  return [...new Set(unknowns.map((unknown) => `.${unknown.tokens.join('.')}`))].join(', ');
}

/**
 * What the Namespace's admission decides about a pod: the checks that reject it, and the checks
 * that read a value unknown during preview (decided at update, never evaluated on a placeholder).
 */
function admissionOf(
  pod: StackObject,
  level: PssLevel,
  version: string,
): { rejected: Finding[]; undecided: { rule: string; unknowns: UnknownField[] }[] } | undefined {
  let minor: number;
  let admission: ReturnType<typeof evaluate>;
  try {
    minor = parseVersion(version);
    admission = evaluate(pod.object, { level, version });
  } catch (error) {
    // An enforce-version the core does not know: the namespace rule reports the label itself.
    if (error instanceof PodguardInputError) return undefined;
    throw error;
  }
  const undecided: { rule: string; unknowns: UnknownField[] }[] = [];
  for (const { rule } of psaPlan(level, minor)) {
    const unknowns = decisiveUnknowns(rule, pod.object, pod.unknowns, []);
    if (unknowns.length > 0) undecided.push({ rule: rule.id, unknowns });
  }
  const rejected = admission.findings.filter(
    (finding) =>
      finding.status === 'fail' &&
      finding.severity === 'error' &&
      !undecided.some((entry) => entry.rule === finding.rule),
  );
  return { rejected, undecided };
}

/** The stack policy; `defaults` as for the resource policies. */
export function namespacePolicy(defaults: PodguardSettings): StackValidationPolicy {
  const { suppressions: _unused, ...shared } = defaults;
  return {
    name: NAMESPACE_POLICY,
    description:
      'Pods must run in Namespaces that enforce Pod Security Admission at the required level, and pass the level their Namespace enforces.',
    enforcementLevel: 'mandatory',
    severity: 'high',
    tags: ['kubernetes', 'pod-security'],
    configSchema: settingsSchema(shared, { suppressions: false }),
    validateStack: (args, reportViolation) => {
      let settings: PodguardSettings;
      try {
        settings = settingsOf(shared, args, { name: NAMESPACE_POLICY, takesSuppressions: false });
      } catch (error) {
        if (!(error instanceof PodguardInputError)) throw error;
        reportViolation(`invalid podguard settings: ${error.message}`);
        return;
      }
      const options = evaluateOptionsFor(settings);
      const failOn: FailOn = settings.failOn ?? 'error';
      const report = (message: string, urn: string, advisory: boolean) => {
        if (advisory || failOn === 'none') {
          reportAdvisory(reportViolation, message, urn);
        } else reportViolation(message, urn);
      };
      const namespaces = new Map<string, StackObject>();
      const pods: StackObject[] = [];
      for (const resource of args.resources) {
        if (resource.type === NAMESPACE_TYPE) {
          const namespace = read(resource);
          const name = metadataOf(namespace.object).name;
          if (name !== undefined) namespaces.set(name, namespace);
        } else if (isPodResourceType(resource.type)) pods.push(read(resource));
      }
      const labelRule = ruleRegistry.get('namespaceEnforceLabel');
      for (const pod of pods) {
        const podMetadata = metadataOf(pod.object);
        const namespaceName = podMetadata.namespace ?? 'default';
        // Namespaces this stack does not manage are outside what the stack can show.
        const namespace = namespaces.get(namespaceName);
        if (!namespace) continue;
        const podName = resourceLabel({
          apiVersion: '',
          kind: String(pod.object.kind),
          ...podMetadata,
          namespace: namespaceName,
        });
        const labelUnknowns = labelRule
          ? decisiveUnknowns(labelRule, namespace.object, namespace.unknowns, [])
          : [];
        if (labelUnknowns.length > 0) {
          report(
            `${podName}: whether Namespace ${namespaceName} enforces Pod Security Admission as required can't be known during preview (${unknownPaths(labelUnknowns)}); podguard decides at update`,
            pod.resource.urn,
            true,
          );
          continue;
        }
        const labelCheck = cachedEvaluate(namespace.object, {
          profile: namespaceOnlyProfile,
          namespaceLevel: options.namespaceLevel ?? 'restricted',
        });
        for (const finding of labelCheck.findings) {
          if (finding.status !== 'fail') continue;
          report(
            `${podName} runs in a Namespace that does not enforce Pod Security Admission as required:\n${violationMessage(finding)}`,
            pod.resource.urn,
            false,
          );
        }
        const enforced = metadataOf(namespace.object).labels[ENFORCE];
        if (enforced === undefined || !LEVELS.includes(enforced) || enforced === 'privileged') continue;
        const version = metadataOf(namespace.object).labels[ENFORCE_VERSION] ?? 'latest';
        const admission = admissionOf(pod, enforced as PssLevel, version);
        if (!admission) continue;
        const where = `Pod Security Admission of Namespace ${namespaceName} (${ENFORCE}=${enforced}, version ${version})`;
        if (admission.rejected.length > 0) {
          report(
            `${podName} will be rejected by ${where}:\n${admission.rejected.map((finding) => `- ${finding.message}`).join('\n')}`,
            pod.resource.urn,
            false,
          );
        }
        if (admission.undecided.length > 0) {
          const unknowns = admission.undecided.flatMap((entry) => entry.unknowns);
          report(
            `${podName}: whether ${where} admits it can't be known during preview: ${admission.undecided.map((entry) => entry.rule).join(', ')} read ${unknownPaths(unknowns)}; podguard decides at update`,
            pod.resource.urn,
            true,
          );
        }
      }
    },
  };
}
