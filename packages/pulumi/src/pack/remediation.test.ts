/**
 * Pulumi remediation converges in one pass (issue 11, item 7): the engine runs the pack's
 * remediations one after the other, each on the previous one's output, and the result is
 * harden()'s fixed point, safe fixes only unless `unsafeFixes` is set. Rules that need the whole
 * stack (automountServiceAccountToken) run as stack policies, which Pulumi cannot remediate: the
 * fixed point is harden()'s without them.
 */
import { type EvaluateOptions, harden } from '@podguard/policy-core';
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kubernetesRules } from './checkSettings.js';
import { resourcePolicies, runsOnStack } from './policies.js';
import type { PodguardSettings } from './settings.js';

const TYPE = 'kubernetes:apps/v1:Deployment';

/** harden() without the rules Pulumi runs on the stack. */
const resourceRules: EvaluateOptions['rules'] = Object.fromEntries(
  kubernetesRules()
    .filter(runsOnStack)
    .map((rule) => [rule.id, { enabled: false }]),
);
const hardenLikeRemediation = (props: unknown, unsafe = false) =>
  harden(props, { unsafe, rules: resourceRules }).object;

/** What the policy SDK's Remediate does with every policy on `remediate`: props flow through. */
function remediateAll(props: Record<string, unknown>, config: PodguardSettings): Record<string, unknown> {
  let current = props;
  for (const policy of resourcePolicies({}) as ResourceValidationPolicy[]) {
    if (!policy.remediateResource) continue;
    const args = {
      type: TYPE,
      name: 'web',
      urn: `urn:pulumi:dev::shop::${TYPE}::web`,
      props: current,
      opts: {},
      isType: () => false,
      asType: () => undefined,
      getConfig: () => config,
      notApplicable: () => undefined,
    } as unknown as ResourceValidationArgs;
    const result = policy.remediateResource(args) as Record<string, unknown> | undefined;
    if (result) current = result;
  }
  return current;
}

function deployment(containers: Record<string, unknown>[]): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    },
  };
}

describe('remediation in one pass', () => {
  it('a container that adds SYS_ADMIN: with unsafe fixes, the capability goes and escalation is off', () => {
    const props = deployment([
      { name: 'web', image: 'web:1', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
    ]);
    const remediated = remediateAll(props, { unsafeFixes: true });
    const container = (remediated.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
      .template.spec.containers[0];
    expect(container?.securityContext).toMatchObject({
      capabilities: { add: [], drop: ['ALL'] },
      allowPrivilegeEscalation: false,
    });
    expect(remediated).toEqual(hardenLikeRemediation(props, true));
  });

  it('by default only adds what is missing: the capability stays, and so does its finding', () => {
    const props = deployment([
      { name: 'web', image: 'web:1', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } },
    ]);
    const remediated = remediateAll(props, {});
    expect(remediated).toEqual(hardenLikeRemediation(props));
    const container = (remediated.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
      .template.spec.containers[0];
    expect(container?.securityContext).toMatchObject({ capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] } });
  });

  it('reaches the same fixed point as harden() for generated Deployments, every policy on remediate', () => {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const securityContext = fc
      .record({
        runAsUser: maybe(fc.constantFrom(0, 999, 1000)),
        runAsNonRoot: maybe(fc.boolean()),
        privileged: maybe(fc.boolean()),
        allowPrivilegeEscalation: maybe(fc.boolean()),
        readOnlyRootFilesystem: maybe(fc.boolean()),
        capabilities: maybe(
          fc.constantFrom(
            { add: ['SYS_ADMIN'] },
            { add: ['NET_ADMIN'], drop: ['NET_RAW'] },
            { drop: ['ALL'] },
          ),
        ),
        seccompProfile: maybe(fc.constantFrom({ type: 'RuntimeDefault' }, { type: 'Unconfined' })),
      })
      .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)));
    const containers = fc
      .array(
        fc.record({ image: fc.constantFrom('web:1', 'nginx'), securityContext: maybe(securityContext) }),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((list) =>
        list.map((entry, index) => ({
          name: `c${index}`,
          image: entry.image,
          ...(entry.securityContext ? { securityContext: entry.securityContext } : {}),
        })),
      );
    fc.assert(
      fc.property(containers, fc.boolean(), (list, unsafe) => {
        const props = deployment(list);
        expect(remediateAll(props, { unsafeFixes: unsafe })).toEqual(hardenLikeRemediation(props, unsafe));
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
