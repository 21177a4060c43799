/**
 * Which preview-time unknowns can change a rule's verdict.
 *
 * During preview, outputs of resources not yet created are unknown: an image built in the same
 * program, a namespace name, a value read from a secret. Treating every unknown as "cannot decide"
 * would make every rule undecidable for most programs (images are usually outputs); treating them
 * as absent would be a silent pass or a false alarm. So unknowns are classified by where they sit:
 * the pod spec's security fields decide every rule; the image decides only the rules that read
 * image users; names decide only exemptions that match on them; environment, commands, resources,
 * scheduling and labels decide nothing. Anything not known to be irrelevant counts as relevant.
 */
import {
  type EvaluateOptions,
  extractObject,
  parsePointer,
  podTemplateTable,
  SUPPRESS_ANNOTATION,
} from '@podguard/policy-core';
import type { UnknownField } from './properties.js';

/** Where an unknown sits, as far as verdicts are concerned. */
export type UnknownRelevance =
  /** Can change any rule's verdict. */
  | 'all'
  /** A container image: decides the rules that read the image's USER. */
  | 'image'
  /** `metadata.name` / `namespace`: decides exemptions that match on them. */
  | 'identity'
  /** Cannot change a verdict. */
  | 'none';

/** Rules whose verdict depends on the image's USER (through `imageUsers`). */
export const IMAGE_RULES: ReadonlySet<string> = new Set([
  'kubeletRunAsNonRoot',
  'runAsRoot',
  'runAsUserRange',
  'runAsGroupPolicy',
]);

/** Pod spec fields no rule reads. */
const IRRELEVANT_POD_KEYS = new Set([
  'activeDeadlineSeconds',
  'affinity',
  'dnsConfig',
  'dnsPolicy',
  'enableServiceLinks',
  'hostAliases',
  'hostname',
  'imagePullSecrets',
  'nodeName',
  'nodeSelector',
  'overhead',
  'preemptionPolicy',
  'priority',
  'priorityClassName',
  'readinessGates',
  'resourceClaims',
  'resources',
  'restartPolicy',
  'runtimeClassName',
  'schedulerName',
  'schedulingGates',
  'setHostnameAsFQDN',
  'subdomain',
  'terminationGracePeriodSeconds',
  'tolerations',
  'topologySpreadConstraints',
]);

/** Container fields no rule reads. */
const IRRELEVANT_CONTAINER_KEYS = new Set([
  'args',
  'command',
  'env',
  'envFrom',
  'imagePullPolicy',
  'name',
  'resizePolicy',
  'resources',
  'restartPolicy',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
]);

/** Container fields where only a `host` (probe or lifecycle handler target) matters. */
const HANDLER_KEYS = new Set(['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']);

const CONTAINER_GROUPS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function startsWith(tokens: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((token, i) => tokens[i] === token);
}

function annotationRelevance(rest: readonly string[]): UnknownRelevance {
  // rest = ['annotations', key?]
  if (rest.length < 2) return 'all';
  const key = rest[1] as string;
  return key === SUPPRESS_ANNOTATION || key.startsWith('container.apparmor.security.beta.kubernetes.io/')
    ? 'all'
    : 'none';
}

function metadataRelevance(rest: readonly string[], isNamespace: boolean): UnknownRelevance {
  if (rest.length === 0) return 'all';
  const key = rest[0];
  if (key === 'name' || key === 'generateName' || key === 'namespace') return 'identity';
  if (key === 'annotations') return annotationRelevance(rest);
  if (key === 'labels') return isNamespace ? 'all' : 'none';
  return 'none';
}

function containerRelevance(rest: readonly string[], unknown: UnknownField): UnknownRelevance {
  // rest = [group, index, key, ...]
  if (rest.length < 3) return 'all';
  const key = rest[2] as string;
  if (IRRELEVANT_CONTAINER_KEYS.has(key)) return 'none';
  if (key === 'image') return 'image';
  if (key === 'ports') return rest.length >= 5 && rest[4] !== 'hostPort' ? 'none' : 'all';
  if (HANDLER_KEYS.has(key)) {
    const structural = unknown.type === 'Array' || unknown.type === 'Object';
    return rest[rest.length - 1] === 'host' || structural ? 'all' : 'none';
  }
  return 'all';
}

function podSpecRelevance(rest: readonly string[], unknown: UnknownField): UnknownRelevance {
  if (rest.length === 0) return 'all';
  const key = rest[0] as string;
  if (IRRELEVANT_POD_KEYS.has(key)) return 'none';
  if (key === 'volumes') {
    if (rest.length >= 4) return 'none';
    return rest.length === 3 && rest[2] === 'name' ? 'none' : 'all';
  }
  if (CONTAINER_GROUPS.has(key)) return containerRelevance(rest, unknown);
  return 'all';
}

/**
 * Classifies each unknown of a Kubernetes object (read with placeholders in place of unknowns).
 * Objects without a recognisable pod spec or namespace make every unknown relevant.
 */
export function classifyUnknowns(
  object: unknown,
  unknowns: readonly UnknownField[],
  options: EvaluateOptions = {},
): { unknown: UnknownField; relevance: UnknownRelevance }[] {
  if (unknowns.length === 0) return [];
  const extracted = extractObject(object, '', {
    templates: podTemplateTable(options.podTemplates),
    partial: options.partial === true,
  });
  const views =
    extracted.kind === 'pod'
      ? extracted.views.map((view) => ({
          spec: parsePointer(view.specPath),
          metadata: parsePointer(view.metadataPath),
        }))
      : [];
  return unknowns.map((unknown) => {
    const tokens = unknown.tokens;
    let relevance: UnknownRelevance = 'all';
    if (extracted.kind === 'namespace') {
      relevance = tokens[0] === 'metadata' ? metadataRelevance(tokens.slice(1), true) : 'none';
    } else if (extracted.kind === 'pod') {
      // The pod template the unknown is in, if any (an object may have several).
      const inSpec = views.find((view) => startsWith(tokens, view.spec));
      const inMetadata = views.find((view) => view.metadata.length > 1 && startsWith(tokens, view.metadata));
      if (inSpec) relevance = podSpecRelevance(tokens.slice(inSpec.spec.length), unknown);
      else if (inMetadata) {
        const rest = tokens.slice(inMetadata.metadata.length);
        relevance =
          rest[0] === 'annotations' ? annotationRelevance(rest) : rest.length === 0 ? 'all' : 'none';
      } else if (tokens[0] === 'metadata') relevance = metadataRelevance(tokens.slice(1), false);
      else relevance = views.some((view) => startsWith(view.spec, tokens)) ? 'all' : 'none';
    }
    return { unknown, relevance };
  });
}
