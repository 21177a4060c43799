// @ts-check
/**
 * `npm run mutate`: mutation testing of the rules and the engine (see CONTRIBUTING.md, "Mutation testing").
 * Scope a run with `npm run mutate -- --mutate 'packages/policy-core/src/rules/privileged.ts'`.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // Worker threads, not forks: the same results, a third less time (seLinuxOptions.ts, 189 mutants:
  // 301 s against 424 s, 2026-12-03).
  vitest: { configFile: 'vitest.stryker.config.ts', pool: 'threads' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'packages/policy-core/src/rules/**/*.ts',
    'packages/policy-core/src/engine/**/*.ts',
    '!**/*.test.ts',
  ],
  coverageAnalysis: 'perTest',
  // The machine is shared: one test-runner process at a time.
  concurrency: 1,
  // Results are kept in reports/ (gitignored): a local cache that only re-tests mutants whose code or tests changed.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
};
