/** Capability list edits shared by `capabilities_baseline` and `capabilities_restricted`. */
import type { JsonPatchOperation } from '../model/types.js';

/**
 * The leaf-level operations that remove the `add` entries `keep` rejects, last first so each
 * index still points at its entry; the list itself is left (empty or not), as the author wrote it.
 */
export function removeAddedCapabilities(
  addPath: string,
  added: readonly string[],
  keep: (capability: string) => boolean,
): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  for (let index = added.length - 1; index >= 0; index--) {
    if (!keep(added[index] as string)) ops.push({ op: 'remove', path: `${addPath}/${index}` });
  }
  return ops;
}
