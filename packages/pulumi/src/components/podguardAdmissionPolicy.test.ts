import { toAdmissionPolicies } from '@podguard/policy-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { installMocks, type MockProgram, outputValue } from '../../../../test/pulumi/mockRuntime.js';
import { PodguardAdmissionPolicy } from './podguardAdmissionPolicy.js';

let program: MockProgram;

beforeEach(async () => {
  program = await installMocks();
});

describe('PodguardAdmissionPolicy', () => {
  it('registers the policies and bindings of toAdmissionPolicies()', async () => {
    const options = { profile: 'hardened' as const, now: '2026-06-01T00:00:00Z' };
    const component = new PodguardAdmissionPolicy('admission', { options });
    await Promise.all(
      [...component.policies, ...component.bindings].map((resource) => outputValue(resource.urn)),
    );
    const expected = toAdmissionPolicies(options).objects;
    const policies = program.ofType('kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy');
    const bindings = program.ofType(
      'kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding',
    );
    const byName = (entries: [string, unknown][]) => Object.fromEntries(entries);
    expect(
      byName(
        policies.map((resource) => [
          (resource.inputs.metadata as { name: string }).name,
          resource.inputs.spec,
        ]),
      ),
    ).toEqual(
      byName(
        expected
          .filter((object) => object.kind === 'ValidatingAdmissionPolicy')
          .map((object) => [object.metadata.name, object.spec]),
      ),
    );
    expect(bindings).toHaveLength(policies.length);
    expect(component.notEnforced.map((entry) => entry.rule)).toContain('kubeletRunAsNonRoot');
  });

  it('refuses bad options before registering anything', () => {
    expect(() => new PodguardAdmissionPolicy('admission', { options: { rules: { nope: {} } } })).toThrow(
      /nope/,
    );
    expect(program.ofType('kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy')).toEqual(
      [],
    );
  });
});
