/**
 * Vitest matchers. `import '@podguard/cdk8s/vitest'` registers them and types them:
 *
 * ```ts
 * expect(Testing.synth(chart)).toPassPodSecurity('hardened');
 * expect(chart).toViolate('runAsNonRoot', { container: 'main' });
 * ```
 *
 * Both accept a Chart, an App, manifests (one or an array) or a YAML string. The jest twin is
 * `@podguard/cdk8s/jest`; both register the same matchers (`matchers.ts`).
 */
import { expect } from 'vitest';
import { type PodSecurityExpectation, podSecurityMatchers, type ViolateOptions } from './matchers.js';

export type { PodSecurityExpectation, ViolateOptions } from './matchers.js';

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** Passes when no blocking finding is left under the profile (default `hardened`). */
    toPassPodSecurity(expected?: PodSecurityExpectation): R;
    /** Passes when the rule fails (or errors) on some object, in `container` if given. */
    toViolate(rule: string, options?: ViolateOptions): R;
  }
}

expect.extend(podSecurityMatchers);
