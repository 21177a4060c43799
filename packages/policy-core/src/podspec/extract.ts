/**
 * The one pod-spec extractor every adapter uses: finds the pod spec inside any workload kind
 * and gives it to rules as a {@link PodView} with JSON pointers into the original object.
 */

import type { Container, ObjectMeta, PodSpec } from '../model/k8s.js';
import type { JsonPointer, ResourceRef } from '../model/types.js';
import type { ContainerGroup, ContainerRef, NamespaceView, PodView } from '../model/views.js';
import { argoWorkflowViews } from './argoWorkflows.js';
import { describeType } from './describeType.js';
import {
  BUILTIN_WORKLOAD_KINDS,
  DEFAULT_POD_TEMPLATES,
  expandTemplatePath,
  type PodTemplateTable,
} from './kinds.js';
import { pointer } from './pointer.js';
import { tektonViews } from './tekton.js';

/** Kinds that carry a pod spec as built-in workload kinds (at the group/versions of {@link BUILTIN_WORKLOAD_KINDS}). */
export const POD_KINDS: readonly string[] = [...new Set(BUILTIN_WORKLOAD_KINDS.map((entry) => entry.kind))];

interface TemplatePointers {
  readonly template: JsonPointer;
  readonly spec: JsonPointer;
  readonly metadata: JsonPointer;
}

function templatePointers(base: JsonPointer, tokens: readonly (string | number)[]): TemplatePointers {
  const template = pointer(base, ...tokens);
  return { template, spec: `${template}/spec`, metadata: `${template}/metadata` };
}

/** The pointers of each built-in kind's pod template in a top-level object, built once. */
const TOP_LEVEL_POINTERS = new WeakMap<readonly string[], TemplatePointers>();

function pointersOf(base: JsonPointer, tokens: readonly (string | number)[], pattern: readonly string[]) {
  if (base !== '' || pattern.includes('*')) return templatePointers(base, tokens);
  let cached = TOP_LEVEL_POINTERS.get(pattern);
  if (!cached) {
    cached = templatePointers('', tokens);
    TOP_LEVEL_POINTERS.set(pattern, cached);
  }
  return cached;
}

/** How {@link extractObject} reads an object. */
export interface ExtractOptions {
  /** Where pod templates sit, by apiVersion/kind (default: built-in kinds and known custom resources). */
  readonly templates?: PodTemplateTable;
  /**
   * The object is partial (a Kustomize patch, a Pulumi `...Patch` resource): a missing pod
   * template or pod spec means the patch leaves it alone, not invalid input.
   */
  readonly partial?: boolean;
}

export type ExtractedObject =
  | {
      kind: 'pod';
      /** The first pod template of the object. */
      view: PodView;
      /** Every pod template of the object (several in a FlinkDeployment, a Volcano Job...). */
      views: readonly PodView[];
    }
  | { kind: 'namespace'; view: NamespaceView }
  | { kind: 'not-applicable'; resource: ResourceRef }
  | { kind: 'invalid'; resource: ResourceRef; path: JsonPointer; message: string };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** apiVersion/kind/namespace/name of an object, as far as they are strings. */
export function resourceOf(object: unknown): ResourceRef {
  if (!isRecord(object)) return { apiVersion: '', kind: '' };
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const resource: ResourceRef = {
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: typeof object.kind === 'string' ? object.kind : '',
  };
  if (typeof metadata.namespace === 'string') resource.namespace = metadata.namespace;
  if (typeof metadata.name === 'string') resource.name = metadata.name;
  else if (typeof metadata.generateName === 'string') resource.name = metadata.generateName;
  return resource;
}

/**
 * Flattens `kind: List` and `*List` wrappers (as `kubectl get -o yaml` prints them) into their
 * items, each with the JSON pointer prefix of where it sits.
 */
export function flattenLists(
  object: unknown,
  base: JsonPointer = '',
): { object: unknown; base: JsonPointer }[] {
  if (isList(object)) {
    return object.items.flatMap((item, index) => flattenLists(item, pointer(base, 'items', index)));
  }
  return [{ object, base }];
}

/** A `kind: List` or `*List` wrapper with its `items`. */
export function isList(object: unknown): object is { kind: string; items: unknown[] } {
  return (
    isRecord(object) &&
    typeof object.kind === 'string' &&
    object.kind.endsWith('List') &&
    Array.isArray(object.items)
  );
}

function get(object: unknown, tokens: readonly (string | number)[]): unknown {
  let current = object;
  for (const token of tokens) {
    if (typeof token === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[token];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[token];
    }
  }
  return current;
}

/**
 * Finds the pod specs of an object. `base` is the pointer of the object inside the input
 * (non-empty for items of a List).
 */
