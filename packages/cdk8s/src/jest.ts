/**
 * Jest matchers. `import '@podguard/cdk8s/jest'` (in a test file, or in `setupFilesAfterEach`)
 * registers them on jest's global `expect` and types them for `@types/jest`:
 *
 * ```ts
 * expect(Testing.synth(chart)).toPassPodSecurity('hardened');
 * expect(chart).toViolate('runAsNonRoot', { container: 'main' });
 * ```
 *
 * The same matchers as `@podguard/cdk8s/vitest` (`matchers.ts`); works in CommonJS projects
 * (`cdk8s init typescript-app`) and ESM ones.
 */
import { type PodSecurityExpectation, podSecurityMatchers, type ViolateOptions } from './matchers.js';

export type { PodSecurityExpectation, ViolateOptions } from './matchers.js';

declare global {
  namespace jest {
    interface Matchers<R> {
      /** Passes when no blocking finding is left under the profile (default `hardened`). */
      toPassPodSecurity(expected?: PodSecurityExpectation): R;
      /** Passes when the rule fails (or errors) on some object, in `container` if given. */
      toViolate(rule: string, options?: ViolateOptions): R;
    }
  }
}

const jestExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof jestExpect?.extend !== 'function') {
  throw new Error(
    "@podguard/cdk8s/jest registers matchers on jest's global expect, and there is none: import it from a jest test or setup file (with vitest, import @podguard/cdk8s/vitest)",
  );
}
jestExpect.extend(podSecurityMatchers);
