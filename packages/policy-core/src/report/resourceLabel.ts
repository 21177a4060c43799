/**
 * How every report format names an object and tells which findings belong to which object, so
 * text, JUnit and SARIF agree on both.
 */
import type { ResourceRef } from '../model/types.js';
import type { SourceLocation } from './types.js';

/** `namespace/name`, `name` for cluster-scoped objects, `(unnamed)` when the object has no name. */
export function qualifiedName(resource: ResourceRef): string {
  const name = resource.name ?? '(unnamed)';
  return resource.namespace ? `${resource.namespace}/${name}` : name;
}

/** `Kind/namespace/name` (`Kind/name` when cluster-scoped). */
export function resourcePath(resource: ResourceRef): string {
  return `${resource.kind || '(no kind)'}/${qualifiedName(resource)}`;
}

/**
 * A key equal for a finding and the checked object it is about: the same object of the same
 * document of the same file (a `List` document holds several objects, told apart by their place
 * in it, `source.object`) and the same resource.
 */
export function objectKey(resource: ResourceRef, source: SourceLocation | undefined): string {
  const place = source
    ? `${source.file}\u0000${source.document}\u0000${source.object ?? ''}`
    : '\u0000\u0000';
  return `${place}\u0000${resource.kind}\u0000${resource.namespace ?? ''}\u0000${resource.name ?? ''}`;
}

/** Singular or plural noun with its count: `1 file`, `2 files`. */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
