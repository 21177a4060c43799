/**
 * Vitest matchers. `import '@podguard/cdk8s/vitest'` registers them and types them:
 *
 * ```ts
 * expect(Testing.synth(chart)).toPassPodSecurity('hardened');
 * expect(chart).toViolate('runAsNonRoot', { container: 'main' });
 * ```
 *
 * Both accept a Chart, an App, manifests (one or an array) or a YAML string.
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
import { expect } from 'vitest';
import { manifestsOf } from './manifests.js';

/** A profile name, or full evaluation options. */
export type PodSecurityExpectation = ProfileName | EvaluateOptions;

/** Options of `toViolate`: evaluation options plus the container the finding must point at. */
export interface ViolateOptions extends EvaluateOptions {
  /** Name of the container a location of the finding must be in. */
  readonly container?: string;
}

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** Passes when no blocking finding is left under the profile (default `hardened`). */
    toPassPodSecurity(expected?: PodSecurityExpectation): R;
    /** Passes when the rule fails (or errors) on some object, in `container` if given. */
    toViolate(rule: string, options?: ViolateOptions): R;
  }
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

expect.extend({
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
});
