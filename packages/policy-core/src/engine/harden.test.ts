import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import { evaluate } from './evaluate.js';
import { harden } from './harden.js';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'registry.example/web:1.0',
            securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } },
          },
        ],
      },
    },
  },
});

describe('harden', () => {
  it('applies every default of the hardened profile and leaves the input untouched', () => {
    const input = deployment();
    const before = structuredClone(input);
    const { object, changes, remaining } = harden(input);
    expect(input).toEqual(before);
    expect(object.spec.template.spec).toEqual({
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
          image: 'registry.example/web:1.0',
          securityContext: {
            capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
          },
        },
      ],
    });
    expect(remaining).toEqual([]);
    expect(new Set(changes.map((change) => change.rule))).toEqual(
      new Set([
        'allowPrivilegeEscalation',
        'capabilities_restricted',
        'runAsNonRoot',
        'seccompProfile_restricted',
        'kubeletRunAsNonRoot',
        'runAsGroupPolicy',
        'readOnlyRootFilesystem',
        'automountServiceAccountToken',
      ]),
    );
    for (const change of changes) {
      expect(change.patch.length).toBeGreaterThan(0);
      expect(change.description).toMatch(/\S/);
      expect(change.path.startsWith('/spec/template/spec')).toBe(true);
    }
    expect(evaluate(object).allowed).toBe(true);
  });

  it('is idempotent', () => {
    const once = harden(deployment()).object;
    const twice = harden(once);
    expect(twice.object).toEqual(once);
    expect(twice.changes).toEqual([]);
  });

  it('returns an object that shares nothing with the input or the reported patches', () => {
    const input = deployment();
    const result = harden(input);
    result.object.spec.template.spec.containers[0]!.name = 'changed';
    expect(input.spec.template.spec.containers[0]!.name).toBe('web');
    const patchValues = JSON.stringify(result.changes);
    const spec: Record<string, unknown> = result.object.spec.template.spec;
    (spec.securityContext as Record<string, unknown>).runAsUser = 7;
    expect(JSON.stringify(result.changes)).toBe(patchValues);
  });

  it('never adds Linux-only fields to Windows pods, and runs them as ContainerUser', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'win' },
      spec: { os: { name: 'windows' }, containers: [{ name: 'iis', image: 'mcr.microsoft.com/iis' }] },
    };
    const { object } = harden(pod);
    expect(object.spec).toEqual({
      os: { name: 'windows' },
      automountServiceAccountToken: false,
      // runAsNonRoot alone would stop an image that runs as ContainerAdministrator from starting.
      securityContext: { runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } },
      containers: [{ name: 'iis', image: 'mcr.microsoft.com/iis' }],
    });
  });

  it('openshift: leaves runAsUser to the platform and uses gid 0 only where asked', () => {
    const { object } = harden(deployment(), { profile: 'openshift' });
    const securityContext = object.spec.template.spec as { securityContext?: Record<string, unknown> };
    expect(securityContext.securityContext?.runAsUser).toBeUndefined();
    expect(securityContext.securityContext?.runAsNonRoot).toBe(true);
  });

  it('reports non-mechanical failures instead of changing them', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'node-agent' },
      spec: {
        hostNetwork: true,
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
        containers: [{ name: 'agent', image: 'agent:1' }],
      },
    };
    const { object, remaining } = harden(pod);
    expect(object.spec.hostNetwork).toBe(true);
    expect(object.spec.volumes).toEqual(pod.spec.volumes);
    // restrictedVolumes replaces hostPathVolumes in the restricted level, as upstream.
    expect(remaining.map((finding) => finding.rule).sort()).toEqual(['hostNamespaces', 'restrictedVolumes']);
    expect(remaining.every((finding) => finding.fix === undefined)).toBe(true);
  });

  it('does not touch what a suppression covers', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'writer' },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    };
    const { object, remaining } = harden(pod, {
      suppressions: [{ rule: 'readOnlyRootFilesystem', reason: 'writes its cache to /var/cache by design' }],
    });
    expect(object.spec.containers[0]).not.toHaveProperty('securityContext.readOnlyRootFilesystem');
    expect(remaining).toEqual([]);
  });

  it('hardens every item of a List and a Namespace', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, deployment()],
    };
    const { object, changes } = harden(list);
    expect(object.items[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(object.items[1]).toEqual(harden(deployment()).object);
    expect(changes.some((change) => change.path.startsWith('/items/1/spec/template/spec'))).toBe(true);
  });

  it('hardens an array of objects, each change naming its object', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const { object, changes } = harden([namespace, deployment()]);
    expect(object).toEqual([harden(namespace).object, harden(deployment()).object]);
    expect(changes.filter((change) => change.objectIndex === 0).map((change) => change.rule)).toEqual([
      'namespaceEnforceLabel',
    ]);
    expect(changes.filter((change) => change.objectIndex === 1)).toEqual(
      harden(deployment()).changes.map((change) => ({ ...change, objectIndex: 1 })),
    );
  });

  it('leaves objects without a pod spec alone', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [] } };
    expect(harden(service)).toEqual({ object: service, changes: [], remaining: [] });
  });

  it('rejects invalid options like evaluate', () => {
    expect(() => harden(deployment(), { uidRange: { min: -1 } })).toThrow(PodguardInputError);
  });

  it('replaces a root runAsUser with the default user', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { securityContext: { runAsUser: 0 }, containers: [{ name: 'a', image: 'a' }] },
    };
    const { object } = harden(pod, { defaultUser: 4242 });
    expect(object.spec.securityContext.runAsUser).toBe(4242);
  });
});
