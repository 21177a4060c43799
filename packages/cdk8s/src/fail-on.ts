/**
 * `failOn`, the one name every podguard door uses for "which findings fail the build", and the
 * deprecated `warnings` option it replaces (accepted for one minor version, with a warning).
 */
import { type Finding, isAllowed } from '@podguard/policy-core';

/** Which findings block: `error` (default), also `warning`s, or `none`. */
export type FailOn = 'error' | 'warning' | 'none';

const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'none'];

/** Whether a finding fails the build under `failOn`: the core's verdict, widened to warnings on request. */
export function isBlocking(finding: Finding, failOn: FailOn = 'error'): boolean {
  if (failOn === 'none') return false;
  if (failOn === 'warning' && finding.status === 'fail') return true;
  return !isAllowed([finding]);
}

/** The deprecated `warnings` values, and what they stand for now. */
const WARNINGS: Readonly<Record<string, { failOn?: FailOn; printWarnings?: boolean }>> = {
  fail: { failOn: 'warning' },
  print: {},
  report: {},
  ignore: { printWarnings: false },
};

/**
 * `failOn` from options that may still use the deprecated `warnings`. Throws an error naming the
 * option (prefixed with `where`) for a value it does not know.
 */
export function failOnOf(
  options: { readonly failOn?: unknown; readonly warnings?: unknown },
  where: string,
  allowedWarnings: readonly string[],
): { failOn: FailOn; printWarnings?: boolean } {
  const { failOn, warnings } = options;
  if (failOn !== undefined && !FAIL_ON.includes(failOn as FailOn)) {
    throw new Error(
      `${where}: invalid option failOn: expected one of ${FAIL_ON.join(', ')}, got ${JSON.stringify(failOn)}`,
    );
  }
  if (warnings === undefined) return { failOn: (failOn as FailOn | undefined) ?? 'error' };
  const meaning = typeof warnings === 'string' && allowedWarnings.includes(warnings) && WARNINGS[warnings];
  if (!meaning) {
    throw new Error(
      `${where}: invalid option warnings: expected ${allowedWarnings.map((value) => `"${value}"`).join(' or ')}, got ${JSON.stringify(warnings)} (deprecated: use failOn)`,
    );
  }
  if (failOn !== undefined && meaning.failOn !== undefined) {
    throw new Error(`${where}: give failOn or the deprecated warnings, not both`);
  }
  process.emitWarning(
    `${where}: option "warnings" is deprecated and will be removed in the next minor version; use failOn: 'error' | 'warning' | 'none'${warnings === 'ignore' ? ' and printWarnings: false' : ''}`,
    { type: 'DeprecationWarning', code: 'PODGUARD_WARNINGS_OPTION' },
  );
  const result: { failOn: FailOn; printWarnings?: boolean } = {
    failOn: meaning.failOn ?? (failOn as FailOn | undefined) ?? 'error',
  };
  if (meaning.printWarnings !== undefined) result.printWarnings = meaning.printWarnings;
  return result;
}
