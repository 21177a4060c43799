import { evaluate } from '@podguard/policy-core';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { installMocks, outputValue } from '../../../../test/pulumi/mockRuntime.js';
import { hardenInputs } from './hardenInputs.js';

beforeAll(async () => {
  await installMocks();
});

interface PodProps {
  spec: { template: { spec: { securityContext?: Record<string, unknown>; containers: unknown } } };
}

function deployment(containers: unknown, securityContext?: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: pulumi.output('shop') },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { ...(securityContext ? { securityContext } : {}), containers },
      },
    },
  };
}

describe('hardenInputs', () => {
  it('patches around Outputs, keeping them as they are', async () => {
    const image = pulumi.output('web:1');
    const props = deployment([{ name: 'web', image }]);
    const { props: hardened, changes, conflicts } = hardenInputs(props, undefined, 'fix');
    expect(conflicts).toEqual([]);
    expect(changes.length).toBeGreaterThan(0);
    const spec = (hardened as unknown as PodProps).spec.template.spec;
    const [container] = spec.containers as { image: unknown; securityContext: Record<string, unknown> }[];
    expect(container?.image).toBe(image);
    expect((hardened.metadata as { namespace: unknown }).namespace).toBe(
      (props.metadata as { namespace: unknown }).namespace,
    );
    expect(container?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it('hardens inside an Output when a fix has to reach into it (a whole container list from an Output)', async () => {
    const containers = pulumi.output([{ name: 'web', image: 'web:1' }]);
    const { props: hardened, deferred } = hardenInputs(deployment(containers), undefined, 'fix');
    expect(deferred).toBe(true);
    const resolved = await outputValue(pulumi.output(hardened));
    const result = evaluate(resolved);
    expect(result.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('in fill mode, leaves values the user wrote alone and reports the ones that fail', () => {
    const props = deployment([{ name: 'web', image: 'web:1' }], { runAsUser: 0 });
    const { props: hardened, conflicts } = hardenInputs(props, undefined, 'fill');
    expect(conflicts.map((conflict) => conflict.path)).toContain(
      '/spec/template/spec/securityContext/runAsUser',
    );
    expect((hardened as unknown as PodProps).spec.template.spec.securityContext?.runAsUser).toBe(0);
  });

  it('a security field given as an Output is hardened once known, as a plain value would be', async () => {
    const props = deployment([{ name: 'web', image: 'web:1' }], { runAsUser: pulumi.output(0) });
    // Replacing the root UID the program wrote is an unsafe fix.
    const { props: hardened, deferred, opaque } = hardenInputs(props, { unsafe: true }, 'fix');
    expect(deferred).toBe(true);
    expect(opaque).toContain('/spec/template/spec/securityContext/runAsUser');
    const resolved = (await outputValue(pulumi.output(hardened))) as unknown as PodProps;
    expect(resolved.spec.template.spec.securityContext?.runAsUser).toBe(1000);
  });

  it('returns the very same props when nothing needs fixing', () => {
    const once = hardenInputs(deployment([{ name: 'web', image: 'web:1' }]), undefined, 'fix').props;
    const twice = hardenInputs(once, undefined, 'fix');
    expect(twice.changes).toEqual([]);
    expect(twice.props).toBe(once);
  });
});
