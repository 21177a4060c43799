/**
 * Argo Workflows: a Workflow (WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow) has no
 * PodTemplateSpec. The controller builds one pod per `container`, `script` or `containerSet`
 * template (workflow/controller/operator.go `mergedTemplateDefaultsInto`, workflowpod.go):
 *
 * 1. the template is merged over `spec.templateDefaults` (a strategic merge patch: the template's
 *    own fields win, objects merge field by field, `initContainers`/`sidecars`/`volumes` merge by
 *    name; defaults of another template type, e.g. `script` for a `container` template, are dropped);
 * 2. containers: `initContainers[]`, then `container` or `script` (named `main`) or
 *    `containerSet.containers[]`, then `sidecars[]`;
 * 3. pod-level fields: the (merged) template's `securityContext` when it has one, else the
 *    workflow's `spec.securityContext`; `hostNetwork` from the workflow; `automountServiceAccountToken`,
 *    `serviceAccountName`, `nodeSelector`, `affinity` from the template, else the workflow;
 * 4. the workflow's `spec.podSpecPatch`, then the (merged) template's `podSpecPatch`, are applied
 *    as strategic merge patches onto the built pod spec (argoPodSpecPatch.ts).
 *
 * podguard builds that effective pod for each template and gives rules a view of it. The view's
 * pointers are virtual (its containers sit at `<specPath>/containers/N`); an {@link ArgoSourceMap}
 * records where each value is written, so the engine maps findings back to the authored pointer
 * (a value from `templateDefaults` is reported there, one from a podSpecPatch at the patch
 * string) and fixes to where they take effect without changing authored values: a missing field is
 * added to the template's own container or pod-level carrier, which wins over the defaults.
 * Argo's own `init`/`wait` executor containers are configured in the controller and not judged.
 */

import type { Container, ObjectMeta, PodSpec } from '../model/k8s.js';
import type { JsonPointer, ResourceRef } from '../model/types.js';
import type { ContainerGroup, ContainerRef, PodView } from '../model/views.js';
import { applyPodSpecPatch, readPodSpecPatch } from './argoPodSpecPatch.js';
import {
  argoAssembled,
  CONTAINER_MERGE_KEYS,
  childNode,
  type SourceNode,
  setChild,
  setOwn,
  sourceNode,
  type UnjudgedField,
} from './argoSources.js';
import { describeType } from './describeType.js';
import { pointer } from './pointer.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the WorkflowSpec sits in each Argo Workflows kind. */
export const ARGO_WORKFLOW_SPECS: Readonly<Record<string, readonly string[]>> = {
  Workflow: ['spec'],
  WorkflowTemplate: ['spec'],
  ClusterWorkflowTemplate: ['spec'],
  CronWorkflow: ['spec', 'workflowSpec'],
};

/** Strategic-merge keys of the lists a Template merges by key (the rest are replaced). */
const TEMPLATE_MERGE_KEYS: Readonly<Record<string, string>> = {
  volumes: 'name',
  initContainers: 'name',
  sidecars: 'name',
  tolerations: 'key',
  hostAliases: 'ip',
};
const CONTAINER_LISTS = new Set(['initContainers', 'sidecars']);
const TEMPLATE_TYPES = [
  'container',
  'script',
  'containerSet',
  'resource',
  'dag',
  'steps',
  'suspend',
  'data',
  'http',
  'plugin',
] as const;

/**
 * `lower` (templateDefaults) under `upper` (the template) as Kubernetes' strategic merge patch
 * does, recording in `node` where each value comes from. Null and absent upper fields leave the
 * lower value (Go drops them before the merge: `omitempty`).
 */