export function extractObject(
  object: unknown,
  base: JsonPointer = '',
  options: ExtractOptions = {},
): ExtractedObject {
  const resource = resourceOf(object);
  if (!isRecord(object)) {
    return {
      kind: 'invalid',
      resource,
      path: base,
      message: `expected a Kubernetes object, got ${describeType(object)}`,
    };
  }
  const identity = identityProblem(object, base);
  if (identity) return invalidObject(resource, identity.path, identity.message);
  if (resource.kind === 'Namespace' && (resource.apiVersion === 'v1' || resource.apiVersion === '')) {
    const metadata = isRecord(object.metadata) ? (object.metadata as ObjectMeta) : {};
    return { kind: 'namespace', view: { object, resource, metadata, path: base } };
  }
  const entry = (options.templates ?? DEFAULT_POD_TEMPLATES).get(resource.apiVersion, resource.kind);
  if (entry === undefined) return { kind: 'not-applicable', resource };
  const partial = options.partial === true;
  const views: PodView[] = [];
  if (entry.layout === 'argo-workflow') {
    const argo = argoWorkflowViews(object, resource, base);
    if ('message' in argo) return invalidObject(resource, argo.path, argo.message);
    views.push(...argo.views);
  } else if (entry.layout === 'tekton') {
    const tekton = tektonViews(object, resource, base);
    if ('message' in tekton) return invalidObject(resource, tekton.path, tekton.message);
    views.push(...tekton.views);
  }
  for (const pattern of entry.layout === undefined ? entry.tokens : []) {
    for (const tokens of expandTemplatePath(object, pattern)) {
      const pointers = pointersOf(base, tokens, pattern);
      const template = tokens.length === 0 ? object : get(object, tokens);
      const templatePath = pointers.template;
      if (template === undefined || template === null) {
        if (entry.source === 'builtin' && !partial) {
          return invalidObject(
            resource,
            templatePath,
            `${resource.kind} has no pod template at ${templatePath || '/'}`,
          );
        }
        continue;
      }
      if (!isRecord(template)) {
        return invalidObject(
          resource,
          templatePath,
          entry.source === 'builtin'
            ? `${resource.kind} has no pod template at ${templatePath || '/'}`
            : `${templatePath} must be an object, got ${describeType(template)}`,
        );
      }
      const spec = template.spec;
      const specPath = pointers.spec;
      if (spec === undefined && partial) continue;
      if (!isRecord(spec)) {
        return invalidObject(
          resource,
          specPath,
          spec === undefined
            ? `${resource.kind} has no pod spec at ${specPath}`
            : `${specPath} must be an object, got ${describeType(spec)}`,
        );
      }
      const metadata = isRecord(template.metadata) ? (template.metadata as ObjectMeta) : {};
      views.push({
        object,
        resource,
        metadata,
        spec: spec as PodSpec,
        metadataPath: pointers.metadata,
        specPath,
        containers: visitContainers(spec as PodSpec, specPath),
      });
    }
  }
  const first = views[0];
  if (first === undefined) {
    if (entry.source === 'option' && !partial) {
      const where = entry.paths.map((path) => `${base}${path}` || '/').join(', ');
      return invalidObject(
        resource,
        base,
        `${resource.apiVersion} ${resource.kind} has no pod template at ${where} (declared in podTemplates)`,
      );
    }
    return { kind: 'not-applicable', resource };
  }
  return { kind: 'pod', view: first, views };
}

/**
 * Why an object is not a Kubernetes object: `apiVersion` and `kind` missing, empty or not strings.
 * The API server and `kubectl` refuse such a document ("Object 'Kind' is missing"), so it is an
 * `invalidInput` finding, never a silent "0 objects" (issue 19).
 */
function identityProblem(
  object: Record<string, unknown>,
  base: JsonPointer,
): { path: JsonPointer; message: string } | undefined {
  for (const field of ['apiVersion', 'kind'] as const) {
    const value = Object.hasOwn(object, field) ? object[field] : undefined;
    if (typeof value === 'string' && value !== '') continue;
    return {
      path: value === undefined ? base : `${base}/${field}`,
      message:
        value === undefined
          ? `not a Kubernetes object: ${field} is missing`
          : `not a Kubernetes object: ${field} must be a non-empty string, got ${describeType(value)}`,
    };
  }
  return undefined;
}

function invalidObject(resource: ResourceRef, path: JsonPointer, message: string): ExtractedObject {
  return { kind: 'invalid', resource, path, message };
}

const CONTAINER_GROUPS: readonly ContainerGroup[] = ['initContainers', 'containers', 'ephemeralContainers'];

/**
 * The container visitor: init, regular, then ephemeral containers, as upstream's
 * `visitContainers`. Entries that are not objects are skipped here; `validatePodSpec` reports them.
 */
export function visitContainers(spec: PodSpec, specPath: JsonPointer): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const group of CONTAINER_GROUPS) {
    const list: unknown = spec[group];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const container: unknown = list[index];
      if (!isRecord(container)) continue;
      const c = container as Container;
      refs.push({
        container: c,
        name: typeof c.name === 'string' ? c.name : '',
        group,
        index,
        path: `${specPath}/${group}/${index}`,
      });
    }
  }
  return refs;
}
