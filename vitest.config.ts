import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import packages from source: no build needed for unit tests. Exported for vitest.stryker.config.ts.
export const alias = {
  '@podguard/policy-core/testing': src('./packages/policy-core/src/testing/index.ts'),
  '@podguard/policy-core/rulekit': src('./packages/policy-core/src/rulekit/index.ts'),
  '@podguard/policy-core': src('./packages/policy-core/src/index.ts'),
  '@podguard/cdk8s/vitest': src('./packages/cdk8s/src/vitest.ts'),
  '@podguard/cdk8s': src('./packages/cdk8s/src/index.ts'),
  '@podguard/pulumi': src('./packages/pulumi/src/index.ts'),
};

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      {
        resolve: { alias },
        test: { name: 'policy-core', root: './packages/policy-core', include: ['src/**/*.test.ts'] },
      },
      {
        resolve: { alias },
        test: { name: 'cli', root: './packages/cli', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve: { alias },
        test: { name: 'cdk8s', root: './packages/cdk8s', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve: { alias },
        test: {
          name: 'pulumi',
          root: './packages/pulumi',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          root: './test',
          include: ['**/*.test.ts'],
          exclude: ['slow/**', '**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'examples',
          root: './examples',
          include: ['*/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
