import { evaluate } from '@podguard/policy-core';
import * as pulumi from '@pulumi/pulumi';
import { beforeEach, describe, expect, it } from 'vitest';
import { installMocks, type MockProgram, outputValue } from '../../../../test/pulumi/mockRuntime.js';
import { SecureCronJob } from './secureCronJob.js';
import { SecureDaemonSet } from './secureDaemonSet.js';
import { SecureDeployment } from './secureDeployment.js';
import { SecureJob } from './secureJob.js';
import { SecureStatefulSet } from './secureStatefulSet.js';
import { InsecureWorkloadError } from './secureWorkload.js';

let program: MockProgram;

beforeEach(async () => {
  program = await installMocks();
});

const registered = (type: string, name: string) => {
  const resource = program.ofType(type).find((r) => r.name === name);
  if (!resource) throw new Error(`no ${type} ${name} registered`);
  return resource.inputs;
};

describe('SecureDeployment', () => {
  it('registers a Deployment that passes the hardened profile, with Outputs kept where they were', async () => {
    const image = pulumi.output('registry.example.com/shop/web:1.4.2');
    const web = new SecureDeployment('web', {
      metadata: { namespace: 'shop' },
      spec: { replicas: 3 },
      pod: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] },
    });
    await outputValue(web.deployment.urn);
    const inputs = registered('kubernetes:apps/v1:Deployment', 'web');
    expect(inputs.spec).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      template: {
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'web',
              image: 'registry.example.com/shop/web:1.4.2',
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    });
    const result = evaluate(inputs);
    expect(result.findings.filter((f) => f.status !== 'suppressed' && f.severity === 'error')).toEqual([]);
  });

  it('keeps overrides that pass (runAsUser 10001)', async () => {
    const web = new SecureDeployment('web', {
      pod: {
        securityContext: { runAsUser: 10001, runAsGroup: 10001 },
        containers: [{ name: 'web', image: 'web:1' }],
      },
    });
    await outputValue(web.deployment.urn);
    const spec = registered('kubernetes:apps/v1:Deployment', 'web').spec as {
      template: { spec: { securityContext: unknown } };
    };
    expect(spec.template.spec.securityContext).toMatchObject({
      runAsUser: 10001,
      runAsGroup: 10001,
      runAsNonRoot: true,
    });
  });

  it('refuses a value that breaks the profile instead of silently changing it', () => {
    expect(
      () =>
        new SecureDeployment('root', {
          pod: { securityContext: { runAsUser: 0 }, containers: [{ name: 'web', image: 'web:1' }] },
        }),
    ).toThrow(InsecureWorkloadError);
    expect(
      () =>
        new SecureDeployment('host', {
          pod: { hostNetwork: true, containers: [{ name: 'web', image: 'web:1' }] },
        }),
    ).toThrow(/SecureDeployment host does not pass podguard profile hardened:\n- .*hostNamespaces/);
  });

  it('accepts what breaks a rule when a suppression with a reason covers it', async () => {
    const agent = new SecureDeployment('agent', {
      pod: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] },
      podguard: { suppressions: [{ rule: 'hostNamespaces', reason: 'node agent reads host network stats' }] },
    });
    await outputValue(agent.deployment.urn);
    expect(
      (
        registered('kubernetes:apps/v1:Deployment', 'agent').spec as {
          template: { spec: { hostNetwork: boolean } };
        }
      ).template.spec.hostNetwork,
    ).toBe(true);
  });

  it('follows the profile: openshift leaves runAsUser to the platform', async () => {
    const web = new SecureDeployment('web', {
      pod: { containers: [{ name: 'web', image: 'web:1' }] },
      podguard: { profile: 'openshift' },
    });
    await outputValue(web.deployment.urn);
    const spec = registered('kubernetes:apps/v1:Deployment', 'web').spec as {
      template: { spec: { securityContext: Record<string, unknown> } };
    };
    expect(spec.template.spec.securityContext.runAsUser).toBeUndefined();
    expect(spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('registers the Deployment as a child of the component', async () => {
    const web = new SecureDeployment('web', { pod: { containers: [{ name: 'web', image: 'web:1' }] } });
    const urn = await outputValue(web.deployment.urn);
    expect(urn).toContain('podguard:kubernetes:SecureDeployment$kubernetes:apps/v1:Deployment::web');
  });
});

describe('the other secure workloads', () => {
  it('SecureStatefulSet, SecureDaemonSet, SecureJob and SecureCronJob pass the hardened profile', async () => {
    const pod = { containers: [{ name: 'app', image: 'app:1' }] };
    const set = new SecureStatefulSet('db', { pod, spec: { serviceName: 'db' } });
    const daemon = new SecureDaemonSet('agent', { pod });
    const job = new SecureJob('migrate', { pod, spec: { backoffLimit: 1 } });
    const cron = new SecureCronJob('report', { pod, schedule: '0 * * * *' });
    await Promise.all([
      outputValue(set.statefulSet.urn),
      outputValue(daemon.daemonSet.urn),
      outputValue(job.job.urn),
      outputValue(cron.cronJob.urn),
    ]);
    const objects = [
      registered('kubernetes:apps/v1:StatefulSet', 'db'),
      registered('kubernetes:apps/v1:DaemonSet', 'agent'),
      registered('kubernetes:batch/v1:Job', 'migrate'),
      registered('kubernetes:batch/v1:CronJob', 'report'),
    ];
    for (const object of objects) {
      const result = evaluate(object);
      expect(result.objects[0]?.kind).toBe('pod');
      expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    }
    const jobSpec = objects[2]?.spec as { template: { spec: { restartPolicy: string } } };
    expect(jobSpec.template.spec.restartPolicy).toBe('Never');
  });
});