function mergeDefaults(
  lower: unknown,
  lowerPath: JsonPointer,
  upper: unknown,
  upperPath: JsonPointer,
  node: SourceNode,
  keys: Readonly<Record<string, string>>,
  depth: number,
): unknown {
  if (upper === undefined || upper === null) {
    node.source = { kind: 'authored', path: lowerPath };
    return lower;
  }
  if (!isRecord(upper) || !isRecord(lower)) {
    node.source = { kind: 'authored', path: upperPath };
    node.children = undefined;
    return upper;
  }
  node.source = { kind: 'authored', path: upperPath };
  node.target = upperPath;
  const merged: Record<string, unknown> = { ...lower };
  for (const key of Object.keys(lower)) {
    if (upper[key] !== undefined && upper[key] !== null) continue;
    const child = setChild(node, key, sourceNode({ kind: 'authored', path: pointer(lowerPath, key) }));
    const list = lower[key];
    // Items of a list only the defaults have (a containerSet's containers): a field added to one
    // goes to it there, as the template has no such item of its own.
    if (Array.isArray(list))
      list.forEach((item, index) => {
        if (isRecord(item))
          setChild(child, String(index), sourceNode(undefined, pointer(lowerPath, key, index)));
      });
  }
  for (const key of Object.keys(upper)) {
    const value = upper[key];
    if (value === undefined || value === null) continue;
    const child = setChild(node, key, sourceNode(undefined));
    const mergeKey = keys[key];
    if (mergeKey !== undefined && Array.isArray(value) && Array.isArray(lower[key])) {
      setOwn(
        merged,
        key,
        mergeListByKey(
          lower[key] as unknown[],
          pointer(lowerPath, key),
          value,
          pointer(upperPath, key),
          child,
          mergeKey,
          depth === 0 && CONTAINER_LISTS.has(key),
        ),
      );
    } else if (lower[key] === undefined) {
      child.source = { kind: 'authored', path: pointer(upperPath, key) };
      setOwn(merged, key, value);
    } else {
      setOwn(
        merged,
        key,
        mergeDefaults(
          lower[key],
          pointer(lowerPath, key),
          value,
          pointer(upperPath, key),
          child,
          depth === 0 && (key === 'container' || key === 'script') ? CONTAINER_MERGE_KEYS : {},
          depth + 1,
        ),
      );
    }
  }
  return merged;
}

/** Items merged by key: upper items update the lower item of the same key, new ones follow. */
function mergeListByKey(
  lower: readonly unknown[],
  lowerPath: JsonPointer,
  upper: readonly unknown[],
  upperPath: JsonPointer,
  node: SourceNode,
  mergeKey: string,
  containers: boolean,
): unknown[] {
  node.source = { kind: 'authored', path: upperPath };
  node.target = upperPath;
  const merged: unknown[] = [];
  const upperByKey = new Map<unknown, number>();
  upper.forEach((item, index) => {
    if (isRecord(item) && item[mergeKey] !== undefined) upperByKey.set(item[mergeKey], index);
  });
  const used = new Set<number>();
  lower.forEach((item, index) => {
    const key = isRecord(item) ? item[mergeKey] : undefined;
    const match = key === undefined ? undefined : upperByKey.get(key);
    const child = setChild(node, String(merged.length), sourceNode(undefined));
    if (match === undefined) {
      // Only in the defaults: fields added to it go to the defaults' item.
      child.source = { kind: 'authored', path: pointer(lowerPath, index) };
      child.target = pointer(lowerPath, index);
      merged.push(item);
      return;
    }
    used.add(match);
    merged.push(
      mergeDefaults(
        item,
        pointer(lowerPath, index),
        upper[match],
        pointer(upperPath, match),
        child,
        containers ? CONTAINER_MERGE_KEYS : {},
        2,
      ),
    );
  });
  upper.forEach((item, index) => {
    if (used.has(index)) return;
    const path = pointer(upperPath, index);
    setChild(node, String(merged.length), sourceNode({ kind: 'authored', path }, path));
    merged.push(item);
  });
  return merged;
}

/** The template as the controller runs it: merged over the applicable templateDefaults. */
function effectiveTemplate(
  template: Record<string, unknown>,
  templatePath: JsonPointer,
  defaults: unknown,
  defaultsPath: JsonPointer,
): { template: Record<string, unknown>; node: SourceNode } {
  const node = sourceNode({ kind: 'authored', path: templatePath }, templatePath);
  if (!isRecord(defaults)) return { template, node };
  const type = TEMPLATE_TYPES.find((name) => template[name] !== undefined && template[name] !== null);
  const applicable: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    if ((TEMPLATE_TYPES as readonly string[]).includes(key) && key !== type) continue;
    setOwn(applicable, key, defaults[key]);
  }
  const merged = mergeDefaults(
    applicable,
    defaultsPath,
    template,
    templatePath,
    node,
    TEMPLATE_MERGE_KEYS,
    0,
  );
  return { template: merged as Record<string, unknown>, node };
}

