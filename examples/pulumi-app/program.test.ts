/**
 * Runs the example program under Pulumi mocks and hands every registered resource to the
 * podguard policy pack over gRPC, exactly as `pulumi preview --policy-pack` would: the insecure
 * variant is blocked by mandatory violations, the secure one passes.
 */
import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePulumiBuild,
  PODGUARD_PACK,
  PolicyPackHarness,
  type TestResource,
} from '../../test/pulumi/harness.js';
import { installMocks, outputValue } from '../../test/pulumi/mockRuntime.js';
import { shop, type Variant } from './program.js';

let pack: PolicyPackHarness;

beforeAll(async () => {
  await ensurePulumiBuild();
  pack = await PolicyPackHarness.start(PODGUARD_PACK);
  await pack.configure({});
});

afterAll(() => pack?.close());

/** Runs the program and returns the custom resources the engine would analyse. */
async function register(variant: Variant): Promise<TestResource[]> {
  const program = await installMocks();
  const app = shop(variant);
  await outputValue(pulumi.all(app.urns));
  return program.resources
    .filter((resource) => resource.custom)
    .map((resource) => ({ type: resource.type, name: resource.name, properties: resource.inputs }));
}

async function preview(resources: TestResource[]) {
  const perResource = await Promise.all(resources.map((resource) => pack.analyze(resource)));
  const stack = await pack.analyzeStack(resources);
  return [...perResource.flatMap((result) => result.diagnostics), ...stack.diagnostics];
}

describe('examples/pulumi-app under pulumi preview --policy-pack', () => {
  it('registers a Namespace, a Deployment, a Service and a Job', async () => {
    const types = (await register('secure')).map((resource) => resource.type).sort();
    expect(types).toEqual([
      'kubernetes:apps/v1:Deployment',
      'kubernetes:batch/v1:Job',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:Service',
    ]);
  });

  it('blocks the insecure variant: mandatory violations on the Deployment, the Job and the Namespace', async () => {
    const diagnostics = await preview(await register('insecure'));
    const mandatory = diagnostics.filter((d) => d.enforcementLevel === 'mandatory');
    expect(mandatory.map((d) => d.policyName)).toEqual(
      expect.arrayContaining([
        'podguard-runAsNonRoot',
        'podguard-namespaceEnforceLabel',
        'podguard-namespaces',
      ]),
    );
    expect(mandatory.some((d) => d.message.includes('Deployment shop/web: runAsNonRoot != true'))).toBe(true);
    expect(mandatory.some((d) => d.message.includes('Job shop/migrate: runAsNonRoot != true'))).toBe(true);
  });

  it('passes the secure variant: no diagnostics at all', async () => {
    expect(await preview(await register('secure'))).toEqual([]);
  });

  it('policy-config.json is valid for the pack and changes what preview reports', async () => {
    const config = JSON.parse(readFileSync(new URL('./policy-config.json', import.meta.url), 'utf8'));
    await pack.configure(config);
    try {
      const diagnostics = await preview(await register('insecure'));
      const about = (policy: string, text: string) =>
        diagnostics.filter((d) => d.policyName === policy && d.message.includes(text));
      // Advisory instead of mandatory.
      expect(
        about('podguard-readOnlyRootFilesystem', 'Deployment shop/web').map((d) => d.enforcementLevel),
      ).toEqual(['advisory']);
      // The exemption covers the Job, not the Deployment; the Job's finding is shown as suppressed, advisory.
      expect(about('podguard-runAsNonRoot', 'Job shop/migrate').map((d) => d.enforcementLevel)).toEqual([
        'advisory',
      ]);
      expect(about('podguard-runAsNonRoot', 'runAsNonRoot [suppressed]: Job shop/migrate')).toHaveLength(1);
      expect(about('podguard-runAsNonRoot', 'Deployment shop/web').map((d) => d.enforcementLevel)).toEqual([
        'mandatory',
      ]);
      // runAsUser 10001 of the secure variant is inside 10000..19999; the exemption, which no finding
      // of the secure variant needs, is reported unused.
      const secure = await preview(await register('secure'));
      expect(secure.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
        ['podguard-unusedSuppression', 'advisory'],
      ]);
      expect(secure[0]?.message).toContain('suppression of runAsNonRoot');
    } finally {
      await pack.configure({});
    }
  });
});
