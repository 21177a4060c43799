/** Seccomp annotations and profile types, shared by the seccomp rules. */
import type { JsonPatchOperation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';

/** Annotation key of the pod's seccomp profile (deprecated, still validated against the field). */
export const POD_SECCOMP_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** Upstream's `validSeccomp`; a profile without a type (`undefined`, Go's "") is not valid. */
export function validSeccompType(type: string | undefined): boolean {
  return type === 'Localhost' || type === 'RuntimeDefault';
}

/**
 * The API server rejects a pod whose seccomp annotation and field disagree. When a fix sets the
 * pod's (`annotationKey` = the pod annotation) or a container's field to RuntimeDefault, the
 * operation that brings an existing, disagreeing annotation along; undefined when none is needed.
 */
export function alignSeccompAnnotation(pod: PodView, annotationKey: string): JsonPatchOperation | undefined {
  const annotations = pod.metadata.annotations ?? {};
  if (!Object.hasOwn(annotations, annotationKey)) return undefined;
  const value = annotations[annotationKey];
  if (value === 'runtime/default' || value === 'docker/default') return undefined;
  return {
    op: 'replace',
    path: pointer(pod.metadataPath, 'annotations', annotationKey),
    value: 'runtime/default',
  };
}

/** Annotation key of a container's seccomp profile (deprecated, still validated against the field). */
export function containerSeccompAnnotation(containerName: string): string {
  return CONTAINER_ANNOTATION_PREFIX + containerName;
}
