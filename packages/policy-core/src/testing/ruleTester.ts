/**
 * Test helpers for pod rules, in the spirit of typescript-eslint's `RuleTester`: run a rule's
 * check at a policy version on a pod written the way users write them, and compare results
 * with `valid` / `invalid` case tables. Framework-agnostic: pass your test runner's `describe`
 * and `it`.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { RuleTester } from '@podguard/policy-core/testing';
 *
 * new RuleTester({ describe, it }).run(privileged, {
 *   valid: [{ name: 'unset', pod: { containers: [{ name: 'a' }] } }],
 *   invalid: [{
 *     name: 'privileged container',
 *     pod: { containers: [{ name: 'a', securityContext: { privileged: true } }] },
 *     reason: 'privileged',
 *     detail: 'container "a" must not set securityContext.privileged=true',
 *     locations: ['/spec/containers/0/securityContext/privileged'],
 *   }],
 * });
 * ```
 */
import { NO_FACTS } from '../engine/facts.js';
import { applyJsonPatch } from '../engine/jsonPatch.js';
import { resolveEvaluation } from '../engine/resolveOptions.js';
import type { EvaluateOptions } from '../model/options.js';
import type { FindingLocation, Fix, JsonPointer } from '../model/types.js';
import { parseVersion } from '../model/versions.js';
import type { PodView, RuleContext } from '../model/views.js';
import { extractObject, isRecord } from '../podspec/extract.js';
import { validatePodSpec } from '../podspec/validate.js';
import { type CheckResult, type Forbidden, type PodRule, variantFor } from '../rulekit/define.js';

/**
 * The context rules see in tests: the `restricted` level's resolved options (UIDs
 * 1000..2147483647 allowed, 65534/65535 denied, root group allowed, runAsUser required,
 * namespaces must enforce restricted, defaults 1000/1000, `now` the current time), overridable
 * with evaluate() options, at a policy version (default `latest`).
 */
export function ruleContext(
  version = 'latest',
  options: EvaluateOptions = { level: 'restricted' },
): RuleContext {
  return { options: resolveEvaluation(options).options, version: parseVersion(version), facts: NO_FACTS };
}

