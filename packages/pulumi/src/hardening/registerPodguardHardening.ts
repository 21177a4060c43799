/**
 * Stack-wide hardening: a transform that runs the core's harden() on every Kubernetes resource
 * with a pod spec (and every Namespace) before it is registered, including the children of Helm
 * charts, yaml.v2 and kustomize components.
 */
import type { HardenOptions } from '@podguard/policy-core';
import * as pulumi from '@pulumi/pulumi';
import { CHECKED_TYPES } from '../resourceTypes.js';
import { hardenInputs } from './hardenInputs.js';

/**
 * Options of {@link registerPodguardHardening}: the core's options (profile, defaultUser...) and
 * `unsafe` (also apply fixes that change values the program wrote; default false).
 */
export type PodguardHardeningOptions = HardenOptions;

/** How the transform was registered. */
export type HardeningMechanism = 'registerResourceTransform' | 'registerStackTransformation';

let registered: { key: string; mechanism: HardeningMechanism } | undefined;

/** Hardens the props of a resource of a checked type; other resources pass through unchanged. */
export function hardenResourceProps(
  type: string,
  props: Record<string, unknown>,
  options: PodguardHardeningOptions | undefined,
): Record<string, unknown> | undefined {
  const kubernetesType = CHECKED_TYPES[type];
  if (!kubernetesType) return undefined;
  // harden() needs apiVersion/kind to find the pod spec; @pulumi/kubernetes sets them, yaml.v2 children too.
  const object = { apiVersion: kubernetesType.apiVersion, kind: kubernetesType.kind, ...props };
  const { props: hardened, changes, deferred } = hardenInputs(object, options, 'fix');
  return changes.length > 0 || deferred ? hardened : undefined;
}

/**
 * Registers a stack transform that hardens every Kubernetes workload and Namespace the program
 * registers after the call. Idempotent: calling it again with the same options does nothing;
 * with different options it throws (two hardening transforms would fight).
 *
 * Uses `pulumi.runtime.registerResourceTransform` (Pulumi CLI 3.118 and newer; also reaches
 * children of multi-language components such as `helm.v4.Chart` and `yaml.v2.ConfigGroup`). On an
 * engine without transforms it falls back to `registerStackTransformation`, which sees only
 * resources constructed in this program's process.
 *
 * @returns Which mechanism is in use.
 */
export function registerPodguardHardening(options?: PodguardHardeningOptions): HardeningMechanism {
  const key = JSON.stringify(options ?? {});
  if (registered) {
    if (registered.key === key) return registered.mechanism;
    throw new Error(
      `registerPodguardHardening was already called with other options (${registered.key}); call it once per program`,
    );
  }
  let mechanism: HardeningMechanism = 'registerResourceTransform';
  try {
    pulumi.runtime.registerResourceTransform((args) => {
      const props = hardenResourceProps(args.type, args.props, options);
      return props ? { props, opts: args.opts } : undefined;
    });
  } catch (error) {
    if (!(error instanceof Error) || !/does not support transforms/.test(error.message)) throw error;
    mechanism = 'registerStackTransformation';
    pulumi.runtime.registerStackTransformation((args) => {
      const props = hardenResourceProps(args.type, args.props, options);
      return props ? { props, opts: args.opts } : undefined;
    });
  }
  registered = { key, mechanism };
  return mechanism;
}

/** Forgets the registration; for tests that start a new mocked program. */
export function resetPodguardHardeningForTests(): void {
  registered = undefined;
}
