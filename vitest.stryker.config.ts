import { defineConfig } from 'vitest/config';
import { alias } from './vitest.config.js';

// `npm run mutate` (Stryker) runs only policy-core's unit tests: the code it mutates lives there, and the
// other projects (adapters, e2e, examples) would turn a run of minutes into hours.
export default defineConfig({
  resolve: { alias },
  test: {
    name: 'policy-core',
    include: ['packages/policy-core/src/**/*.test.ts'],
    // One test worker: the machine is shared.
    maxWorkers: 1,
  },
});
