/**
 * The fallback for engines without transforms: `registerStackTransformation`, applied by the SDK
 * inside the program (simulated by switching the runtime's transform support off under mocks).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { evaluate } from '@podguard/policy-core';
import { Deployment } from '@pulumi/kubernetes/apps/v1';
import * as pulumi from '@pulumi/pulumi';
import { afterEach, expect, it } from 'vitest';
import { installMocks, outputValue } from '../../../../test/pulumi/mockRuntime.js';
import { registerPodguardHardening, resetPodguardHardeningForTests } from './registerPodguardHardening.js';

// The SDK's runtime state is not public API (its typings are stripped); the test needs it to play
// an older engine. Resolved from the working directory, as this file compiles to either module kind.
const runtimeState = createRequire(join(process.cwd(), 'index.js'))('@pulumi/pulumi/runtime/state') as {
  getStore(): { supportsTransforms: boolean };
};

afterEach(() => {
  runtimeState.getStore().supportsTransforms = true;
  resetPodguardHardeningForTests();
});

it('falls back to registerStackTransformation on an engine without transforms, and still hardens', async () => {
  const program = await installMocks();
  await pulumi.runtime.runInPulumiStack(async () => {
    // Switched inside the stack's init: that is the runtime state the program's resources see.
    runtimeState.getStore().supportsTransforms = false;
    expect(registerPodguardHardening()).toBe('registerStackTransformation');
    const web = new Deployment('web', {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:1' }] },
        },
      },
    });
    await outputValue(web.urn);
    return {};
  });
  const [deployment] = program.ofType('kubernetes:apps/v1:Deployment');
  if (!deployment) throw new Error('no Deployment registered');
  expect(evaluate(deployment.inputs).findings.filter((finding) => finding.severity === 'error')).toEqual([]);
});
