import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import { evaluate } from './evaluate.js';
import { createHardening, harden } from './harden.js';

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
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    });
    expect(remaining).toEqual([]);
    expect(new Set(changes.map((change) => change.rule))).toEqual(
      new Set([
        'allowPrivilegeEscalation',
        'capabilities_restricted',
        'runAsNonRoot',
        'seccompProfile_restricted',
        'runAsUserRange',
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
    expect(object.spec.volumes[0]).toEqual(pod.spec.volumes[0]);
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
    // Replacing a value the author wrote is unsafe: left, with its unsafe fix, by default.
    const safe = harden(pod, { defaultUser: 4242 });
    expect(safe.object.spec.securityContext.runAsUser).toBe(0);
    expect(safe.remaining.find((finding) => finding.rule === 'runAsRoot')?.fix).toMatchObject({
      kind: 'unsafe',
      patch: [{ op: 'replace', path: '/spec/securityContext/runAsUser', value: 4242 }],
    });
    const { object, changes } = harden(pod, { defaultUser: 4242, unsafe: true });
    expect(object.spec.securityContext.runAsUser).toBe(4242);
    expect(changes.some((change) => change.kind === 'unsafe')).toBe(true);
  });

  it('safe fixes never change or remove a value the author wrote', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db', namespace: 'db' },
      spec: {
        automountServiceAccountToken: true,
        securityContext: { runAsUser: 999, runAsGroup: 999 },
        containers: [
          {
            name: 'db',
            image: 'postgres:16',
            securityContext: {
              readOnlyRootFilesystem: false,
              allowPrivilegeEscalation: true,
              capabilities: { add: ['IPC_LOCK'] },
            },
          },
        ],
      },
    };
    const { object, changes, remaining } = harden(pod);
    expect(changes.every((change) => change.kind === 'safe')).toBe(true);
    expect(object.spec.automountServiceAccountToken).toBe(true);
    expect(object.spec.securityContext).toMatchObject({
      runAsUser: 999,
      runAsGroup: 999,
      runAsNonRoot: true,
    });
    expect(object.spec.containers[0]?.securityContext).toMatchObject({
      readOnlyRootFilesystem: false,
      allowPrivilegeEscalation: true,
      capabilities: { add: ['IPC_LOCK'], drop: ['ALL'] },
    });
    for (const finding of remaining) expect(finding.fix?.kind ?? 'none', finding.rule).not.toBe('safe');
    expect(remaining.map((finding) => finding.rule).sort()).toEqual([
      'allowPrivilegeEscalation',
      'automountServiceAccountToken',
      'capabilities_restricted',
      'readOnlyRootFilesystem',
      'runAsGroupPolicy',
      'runAsUserRange',
    ]);
  });

  it('hardens an Argo workflow with templateDefaults: safe fixes in the templates, unsafe ones where the value is written', () => {
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'etl', namespace: 'data' },
      spec: {
        entrypoint: 'run',
        templateDefaults: {
          container: { securityContext: { allowPrivilegeEscalation: true, runAsUser: 1000 } },
        },
        templates: [
          { name: 'run', container: { image: 'registry.example/etl:1' } },
          {
            name: 'load',
            container: { image: 'registry.example/load:1', securityContext: { runAsGroup: 1000 } },
          },
        ],
      },
    };
    const before = structuredClone(workflow);
    const safe = harden(workflow);
    expect(workflow).toEqual(before);
    expect(safe.object.spec.templateDefaults).toEqual(before.spec.templateDefaults);
    expect(safe.remaining.map((finding) => [finding.rule, finding.path, finding.fix?.kind])).toEqual([
      [
        'allowPrivilegeEscalation',
        '/spec/templateDefaults/container/securityContext/allowPrivilegeEscalation',
        'unsafe',
      ],
    ]);
    const all = harden(workflow, { unsafe: true });
    expect(all.remaining).toEqual([]);
    expect(all.object.spec.templateDefaults.container.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(all.object.spec.templates[1]?.container.securityContext).toMatchObject({ runAsGroup: 1000 });
    expect(evaluate(all.object).findings).toEqual([]);
  });

  it('with unsafe: true reaches the fixed point in one call (SYS_ADMIN removed, then escalation off)', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'a', image: 'a:1', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
      },
    };
    const { object, remaining } = harden(pod, { level: 'restricted', unsafe: true });
    expect(object.spec.containers[0]?.securityContext).toEqual({
      capabilities: { add: [], drop: ['ALL'] },
      allowPrivilegeEscalation: false,
    });
    expect(remaining.filter((finding) => finding.status === 'fail')).toEqual([]);
  });

  it('writes the range lower bound when defaultUser/defaultGroup are outside the ranges', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', image: 'a:1' }] },
    };
    const { object, remaining } = harden(pod, { uidRange: { min: 10000 }, gidRange: { min: 20000 } });
    expect(object.spec).toMatchObject({ securityContext: { runAsUser: 10000, runAsGroup: 20000 } });
    expect(remaining).toEqual([]);
  });

  it('rejects explicit defaults that contradict their ranges, naming the option', () => {
    expect(() => harden(deployment(), { uidRange: { min: 10000 }, defaultUser: 1000 })).toThrow(
      /invalid option defaultUser: 1000 is outside uidRange 10000\.\.2147483647/,
    );
    expect(() => harden(deployment(), { defaultUser: 65534 })).toThrow(/defaultUser: 65534 is in denyUids/);
    expect(() => harden(deployment(), { gidRange: { min: 5000, max: 6000 }, defaultGroup: 1000 })).toThrow(
      /invalid option defaultGroup/,
    );
    expect(() => harden(deployment(), { unsafe: 'yes' as unknown as boolean })).toThrow(PodguardInputError);
  });

  it.each([63, 200])('hardens an array and a List of %i insecure Deployments, object by object', (count) => {
    const many = Array.from({ length: count }, (_, index) => {
      const object = deployment();
      object.metadata.name = `web-${index}`;
      return object;
    });
    const one = harden(deployment()).object;
    const fromArray = harden(many);
    expect(fromArray.object).toHaveLength(count);
    expect(fromArray.object[count - 1]).toEqual({
      ...one,
      metadata: { ...one.metadata, name: `web-${count - 1}` },
    });
    expect(fromArray.remaining).toEqual([]);
    const fromList = harden({ apiVersion: 'v1', kind: 'List', items: many });
    expect(fromList.object.items).toEqual(fromArray.object);
  });
});

