/**
 * The pod security matchers, independent of any test framework: `toPassPodSecurity` and
 * `toViolate` return `{ pass, message }` as vitest's and jest's `expect.extend` want, and
 * `assertPodSecurity` throws with the same message. `vitest.ts` and `jest.ts` register them.
 */
import {
  createEvaluation,
  type EvaluateOptions,
  type EvaluationResult,
  type Finding,
  formatFinding,
  type ProfileName,
  ruleRegistry,
} from '@podguard/policy-core';
import { manifestsOf } from './manifests.js';

/** A profile name, or full evaluation options. */
export type PodSecurityExpectation = ProfileName | EvaluateOptions;

/** Options of `toViolate`: evaluation options plus the container the finding must point at. */
export interface ViolateOptions extends EvaluateOptions {
  /** Name of the container a location of the finding must be in. */
  readonly container?: string;
}

/** What a matcher returns to `expect.extend`. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function optionsOf(expected: PodSecurityExpectation | undefined): EvaluateOptions {
  if (expected === undefined) return {};
  return typeof expected === 'string' ? { profile: expected } : expected;
}

function profileLabel(options: EvaluateOptions): string {
  if (typeof options.profile === 'string') return options.profile;
  if (options.profile) return options.profile.name;
  return options.level ?? 'hardened';
}

function listFindings(findings: readonly Finding[], result: EvaluationResult): string {
  if (findings.length === 0) return '  (none)';
  return findings
    .map((finding) => {
      const where = result.objects.length > 1 ? ` (object ${finding.objectIndex})` : '';
      return `  - ${formatFinding(finding).replace(/\n/g, '\n    ')}${where}`;
    })
    .join('\n');
}

/** One session over the manifests: what `evaluate` returns, and the session's `isBlocking`. */
function evaluateAll(manifests: unknown[], options: EvaluateOptions) {
  const session = createEvaluation(options);
  const piece = session.evaluate(manifests);
  const findings = [...session.settings, ...piece.findings, ...session.finish()];
  const result: EvaluationResult = {
    allowed: !findings.some((finding) => session.isBlocking(finding)),
    findings,
    objects: piece.objects,
  };
  return { result, session };
}

/** The matchers, for `expect.extend` of vitest or jest. */
export const podSecurityMatchers: {
  toPassPodSecurity(received: unknown, expected?: PodSecurityExpectation): MatcherResult;
  toViolate(received: unknown, rule: string, options?: ViolateOptions): MatcherResult;
} = {
  toPassPodSecurity(received: unknown, expected?: PodSecurityExpectation) {
    const options = optionsOf(expected);
    const { result, session } = evaluateAll(manifestsOf(received), options);
    const blocking = result.findings.filter((finding) => session.isBlocking(finding));
    const profile = profileLabel(options);
    return {
      pass: blocking.length === 0,
      message: () =>
        blocking.length === 0
          ? `expected the manifests not to pass pod security (${profile}), but all ${result.objects.length} objects pass`
          : `expected the manifests to pass pod security (${profile}), but ${blocking.length} finding(s) block:\n${listFindings(blocking, result)}`,
    };
  },

  toViolate(received: unknown, rule: string, options: ViolateOptions = {}) {
    if (!ruleRegistry.has(rule)) {
      throw new Error(`toViolate: unknown rule "${rule}" (known: ${[...ruleRegistry.keys()].join(', ')})`);
    }
    const { container, ...evaluateOptions } = options;
    const { result } = evaluateAll(manifestsOf(received), evaluateOptions);
    const failing = result.findings.filter(
      (finding) => finding.status === 'fail' || finding.status === 'error',
    );
    const matching = failing.filter(
      (finding) =>
        finding.rule === rule &&
        (container === undefined || finding.locations.some((location) => location.container === container)),
    );
    const target = container === undefined ? rule : `${rule} in container "${container}"`;
    return {
      pass: matching.length > 0,
      message: () =>
        matching.length > 0
          ? `expected no finding of ${target}, but found:\n${listFindings(matching, result)}`
          : `expected a finding of ${target}, but the findings were:\n${listFindings(failing, result)}`,
    };
  },
};

/**
 * Throws when a blocking finding is left under the profile (default `hardened`), listing each
 * with its pointer and fix: the `toPassPodSecurity` check for any test framework, or none.
 *
 * @param source a Chart, an App, manifests (one or an array) or a YAML string.
 * @example assertPodSecurity(chart, 'restricted');
 */
export function assertPodSecurity(source: unknown, expected?: PodSecurityExpectation): void {
  const result = podSecurityMatchers.toPassPodSecurity(source, expected);
  if (!result.pass) throw new PodSecurityAssertionError(result.message());
}

/** The error {@link assertPodSecurity} throws. */
export class PodSecurityAssertionError extends Error {
  override readonly name = 'PodSecurityAssertionError';
}
