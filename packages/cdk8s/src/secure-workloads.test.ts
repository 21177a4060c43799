import { evaluate } from '@podguard/policy-core';
import { ApiObject, type Chart, Cron, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import {
  addRawJsonPatch,
  SecureCronJob,
  SecureDaemonSet,
  SecureDeployment,
  SecureJob,
  SecurePod,
  type SecurePodOptions,
  SecureStatefulSet,
} from './index.js';
import './vitest.js';

/** cdk8s types synthesized manifests loosely; tests navigate them freely. */
type Json = ReturnType<typeof Testing.synth>[number];

const image = 'registry.example.com/app:1.2.3';

/** Each construct with the minimal props its kplus twin needs, and where its pod spec sits. */
const constructs: {
  name: string;
  specPath: string[];
  make: (
    chart: Chart,
    options?: SecurePodOptions & { containers?: kplus.ContainerProps[] },
  ) => kplus.AbstractPod;
}[] = [
  {
    name: 'SecureDeployment',
    specPath: ['spec', 'template', 'spec'],
    make: (chart, options) =>
      new SecureDeployment(chart, 'w', { containers: [{ image, portNumber: 8080 }], ...options }),
  },
  {
    name: 'SecureStatefulSet',
    specPath: ['spec', 'template', 'spec'],
    make: (chart, options) =>
      new SecureStatefulSet(chart, 'w', { containers: [{ image, portNumber: 5432 }], ...options }),
  },
  {
    name: 'SecureDaemonSet',
    specPath: ['spec', 'template', 'spec'],
    make: (chart, options) => new SecureDaemonSet(chart, 'w', { containers: [{ image }], ...options }),
  },
  {
    name: 'SecureJob',
    specPath: ['spec', 'template', 'spec'],
    make: (chart, options) => new SecureJob(chart, 'w', { containers: [{ image }], ...options }),
  },
  {
    name: 'SecureCronJob',
    specPath: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    make: (chart, options) =>
      new SecureCronJob(chart, 'w', { schedule: Cron.daily(), containers: [{ image }], ...options }),
  },
  {
    name: 'SecurePod',
    specPath: ['spec'],
    make: (chart, options) => new SecurePod(chart, 'w', { containers: [{ image }], ...options }),
  },
];

function workloadOf(manifests: Json[]): Json {
  const found = manifests.find((m) => m.kind !== 'Service');
  if (!found) throw new Error('no workload synthesized');
  return found;
}

function podSpecOf(manifest: Json, path: string[]): Json {
  return path.reduce((node: Json, key) => node[key], manifest);
}

describe.each(constructs)('$name', ({ make, specPath }) => {
  it('passes hardened and restricted with no extra lines', () => {
    const chart = Testing.chart();
    make(chart);
    const manifests = Testing.synth(chart);
    expect(manifests).toPassPodSecurity('hardened');
    expect(manifests).toPassPodSecurity('restricted');
    expect(evaluate(manifests, { profile: 'hardened' }).findings).toEqual([]);
  });

  it('writes a numeric user and group, RuntimeDefault seccomp, drop ALL, a writable /tmp, no token', () => {
    const chart = Testing.chart();
    make(chart);
    const spec = podSpecOf(workloadOf(Testing.synth(chart)), specPath);
    expect(spec.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
    const [container] = spec.containers;
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    });
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  it('follows the openshift profile: no runAsUser, gid 0', () => {
    const chart = Testing.chart();
    make(chart, { profile: 'openshift' });
    const manifests = Testing.synth(chart);
    const spec = podSpecOf(workloadOf(manifests), specPath);
    expect(spec.securityContext.runAsUser).toBeUndefined();
    expect(spec.securityContext.runAsGroup).toBe(0);
    expect(manifests).toPassPodSecurity('openshift');
    expect(manifests).toPassPodSecurity('restricted');
    expect(manifests).not.toPassPodSecurity('hardened');
  });

  it('lets props override the defaults', () => {
    const chart = Testing.chart();
    make(chart, {
      user: 2000,
      group: 3000,
      seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' },
      tmpVolume: false,
    });
    const spec = podSpecOf(workloadOf(Testing.synth(chart)), specPath);
    expect(spec.securityContext).toMatchObject({
      runAsUser: 2000,
      runAsGroup: 3000,
      seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' },
    });
    expect(spec.volumes).toBeUndefined();
    expect(spec.containers[0].volumeMounts).toBeUndefined();
  });
});

describe('secure defaults in detail', () => {
  it('names the profiles it knows when given another (from untyped code)', () => {
    const profile = JSON.parse('"opneshift"');
    expect(() => new SecureDeployment(Testing.chart(), 'web', { profile, containers: [{ image }] })).toThrow(
      'podguard: unknown profile "opneshift" (expected one of baseline, restricted, hardened, hardened:v1, openshift, openshift:v1)',
    );
  });

  it('prefers securityContext.user/group over user/group', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', {
      user: 2000,
      securityContext: { user: 4000, group: 4000 },
      containers: [{ image }],
    });
    const spec = Testing.synth(chart)[0].spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsUser: 4000, runAsGroup: 4000 });
  });

  it('emits PSA capability names: addCapability and kplus CAP_ values alike', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', {
      containers: [
        { name: 'web', image, portNumber: 80 },
        {
          name: 'sidecar',
          image,
          securityContext: { capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] } },
        },
      ],
    });
    web.addCapability('NET_BIND_SERVICE', { container: 'web' });
    const manifests = Testing.synth(chart);
    const [first, second] = manifests[0].spec.template.spec.containers;
    expect(first.securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(second.securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(manifests).toPassPodSecurity('restricted');
  });

  it('lets restricted reject a capability it does not admit', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', { containers: [{ name: 'web', image }] }).addCapability('SYS_ADMIN');
    expect(chart).toViolate('capabilities_restricted', { container: 'web', profile: 'restricted' });
  });

  it('fails synthesis clearly when addCapability names a missing container', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', { containers: [{ image }] }).addCapability('NET_BIND_SERVICE', {
      container: 'nope',
    });
    expect(() => Testing.synth(chart)).toThrow(/addCapability\(\) names container "nope"/);
  });

  it('secures containers added after construction, sharing one /tmp volume', () => {
    const chart = Testing.chart();
    const job = new SecureJob(chart, 'migrate', { containers: [{ image }] });
    job.addContainer({ name: 'second', image });
    job.addInitContainer({ name: 'wait', image });
    const manifests = Testing.synth(chart);
    const spec = manifests[0].spec.template.spec;
    expect(spec.initContainers[0].volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(spec.containers[1].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(spec.volumes).toHaveLength(1);
    expect(manifests).toPassPodSecurity('hardened');
  });

  it('mounts no /tmp where the root filesystem is writable or /tmp is already mounted', () => {
    const chart = Testing.chart();
    const cache = kplus.Volume.fromEmptyDir(chart, 'cache', 'cache', { sizeLimit: Size.mebibytes(64) });
    new SecureDeployment(chart, 'web', {
      containers: [
        { name: 'writable', image, securityContext: { readOnlyRootFilesystem: false } },
        { name: 'own', image, volumeMounts: [{ path: '/tmp', volume: cache }] },
      ],
    });
    const manifests = Testing.synth(chart);
    const [writable, own] = manifests[0].spec.template.spec.containers;
    expect(writable.volumeMounts).toBeUndefined();
    expect(own.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'cache' }]);
    expect(manifests).toViolate('readOnlyRootFilesystem', { container: 'writable' });
  });

  it('can leave capabilities alone with dropAllCapabilities: false', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', { containers: [{ name: 'web', image }], dropAllCapabilities: false });
    const container = Testing.synth(chart)[0].spec.template.spec.containers[0];
    expect(container.securityContext.capabilities).toBeUndefined();
    expect(chart).toViolate('capabilities_restricted', { container: 'web' });
  });

  it('keeps kplus escape hatches working', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', { containers: [{ image }] });
    ApiObject.of(web).addJsonPatch(
      JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 5000),
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', {
        type: 'Localhost',
        localhostProfile: 'x.json',
      }),
    );
    const spec = Testing.synth(chart)[0].spec.template.spec;
    expect(spec.securityContext.runAsUser).toBe(5000);
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'x.json' });
  });

  it('writes fields the kplus 1.27 schema drops with addRawJsonPatch', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', { containers: [{ image }] });
    const appArmor = JsonPatch.add('/spec/template/spec/containers/0/securityContext/appArmorProfile', {
      type: 'RuntimeDefault',
    });
    ApiObject.of(web).addJsonPatch(appArmor);
    // cdk8s-plus-27 filters its output through the 1.27 schema after applying patches.
    expect(
      Testing.synth(chart)[0].spec.template.spec.containers[0].securityContext.appArmorProfile,
    ).toBeUndefined();
    addRawJsonPatch(web, appArmor);
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec.template.spec.containers[0].securityContext.appArmorProfile).toEqual({
      type: 'RuntimeDefault',
    });
    expect(manifests).toPassPodSecurity('hardened');
  });

  it('still lets a deliberately insecure prop through, for validation to catch', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', {
      containers: [{ name: 'root', image, securityContext: { ensureNonRoot: false, user: 0 } }],
    });
    expect(chart).toViolate('runAsRoot', { container: 'root' });
    expect(chart).toViolate('runAsUser', { container: 'root', profile: 'restricted' });
  });
});
