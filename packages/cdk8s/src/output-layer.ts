/**
 * The output layer: transforms applied to an ApiObject's manifest after its own `toJson()`.
 *
 * Why not `ApiObject.addJsonPatch`? The typed classes cdk8s-plus-27 uses (`KubeDeployment`...)
 * re-filter their output through the Kubernetes 1.27 schema after applying JSON patches, so a
 * patched field the schema lacks (`appArmorProfile`, `supplementalGroupsPolicy`...) is silently
 * dropped. Transforms registered here run after that filter, so nothing they write is lost.
 *
 * The layer also memoises the manifest computed while validating so that synthesis does not
 * render every object twice (validation would otherwise double `Testing.synth` time).
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** A Kubernetes manifest as synthesized by cdk8s: a plain JSON object. */
export type Manifest = Record<string, unknown>;

/** Rewrites a freshly rendered manifest (it may mutate and return its argument). */
export type OutputTransform = (manifest: Manifest, apiObject: ApiObject) => Manifest;

interface LayerState {
  readonly transforms: OutputTransform[];
  /** Manifest rendered for validation in the current synthesis; handed out once by `toJson()`. */
  memo: Manifest | undefined;
}

const layers = new WeakMap<ApiObject, LayerState>();
const memoised = new Set<LayerState>();
let clearScheduled = false;

function layerOf(apiObject: ApiObject): LayerState {
  const existing = layers.get(apiObject);
  if (existing) return existing;
  const state: LayerState = { transforms: [], memo: undefined };
  const render = apiObject.toJson.bind(apiObject);
  apiObject.toJson = () => {
    const memo = state.memo;
    if (memo !== undefined) {
      state.memo = undefined;
      memoised.delete(state);
      return memo;
    }
    return applyTransforms(render(), state.transforms, apiObject);
  };
  layers.set(apiObject, state);
  return state;
}

function applyTransforms(manifest: Manifest, transforms: readonly OutputTransform[], apiObject: ApiObject) {
  let current = manifest;
  for (const transform of transforms) {
    try {
      current = transform(current, apiObject);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`podguard: cannot finish the manifest of ${apiObject.node.path}: ${message}`);
    }
  }
  return current;
}

/** Registers a transform that runs on the object's manifest after cdk8s has rendered it. */
export function addOutputTransform(apiObject: ApiObject, transform: OutputTransform): void {
  const state = layerOf(apiObject);
  state.transforms.push(transform);
  forget(state);
}

/**
 * Renders an object for validation. The manifest is kept for the `toJson()` call of the same
 * synthesis and dropped at the end of the current turn of the event loop, so later changes to
 * the construct are always seen.
 */
export function renderForSynthesis(apiObject: ApiObject): Manifest {
  const state = layerOf(apiObject);
  if (state.memo !== undefined) return state.memo;
  state.memo = apiObject.toJson() as Manifest;
  memoised.add(state);
  if (!clearScheduled) {
    clearScheduled = true;
    queueMicrotask(forgetAll);
  }
  return state.memo;
}

/** The manifest {@link renderForSynthesis} keeps for this synthesis, if any (it stays kept). */
export function memoisedManifest(apiObject: ApiObject): Manifest | undefined {
  return layers.get(apiObject)?.memo;
}

/** Drops every memoised manifest (after a failed validation, nothing may be reused). */
export function forgetAll(): void {
  for (const state of memoised) state.memo = undefined;
  memoised.clear();
  clearScheduled = false;
}

function forget(state: LayerState): void {
  state.memo = undefined;
  memoised.delete(state);
}

/**
 * Adds RFC 6902 JSON patch operations applied after the typed schema filter of cdk8s-plus-27,
 * so fields the 1.27 schema lacks survive. Use it where `ApiObject.of(x).addJsonPatch()` would
 * silently drop a field.
 *
 * @param scope An ApiObject, or a construct whose default child is one (any cdk8s-plus workload).
 * @example
 * addRawJsonPatch(deployment, JsonPatch.add('/spec/template/spec/containers/0/securityContext/appArmorProfile', { type: 'RuntimeDefault' }));
 */
export function addRawJsonPatch(scope: IConstruct, ...ops: JsonPatch[]): void {
  addOutputTransform(ApiObject.of(scope), (manifest) => JsonPatch.apply(manifest, ...ops) as Manifest);
}