/** A bare PodSpec wrapped in a Pod (so pointers start at `/spec`); other input as it is. */
function asObject(podOrSpec: unknown): unknown {
  return isRecord(podOrSpec) && podOrSpec.kind === undefined && !isRecord(podOrSpec.spec)
    ? { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test' }, spec: podOrSpec }
    : podOrSpec;
}

/**
 * The {@link PodView} of a Pod, a workload (Deployment, CronJob...) or a bare PodSpec (wrapped
 * in a Pod). Throws when the input has no pod spec or has wrongly typed fields, as the engine
 * would report them instead of running rules.
 */
export function podView(podOrSpec: unknown): PodView {
  const extracted = extractObject(asObject(podOrSpec));
  if (extracted.kind !== 'pod') {
    throw new Error(
      `test input has no pod spec (${extracted.kind === 'invalid' ? extracted.message : extracted.kind})`,
    );
  }
  const { view } = extracted;
  const problems = validatePodSpec(view.spec, view.specPath, view.metadata, view.metadataPath);
  if (problems.length > 0) {
    throw new Error(`test input is invalid: ${problems.map((problem) => problem.message).join('; ')}`);
  }
  return view;
}

/**
 * Every result of the rule's variant at `version` for the pod. A rule that does not exist yet
 * at that version (e.g. `runAsUser` before v1.23) allows everything, as upstream does.
 */
export function runRuleResults(
  rule: PodRule,
  podOrSpec: unknown,
  version = 'latest',
  options?: EvaluateOptions,
): CheckResult[] {
  const context = ruleContext(version, options);
  const variant = variantFor(rule, context.version);
  if (!variant) return [{ allowed: true }];
  const results = variant.check(podView(podOrSpec), context);
  return Array.isArray(results) ? [...results] : [results as CheckResult];
}

/**
 * The result of the rule's variant at `version` (default `latest`) for a pod, workload or bare
 * PodSpec (allowed when a per-problem check returns no result). Throws if the check returned
 * several results (use {@link runRuleResults}).
 */
export function runRule(
  rule: PodRule,
  podOrSpec: unknown,
  version = 'latest',
  options?: EvaluateOptions,
): CheckResult {
  const results = runRuleResults(rule, podOrSpec, version, options);
  // A check with one result per problem returns none when there is no problem.
  if (results.length === 0) return { allowed: true };
  if (results.length !== 1) {
    throw new Error(`rule ${rule.id} returned ${results.length} results; use runRuleResults`);
  }
  return results[0] as CheckResult;
}

/** A pod the rule must allow. */
export interface ValidCase {
  /** Test name; defaults to the pod as JSON. */
  readonly name?: string;
  /** A Pod, a workload, or a bare PodSpec. */
  readonly pod: unknown;
  /** Policy version (default `latest`). */
  readonly version?: string;
  readonly options?: EvaluateOptions;
}

/** A pod the rule must forbid, with the exact upstream wording. */
export interface InvalidCase extends ValidCase {
  readonly reason: string;
  readonly detail: string;
  /** Expected locations: pointers (container not compared) or full locations. Not checked when absent. */
  readonly locations?: readonly (JsonPointer | FindingLocation)[];
  /** Expected fix; `null` means the result must carry no fix. Not checked when absent. */
  readonly fix?: Fix | null;
  readonly messageId?: string;
}

/** The `describe` / `it` of the test runner. */
export interface TestHooks {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void): void;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isRecord(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function mismatch(what: string, expected: unknown, actual: unknown): Error {
  return new Error(
    `${what} differs\n  expected: ${JSON.stringify(expected, null, 2)}\n  actual:   ${JSON.stringify(actual, null, 2)}`,
  );
}

/**
 * Checks one invalid case; throws an Error naming the first difference. When the result carries
 * a fix, also checks that the patch applies to the original object and that the rule then allows
 * it (like typescript-eslint's fix output check). Exported for use outside {@link RuleTester}.
 */
export function assertInvalid(rule: PodRule, testCase: InvalidCase): Forbidden {
  const result = runRule(rule, testCase.pod, testCase.version, testCase.options);
  if (result.allowed) throw new Error(`expected rule ${rule.id} to forbid the pod, but it allowed it`);
  if (result.reason !== testCase.reason) throw mismatch('reason', testCase.reason, result.reason);
  if (result.detail !== testCase.detail) throw mismatch('detail', testCase.detail, result.detail);
  if (testCase.messageId !== undefined && result.messageId !== testCase.messageId) {
    throw mismatch('messageId', testCase.messageId, result.messageId);
  }
  if (testCase.locations !== undefined) {
    const actual = testCase.locations.every((location) => typeof location === 'string')
      ? result.locations.map((location) => location.path)
      : result.locations;
    if (canonical(actual) !== canonical(testCase.locations)) {
      throw mismatch('locations', testCase.locations, actual);
    }
  }
  if (testCase.fix !== undefined && canonical(result.fix ?? null) !== canonical(testCase.fix)) {
    throw mismatch('fix', testCase.fix, result.fix ?? null);
  }
  if (result.fix) assertFixClears(rule, testCase, result.fix);
  return result;
}

/**
 * A fix must apply to the original object and leave nothing for the rule to forbid, or, when it
 * is the safe part of a problem that also has an unsafe part, leave a result whose fix is unsafe
 * or that says why there is none (`unfixable`).
 */
function assertFixClears(rule: PodRule, testCase: InvalidCase, fix: Fix): void {
  let fixed: unknown;
  try {
    fixed = applyJsonPatch(asObject(testCase.pod), fix.patch);
  } catch (error) {
    throw new Error(`the fix of rule ${rule.id} does not apply: ${(error as Error).message}`);
  }
  const after = runRule(rule, fixed, testCase.version, testCase.options);
  if (
    !after.allowed &&
    fix.kind === 'safe' &&
    (after.fix?.kind === 'unsafe' || after.unfixable !== undefined)
  ) {
    return;
  }
  if (!after.allowed) {
    throw new Error(
      `the fix of rule ${rule.id} does not clear the finding: ${after.reason} (${after.detail})`,
    );
  }
}

/** Checks one valid case; throws an Error with the rule's verdict if it forbids the pod. */
export function assertValid(rule: PodRule, testCase: ValidCase): void {
  const result = runRule(rule, testCase.pod, testCase.version, testCase.options);
  if (!result.allowed) {
    throw new Error(`expected rule ${rule.id} to allow the pod, got: ${result.reason} (${result.detail})`);
  }
}

/** Runs `valid` and `invalid` case tables against a rule, one test per case. */
export class RuleTester {
  readonly #hooks: TestHooks;

  constructor(hooks: TestHooks) {
    this.#hooks = hooks;
  }

  run(rule: PodRule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
    const { describe, it } = this.#hooks;
    const title = (testCase: ValidCase): string =>
      `${testCase.name ?? canonical(testCase.pod)}${testCase.version ? ` @ ${testCase.version}` : ''}`;
    describe(rule.id, () => {
      // Test runners reject empty suites, so a group without cases gets none.
      if (cases.valid.length > 0) {
        describe('valid', () => {
          for (const testCase of cases.valid) it(title(testCase), () => assertValid(rule, testCase));
        });
      }
      if (cases.invalid.length > 0) {
        describe('invalid', () => {
          for (const testCase of cases.invalid) it(title(testCase), () => void assertInvalid(rule, testCase));
        });
      }
    });
  }
}
