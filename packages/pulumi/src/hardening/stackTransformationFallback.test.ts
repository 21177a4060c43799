/**
 * The fallback for engines without transforms: `registerStackTransformation`, applied by the SDK
 * inside the program (simulated by switching the runtime's transform support off under mocks).
 */
import { createRequire } from 'node:module';
import { evaluate } from '@podguard/policy-core';
import { Deployment } from '@pulumi/kubernetes/apps/v1';
import * as pulumi from '@pulumi/pulumi';
import { afterEach, expect, it } from 'vitest';
import { installMocks, outputValue } from '../../../../test/pulumi/mockRuntime.js';
import { registerPodguardHardening, resetPodguardHardeningForTests } from './registerPodguardHardening.js';

// The SDK's runtime state is not public API; the test needs it to play an older engine.
const runtimeState = createRequire(import.meta.url)('@pulumi/pulumi/runtime/state') as {
  getStore(): { supportsTransforms: boolean };
};

afterEach(() => {
  runtimeState.getStore().supportsTransforms = true;
  resetPodguardHardeningForTests();
});

it('falls back to registerStackTransformation on an engine without transforms, and still hardens', async () => {
  const program = await installMocks();
  runtimeState.getStore().supportsTransforms = false;
  await pulumi.runtime.runInPulumiStack(async () => {
    expect(registerPodguardHardening()).toBe('registerStackTransformation');
    const web = new Deployment('web', {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      },
    });
    await outputValue(web.urn);
    return {};
  });
  const [deployment] = program.ofType('kubernetes:apps/v1:Deployment');
  if (!deployment) throw new Error('no Deployment registered');
  expect(evaluate(deployment.inputs).findings.filter((finding) => finding.severity === 'error')).toEqual([]);
});
