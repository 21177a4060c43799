import { defineConfig } from 'vitest/config';

// `npm run test:slow`: tests that take minutes (a fresh clone running README's commands). `.ci/run`
// runs them after `npm test`; `npm test` stays fast.
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest-slow.json' }]],
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
  },
});
