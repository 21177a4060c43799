import { evaluate } from '@podguard/policy-core';
import { Cron, Testing } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CapabilityName,
  SecureCronJob,
  SecureDaemonSet,
  SecureDeployment,
  SecureJob,
  SecurePod,
  type SecurePodOptions,
  SecureStatefulSet,
} from './index.js';

type Make = (
  chart: ReturnType<typeof Testing.chart>,
  props: SecurePodOptions & { containers: kplus.ContainerProps[]; initContainers: kplus.ContainerProps[] },
) => { addCapability(capability: CapabilityName): unknown };

const makers: Record<string, Make> = {
  SecureDeployment: (chart, props) => new SecureDeployment(chart, 'w', props),
  SecureStatefulSet: (chart, props) =>
    new SecureStatefulSet(chart, 'w', {
      ...props,
      containers: props.containers.map((c, i) => ({ ...c, portNumber: 8000 + i })),
    }),
  SecureDaemonSet: (chart, props) => new SecureDaemonSet(chart, 'w', props),
  SecureJob: (chart, props) => new SecureJob(chart, 'w', props),
  SecureCronJob: (chart, props) => new SecureCronJob(chart, 'w', { ...props, schedule: Cron.daily() }),
  SecurePod: (chart, props) => new SecurePod(chart, 'w', props),
};

const container = (prefix: string) =>
  fc.record({
    name: fc.integer({ min: 0, max: 999 }).map((n) => `${prefix}-${n}`),
    image: fc.constantFrom('registry.example.com/app:1.0', 'nginxinc/nginx-unprivileged:1.27'),
  });

describe('Secure* constructs, for any mix of props the defaults cover', () => {
  it('synthesize YAML that passes the profile they were built for', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(makers)),
        fc.constantFrom('hardened', 'restricted', 'openshift') as fc.Arbitrary<SecurePodOptions['profile']>,
        fc.uniqueArray(container('app'), { minLength: 1, maxLength: 3, selector: (c) => c.name }),
        fc.uniqueArray(container('init'), { maxLength: 2, selector: (c) => c.name }),
        fc.option(fc.integer({ min: 1000, max: 60_000 }).filter((id) => id !== 65534 && id !== 65535)),
        fc.boolean(),
        (kind, profile, containers, initContainers, id, bindLowPort) => {
          const chart = Testing.chart();
          const identity = id === null || profile === 'openshift' ? {} : { user: id, group: id };
          const workload = makers[kind]?.(chart, { profile, containers, initContainers, ...identity });
          if (bindLowPort) workload?.addCapability('NET_BIND_SERVICE');
          const findings = evaluate(Testing.synth(chart), { profile }).findings.map(
            (f) => `${f.rule} ${f.severity}: ${f.message}`,
          );
          // On OpenShift the platform assigns the UID, so the kubelet's verdict stays a warning.
          const expected = findings.filter(
            (f) => profile === 'openshift' && f.startsWith('kubeletRunAsNonRoot warning'),
          );
          expect(findings).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
