/**
 * Partial objects: Kustomize patches and Pulumi `...Patch` resources set some fields and leave
 * the rest to the object they are merged into. They are judged for what they set:
 *
 * 1. The fields they leave out are filled with compliant values, by applying the `add`
 *    operations of the rules' own fixes where the field is missing (never into an array the
 *    patch wrote, never replacing a value), until no rule asks for more.
 * 2. What still fails on the completed object fails because of a value the patch set; a finding
 *    is kept only if one of its locations is a value present in the patch.
 * 3. Fixes that would add fields are dropped: `--fix` and `harden` never add fields to a patch;
 *    a fix that replaces or removes a value the patch set stays.
 */

import type { Finding, FindingLocation, JsonPatchOperation, JsonPointer } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { parsePointer } from '../podspec/pointer.js';

/** Strategic-merge-patch directives: a document carrying one is a patch, not a whole object. */
const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/|deleteFromPrimitiveList\/)/;

/** Whether an object carries a strategic-merge-patch directive (`$patch: delete`, `$retainKeys`...) anywhere. */
export function isPatchDocument(object: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (Array.isArray(object)) return object.some((item) => isPatchDocument(item, depth + 1));
  if (!isRecord(object)) return false;
  // Asked only of objects that fail validation: no fast path.
  for (const key in object) {
    if (Object.hasOwn(object, key) && (DIRECTIVE.test(key) || isPatchDocument(object[key], depth + 1)))
      return true;
  }
  return false;
}

/** Whether a record has a directive among its own keys (no descent). */
function hasDirectiveKey(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && key.charCodeAt(0) === 36 && DIRECTIVE.test(key)) return true;
  }
  return false;
}

/**
 * Whether a pod view carries a directive where it matters for judging it: its pod spec, pod
 * securityContext, containers and their securityContexts, volumes. Cheap enough for every object
 * (a full walk of each manifest would cost a tenth of an evaluation).
 */
export function viewHasDirective(view: PodView): boolean {
  const spec = view.spec as Record<string, unknown>;
  if (hasDirectiveKey(spec) || hasDirectiveKey(spec.securityContext) || hasDirectiveKey(view.metadata))
    return true;
  if (Array.isArray(spec.volumes) && spec.volumes.some(hasDirectiveKey)) return true;
  for (const ref of view.containers) {
    if (hasDirectiveKey(ref.container) || hasDirectiveKey(ref.container.securityContext)) return true;
  }
  return false;
}

/** Whether the top of an object (itself, its metadata, its spec) carries a directive such as `$patch: delete`. */
export function topHasDirective(object: unknown): boolean {
  return (
    isRecord(object) &&
    (hasDirectiveKey(object) || hasDirectiveKey(object.metadata) || hasDirectiveKey(object.spec))
  );
}

/**
 * The value at a pointer, or undefined (with `found: false`) when the path does not exist, or
 * when it goes through an element the patch deletes (`{ name: b, $patch: delete }`: what it
 * holds names what goes, it sets nothing).
 */
function resolve(object: unknown, path: JsonPointer): { found: boolean; value: unknown; last: string } {
  let current = object;
  const tokens = parsePointer(path);
  for (const token of tokens) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isRecord(current) && Object.hasOwn(current, token) && current.$patch !== 'delete')
      current = current[token];
    else return { found: false, value: undefined, last: '' };
  }
  return { found: current !== undefined && current !== null, value: current, last: tokens.at(-1) ?? '' };
}

/**
 * Objects a finding points at when the field it wants is missing: the place that should hold
 * it (a pod spec, a container, a securityContext...). A finding located only there is about a
 * field the patch left out.
 */
const HOLDERS = new Set([
  '',
  'spec',
  'template',
  'metadata',
  'annotations',
  'securityContext',
  'capabilities',
  'seccompProfile',
  'appArmorProfile',
  'windowsOptions',
  'seLinuxOptions',
]);

/** Whether the patch itself sets the value a location points at (a directive is not a value). */
export function setsValueAt(object: unknown, path: JsonPointer): boolean {
  const { found, value, last } = resolve(object, path);
  if (!found || DIRECTIVE.test(last)) return false;
  if (!isRecord(value)) return true;
  return !HOLDERS.has(last) && !/^(0|[1-9][0-9]*)$/.test(last);
}

/**
 * The `add` operations of failing findings' fixes that only fill a missing member of an object
 * (never an item of an array the patch wrote, never a value the patch set), against `object`,
 * whose pointers the findings use with `base` stripped. An array a safe fix creates is filled by
 * the same fix (`drop: []`, then `drop/-: ALL`); an unsafe fix's (the emptyDir volume that goes
 * with `readOnlyRootFilesystem: true`) is left empty, so the finding keeps asking for it.
 */
export function fillingOperations(
  object: unknown,
  findings: readonly Finding[],
  base: JsonPointer,
): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  const seen = new Set<string>();
  /** Arrays the operations so far create. */
  const created = new Set<string>();
  for (const finding of findings) {
    if (finding.status !== 'fail' || !finding.fix) continue;
    for (const operation of finding.fix.patch) {
      if (operation.op !== 'add' || !operation.path.startsWith(base)) continue;
      const path = operation.path.slice(base.length);
      const tokens = parsePointer(path);
      const key = tokens.at(-1);
      if (key === undefined || seen.has(path)) continue;
      const parentPath = path.slice(0, path.length - escapedLength(path));
      if (!created.has(parentPath)) {
        const parent = resolve(object, parentPath);
        if (!parent.found || !isRecord(parent.value) || Object.hasOwn(parent.value, key)) continue;
      }
      seen.add(path);
      if (finding.fix.kind === 'safe' && Array.isArray(operation.value)) created.add(path);
      operations.push({ op: 'add', path, value: operation.value });
    }
  }
  return operations;
}

/** Length of the last reference token of a pointer, with its leading `/`. */
function escapedLength(path: JsonPointer): number {
  return path.length - path.lastIndexOf('/');
}

/**
 * The findings of a completed partial object that are about values the original patch set,
 * without fixes that add fields.
 */
export function findingsOfPartial(
  original: unknown,
  findings: readonly Finding[],
  base: JsonPointer,
): Finding[] {
  const kept: Finding[] = [];
  for (const finding of findings) {
    if (finding.status === 'error') {
      kept.push(finding);
      continue;
    }
    const locations = finding.locations.filter(
      (location) => location.path.startsWith(base) && setsValueAt(original, location.path.slice(base.length)),
    );
    if (locations.length === 0) continue;
    const first = locations[0] as FindingLocation;
    const out: Finding = { ...finding, locations, path: first.path };
    if (first.container !== undefined) out.container = first.container;
    else delete out.container;
    if (out.fix?.patch.some((operation) => operation.op === 'add')) delete out.fix;
    kept.push(out);
  }
  return kept;
}