/** Builds the effective pod spec of one template, with its source tree rooted at `specPath`. */
class PodBuilder {
  readonly spec: Record<string, unknown> = {};
  readonly root: SourceNode;
  constructor(readonly specPath: JsonPointer) {
    this.root = sourceNode({ kind: 'authored', path: specPath }, specPath);
  }

  /** Sets `spec[key]` to a value written at `path` (nodes under it inherit `path`). */
  take(key: string, value: unknown, from: SourceNode | undefined, path: JsonPointer, target?: JsonPointer) {
    if (value === undefined) return;
    this.spec[key] = value;
    const node = from ?? sourceNode({ kind: 'authored', path });
    if (target !== undefined) node.target = target;
    setChild(this.root, key, node);
  }

  /**
   * Appends to the list `spec[key]` an item with its source node. `target`: where an item added
   * to the list goes (null: nowhere, as for containers).
   */
  push(key: string, value: unknown, node: SourceNode, target: JsonPointer | null = null): void {
    let list = this.spec[key];
    if (!Array.isArray(list)) {
      list = [];
      this.spec[key] = list;
      setChild(this.root, key, sourceNode(undefined, target));
    }
    const listNode = childNode(this.root, key) as SourceNode;
    setChild(listNode, String((list as unknown[]).length), node);
    (list as unknown[]).push(value);
  }
}

/** The source node of `key` under a template's source node, or one inheriting from `path`. */
function nodeFor(node: SourceNode, key: string, path: JsonPointer): SourceNode {
  return childNode(node, key) ?? sourceNode({ kind: 'authored', path: pointer(path, key) });
}

/** Where a template field of the effective template is written (its own or the defaults'). */
function pathOf(node: SourceNode, key: string, path: JsonPointer): JsonPointer {
  const source = childNode(node, key)?.source;
  return source?.kind === 'authored' ? source.path : pointer(path, key);
}

/**
 * The node of item `index` of a template list written at `listPath`, to be moved into the pod's
 * tree: its source and target made explicit, as it no longer sits under the list's node.
 */
function itemNode(listNode: SourceNode, index: number, listPath: JsonPointer): SourceNode {
  const node = nodeFor(listNode, String(index), listPath);
  node.source ??= { kind: 'authored', path: pointer(listPath, index) };
  if (node.target === undefined)
    node.target = node.source.kind === 'authored' ? node.source.path : pointer(listPath, index);
  return node;
}

/** Adds the containers of the list `parent[key]` (written at `parentPath`, or where its node says). */
function addContainers(
  pod: PodBuilder,
  group: ContainerGroup,
  list: unknown,
  parent: SourceNode,
  key: string,
  parentPath: JsonPointer,
): void {
  if (!Array.isArray(list)) return;
  const listNode = nodeFor(parent, key, parentPath);
  const listPath = pathOf(parent, key, parentPath);
  list.forEach((item, index) => {
    if (!isRecord(item)) return;
    pod.push(group, item, itemNode(listNode, index, listPath));
  });
}

const MAIN_CONTAINER = 'main';

type Problem = { path: JsonPointer; message: string };

/**
 * The first value of a template (or of the template defaults) at `path` that cannot hold what
 * Argo reads there: a `container`, `script` or `containerSet` that is not an object, container
 * lists that are not arrays of objects. Such a pod is never skipped in silence.
 */
