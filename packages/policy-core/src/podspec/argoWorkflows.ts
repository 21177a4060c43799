/**
 * Argo Workflows: a Workflow (WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow) has no
 * PodTemplateSpec. The controller builds one pod per `container`, `script` or `containerSet`
 * template from:
 *
 * - containers: `initContainers[]`, then `container`, `script` or `containerSet.containers[]`,
 *   then `sidecars[]` of the template (all are Kubernetes Containers with extra fields);
 * - pod-level fields: the template's `securityContext` when it sets one, else the workflow's
 *   `spec.securityContext`; `hostNetwork` only at workflow level; `volumes`,
 *   `automountServiceAccountToken` and `serviceAccountName` at either level.
 *
 * podguard gives rules one view per such template whose pod spec is the object that carries its
 * pod-level fields, so findings and fixes land where Argo reads them: the template when it sets
 * `securityContext`, else the workflow spec. When some template carries its own, the workflow
 * spec is judged as well (with no containers), for `hostNetwork` and workflow-level volumes.
 * Argo's own `init`/`wait` executor containers, `podSpecPatch` and `templateDefaults` are not
 * in the manifest's containers and are not judged (docs/kinds.md).
 */

import type { Container, ObjectMeta, PodSpec } from '../model/k8s.js';
import type { JsonPointer, ResourceRef } from '../model/types.js';
import type { ContainerGroup, ContainerRef, PodView } from '../model/views.js';
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

function containerRef(
  value: unknown,
  group: ContainerGroup,
  index: number,
  path: JsonPointer,
): ContainerRef[] {
  if (!isRecord(value)) return [];
  const container = value as Container;
  return [{ container, name: typeof container.name === 'string' ? container.name : '', group, index, path }];
}

function listRefs(value: unknown, group: ContainerGroup, path: JsonPointer, first: number): ContainerRef[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, index) => containerRef(item, group, first + index, pointer(path, index)));
}

/** The containers of one template, in the order the pod gets them; empty when it makes no pod. */
function templateContainers(template: Record<string, unknown>, path: JsonPointer): ContainerRef[] {
  const main: ContainerRef[] = [
    ...containerRef(template.container, 'containers', 0, pointer(path, 'container')),
    ...containerRef(template.script, 'containers', 0, pointer(path, 'script')),
    ...(isRecord(template.containerSet)
      ? listRefs(
          template.containerSet.containers,
          'containers',
          pointer(path, 'containerSet', 'containers'),
          0,
        )
      : []),
  ];
  if (main.length === 0) return [];
  return [
    ...listRefs(template.initContainers, 'initContainers', pointer(path, 'initContainers'), 0),
    ...main,
    ...listRefs(template.sidecars, 'containers', pointer(path, 'sidecars'), main.length),
  ];
}

/**
 * The pod views of an Argo Workflows object, or a problem when its workflow spec or templates
 * are not objects/arrays.
 */
export function argoWorkflowViews(
  object: Record<string, unknown>,
  resource: ResourceRef,
  base: JsonPointer,
): { views: PodView[] } | { path: JsonPointer; message: string } {
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
  const metadata: ObjectMeta = isRecord(spec.podMetadata) ? (spec.podMetadata as ObjectMeta) : {};
  const metadataPath = `${specPath}/podMetadata`;
  const views: PodView[] = [];
  let ownCarrier = false;
  templates.forEach((template, index) => {
    if (!isRecord(template)) return;
    const templatePath = pointer(specPath, 'templates', index);
    const containers = templateContainers(template, templatePath);
    if (containers.length === 0) return;
    const own = template.securityContext !== undefined;
    ownCarrier ||= own;
    views.push({
      object,
      resource,
      metadata: isRecord(template.metadata) ? (template.metadata as ObjectMeta) : metadata,
      metadataPath: isRecord(template.metadata) ? `${templatePath}/metadata` : metadataPath,
      spec: (own ? template : spec) as PodSpec,
      specPath: own ? templatePath : specPath,
      containers,
    });
  });
  if (ownCarrier) {
    views.unshift({
      object,
      resource,
      metadata,
      metadataPath,
      spec: spec as PodSpec,
      specPath,
      containers: [],
    });
  }
  return { views };
}
