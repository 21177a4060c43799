/** Capability list edits shared by `capabilities_baseline` and `capabilities_restricted`. */
import type { JsonPatchOperation } from '../model/types.js';

/**
 * The patch that keeps only the `add` entries `keep` accepts: replaces the list, or removes it
 * when nothing is left. Shared by the capability rules.
 */
export function filterAddedCapabilities(
  addPath: string,
  added: readonly string[],
  keep: (capability: string) => boolean,
): JsonPatchOperation {
  const kept = added.filter(keep);
  return kept.length === 0 ? { op: 'remove', path: addPath } : { op: 'replace', path: addPath, value: kept };
}