function templateProblem(template: Record<string, unknown>, path: JsonPointer): Problem | undefined {
  const wrong = (at: JsonPointer, expected: string, value: unknown): Problem => ({
    path: at,
    message: `${at} must be ${expected}, got ${describeType(value)}`,
  });
  for (const key of ['container', 'script', 'containerSet']) {
    const value = template[key];
    if (value != null && !isRecord(value)) return wrong(pointer(path, key), 'an object', value);
  }
  const set = template.containerSet;
  const lists: [unknown, JsonPointer][] = [
    [template.initContainers, pointer(path, 'initContainers')],
    [template.sidecars, pointer(path, 'sidecars')],
    [isRecord(set) ? set.containers : undefined, pointer(path, 'containerSet', 'containers')],
  ];
  for (const [list, at] of lists) {
    if (list == null) continue;
    if (!Array.isArray(list)) return wrong(at, 'an array', list);
    const index = list.findIndex((item) => !isRecord(item));
    if (index >= 0) return wrong(pointer(at, index), 'an object', list[index]);
  }
  return undefined;
}

/**
 * The pod views of an Argo Workflows object, or a problem when its workflow spec, its templates
 * or their containers are not objects or arrays where Argo reads them.
 */
export function argoWorkflowViews(
  object: Record<string, unknown>,
  resource: ResourceRef,
  base: JsonPointer,
): { views: PodView[] } | Problem {
  const tokens = ARGO_WORKFLOW_SPECS[resource.kind] ?? ['spec'];
  let spec: unknown = object;
  for (const token of tokens) spec = isRecord(spec) ? spec[token] : undefined;
  const specPath = pointer(base, ...tokens);
  if (spec === undefined) return { views: [] };
  if (!isRecord(spec)) return { path: specPath, message: `${specPath} must be an object` };
  const templates = spec.templates;
  if (templates === undefined) return { views: [] };
  if (!Array.isArray(templates))
    return { path: `${specPath}/templates`, message: `${specPath}/templates must be an array` };
  if (
    spec.templateDefaults !== undefined &&
    spec.templateDefaults !== null &&
    !isRecord(spec.templateDefaults)
  )
    return {
      path: `${specPath}/templateDefaults`,
      message: `${specPath}/templateDefaults must be an object`,
    };
  const defaultsPath = `${specPath}/templateDefaults`;
  const defaultsProblem = isRecord(spec.templateDefaults)
    ? templateProblem(spec.templateDefaults, defaultsPath)
    : undefined;
  if (defaultsProblem) return defaultsProblem;
  for (let index = 0; index < templates.length; index++) {
    const written: unknown = templates[index];
    const templatePath = pointer(specPath, 'templates', index);
    if (!isRecord(written))
      return {
        path: templatePath,
        message: `${templatePath} must be an object, got ${describeType(written)}`,
      };
    const problem = templateProblem(written, templatePath);
    if (problem) return problem;
  }
  const metadata: ObjectMeta = isRecord(spec.podMetadata) ? (spec.podMetadata as ObjectMeta) : {};
  const metadataPath = `${specPath}/podMetadata`;
  const views: PodView[] = [];
  templates.forEach((written, index) => {
    if (!isRecord(written)) return;
    const templatePath = pointer(specPath, 'templates', index);
    const { template, node } = effectiveTemplate(written, templatePath, spec.templateDefaults, defaultsPath);
    const main =
      isRecord(template.container) || isRecord(template.script)
        ? [isRecord(template.container) ? 'container' : 'script']
        : isRecord(template.containerSet) && Array.isArray(template.containerSet.containers)
          ? ['containerSet']
          : [];
    if (main.length === 0) return;
    const own = template.securityContext !== undefined && template.securityContext !== null;
    // The pod-level carrier: the template when it (or its defaults) sets securityContext, else the
    // workflow spec, so one fix there covers every template.
    const podPath = own ? templatePath : specPath;
    const pod = new PodBuilder(podPath);
    const fromTemplate = (key: string, workflowKey = key): void => {
      const value = template[key];
      if (value !== undefined && value !== null && !(typeof value === 'string' && value === '')) {
        pod.take(key, value, nodeFor(node, key, templatePath), pathOf(node, key, templatePath));
      } else if (spec[workflowKey] !== undefined) {
        pod.take(key, spec[workflowKey], undefined, pointer(specPath, workflowKey));
      }
    };
    if (own) {
      const path = pointer(templatePath, 'securityContext');
      pod.take(
        'securityContext',
        template.securityContext,
        nodeFor(node, 'securityContext', templatePath),
        path,
        path,
      );
    } else if (spec.securityContext !== undefined)
      pod.take('securityContext', spec.securityContext, undefined, pointer(specPath, 'securityContext'));
    if (spec.hostNetwork !== undefined) {
      const path = pointer(specPath, 'hostNetwork');
      pod.take('hostNetwork', spec.hostNetwork, undefined, path, path);
    }
    fromTemplate('automountServiceAccountToken');
    fromTemplate('serviceAccountName');
    fromTemplate('nodeSelector');
    fromTemplate('affinity');
    // A field added at pod level goes to the carrier (see podPath).
    for (const key of ['automountServiceAccountToken', 'serviceAccountName']) {
      const child = childNode(pod.root, key);
      if (child !== undefined) child.target = pointer(podPath, key);
    }
    if (Array.isArray(spec.volumes)) {
      spec.volumes.forEach((volume, volumeIndex) => {
        const path = pointer(specPath, 'volumes', volumeIndex);
        pod.push(
          'volumes',
          volume,
          sourceNode({ kind: 'authored', path }, path),
          pointer(templatePath, 'volumes'),
        );
      });
    }
    if (Array.isArray(template.volumes)) {
      const volumesNode = nodeFor(node, 'volumes', templatePath);
      const volumesPath = pathOf(node, 'volumes', templatePath);
      template.volumes.forEach((volume, volumeIndex) => {
        const child = itemNode(volumesNode, volumeIndex, volumesPath);
        pod.push('volumes', volume, child, pointer(templatePath, 'volumes'));
      });
    }
    addContainers(pod, 'initContainers', template.initContainers, node, 'initContainers', templatePath);
    const kind = main[0] as string;
    if (kind === 'containerSet') {
      const setNode = nodeFor(node, 'containerSet', templatePath);
      const setPath = pathOf(node, 'containerSet', templatePath);
      const set = template.containerSet as Record<string, unknown>;
      addContainers(pod, 'containers', set.containers, setNode, 'containers', setPath);
    } else {
      const mainNode = nodeFor(node, kind, templatePath);
      mainNode.target = pointer(templatePath, kind);
      // Argo names the container of a container or script template `main`.
      pod.push(
        'containers',
        { ...(template[kind] as Record<string, unknown>), name: MAIN_CONTAINER },
        mainNode,
      );
    }
    addContainers(pod, 'containers', template.sidecars, node, 'sidecars', templatePath);
    const unjudged: UnjudgedField[] = [];
    for (const [patch, path] of [
      [spec.podSpecPatch, pointer(specPath, 'podSpecPatch')],
      [template.podSpecPatch, pathOf(node, 'podSpecPatch', templatePath)],
    ] as const) {
      if (patch === undefined || patch === null || patch === '') continue;
      const read = readPodSpecPatch(patch, path);
      if ('problem' in read) unjudged.push({ path, message: read.problem });
      else applyPodSpecPatch(pod.spec, pod.root, read.patch, path);
    }
    const map = { root: pod.root, specPath: podPath, base, unjudged };
    const view: PodView = {
      object,
      resource,
      metadata: isRecord(template.metadata) ? (template.metadata as ObjectMeta) : metadata,
      metadataPath: isRecord(template.metadata) ? pathOf(node, 'metadata', templatePath) : metadataPath,
      spec: pod.spec as PodSpec,
      specPath: podPath,
      containers: containerRefs(pod.spec, podPath),
      assembled: argoAssembled(map, () => view),
    };
    views.push(view);
  });
  return { views };
}

const GROUPS: readonly ContainerGroup[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** The containers of the effective pod, at their virtual pointers. */
function containerRefs(spec: Record<string, unknown>, specPath: JsonPointer): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const group of GROUPS) {
    const list = spec[group];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isRecord(container)) return;
      refs.push({
        container: container as Container,
        name: typeof container.name === 'string' ? container.name : '',
        group,
        index,
        path: pointer(specPath, group, index),
      });
    });
  }
  return refs;
}