describe('harden: Lists, facts and pieces', () => {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
  // A pod that fails baseline (host network): the shop Namespace can only enforce privileged.
  const hostPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'agent', namespace: 'shop' },
    spec: { hostNetwork: true, containers: [{ name: 'agent', image: 'agent:1' }] },
  };
  const enforced = (object: unknown) =>
    (object as { metadata: { labels?: Record<string, string> } }).metadata.labels?.[
      'pod-security.kubernetes.io/enforce'
    ];

  it('labels a Namespace for the pods of the whole input, those before it too', () => {
    expect(enforced(harden(namespace).object)).toBe('restricted');
    const after = harden([namespace, hostPod]).object;
    const before = harden([hostPod, namespace]).object;
    expect(enforced(after[0])).toBe('privileged');
    expect(enforced(before[1])).toBe('privileged');
  });

  it('gives each change of a List item the patch at its place in the List, nested Lists too', () => {
    const inner = { apiVersion: 'v1', kind: 'List', items: [namespace, deployment()] };
    const outer = { apiVersion: 'v1', kind: 'List', items: [inner] };
    const { object, changes } = harden(outer);
    expect(object.items[0]?.items[1]).toEqual(harden(deployment()).object);
    expect(object.items[0]?.items[0]).toEqual(harden(namespace).object);
    const alone = harden(deployment()).changes;
    const ofDeployment = changes.filter((change) => change.path.startsWith('/items/0/items/1/'));
    expect(ofDeployment).toEqual(
      alone.map((change) => ({
        ...change,
        path: `/items/0/items/1${change.path}`,
        patch: change.patch.map((op) => ({ ...op, path: `/items/0/items/1${op.path}` })),
      })),
    );
  });

  it('hardens a List item by item, as it does an array: the changes of one item before the next', () => {
    // Each pod takes two rounds: SYS_ADMIN goes, then allowPrivilegeEscalation=false can be set.
    const pod = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        containers: [{ name, image: `${name}:1`, securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
      },
    });
    const options = { level: 'restricted', unsafe: true } as const;
    const fromArray = harden([pod('a'), pod('b')], options).changes;
    const fromList = harden({ apiVersion: 'v1', kind: 'List', items: [pod('a'), pod('b')] }, options).changes;
    const atItem = (index: number, path: string) => `/items/${index}${path}`;
    const rounds = [
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
      'capabilities_restricted',
      'allowPrivilegeEscalation',
    ];
    expect(fromArray.map((change) => [change.objectIndex, change.rule])).toEqual([
      ...rounds.map((rule) => [0, rule]),
      ...rounds.map((rule) => [1, rule]),
    ]);
    expect(fromList).toEqual(
      fromArray.map((change) => ({
        ...change,
        objectIndex: 0,
        path: atItem(change.objectIndex, change.path),
        patch: change.patch.map((op) => ({ ...op, path: atItem(change.objectIndex, op.path) })),
      })),
    );
  });

  it('hardens a stream piece by piece with the facts learned from every piece first', () => {
    const session = createHardening();
    session.learn(namespace);
    session.learn(hostPod);
    const labelled = session.harden(namespace, { firstIndex: 7 });
    expect(enforced(labelled.object)).toBe('privileged');
    expect(labelled.changes.map((change) => [change.rule, change.objectIndex])).toEqual([
      ['namespaceEnforceLabel', 7],
    ]);
    // Without the pod learned, the same Namespace enforces restricted.
    expect(enforced(createHardening().harden(namespace).object)).toBe('restricted');
  });

  it('adds nothing to a partial piece (a patch), which it only judges by what it sets', () => {
    const session = createHardening();
    expect(session.harden(deployment(), { partial: true }).changes).toEqual([]);
    expect(session.harden(deployment()).changes).not.toEqual([]);
    expect(session.harden(deployment(), { partial: false }).changes).toEqual(
      session.harden(deployment()).changes,
    );
  });

  it('counts the ServiceAccounts of the piece itself and of the pieces observed before it', () => {
    const quiet = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'shop' },
      automountServiceAccountToken: false,
    };
    const rules = (changes: { rule: string }[]) => changes.map((change) => change.rule);
    const alone = rules(createHardening().harden(deployment()).changes);
    expect(alone).toContain('automountServiceAccountToken');
    const withoutAutomount = alone.filter((rule) => rule !== 'automountServiceAccountToken');
    expect(rules(createHardening().harden([quiet, deployment()]).changes)).toEqual(withoutAutomount);
    const session = createHardening();
    session.observe(quiet);
    expect(rules(session.harden(deployment()).changes)).toEqual(withoutAutomount);
  });

  it('takes facts from the pieces as written, not from the copies it fixes', () => {
    const account = (automount: boolean) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'shop' },
      automountServiceAccountToken: automount,
    });
    const session = createHardening();
    const [mounting, quiet, web] = [account(true), account(false), deployment()];
    for (const piece of [mounting, quiet, web]) session.learn(piece);
    // The later ServiceAccount of the name wins; hardening the earlier one does not bring it back.
    expect(session.harden(mounting).changes).toEqual([]);
    expect(session.harden(web).object.spec.template.spec).not.toHaveProperty('automountServiceAccountToken');
  });

  it('checks each piece, naming it input', () => {
    const cyclic: Record<string, unknown> = { apiVersion: 'v1', kind: 'Pod' };
    cyclic.self = cyclic;
    expect(() => createHardening().harden(cyclic)).toThrow(/^input has a cycle/);
  });
});
