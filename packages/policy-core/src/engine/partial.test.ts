import { describe, expect, it } from 'vitest';
import type { Finding, JsonPatchOperation } from '../model/types.js';
import { createEvaluation, evaluate } from './evaluate.js';
import { harden } from './harden.js';
import { fillingOperations, isPatchDocument, setsValueAt, topHasDirective } from './partial.js';

/** A strategic-merge patch of a Deployment: sets some container fields, leaves the rest to the base. */
function patch(container: Record<string, unknown>, pod: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'metrics-server', namespace: 'kube-system' },
    spec: { template: { spec: { ...pod, containers: [{ name: 'metrics-server', ...container }] } } },
  };
}

const rulesAndPaths = (result: ReturnType<typeof evaluate>) =>
  result.findings.map((finding) => [finding.rule, finding.path]);

describe('partial objects', () => {
  it('a patch that sets nothing forbidden has no finding (the whole object would have many)', () => {
    const object = patch({ resources: { requests: { cpu: '100m' } } });
    expect(evaluate(object, { profile: 'hardened' }).findings.length).toBeGreaterThan(3);
    const result = evaluate(object, { profile: 'hardened', partial: true });
    expect(result.findings).toEqual([]);
    expect(result.objects).toMatchObject([{ kind: 'pod', partial: true }]);
  });

  it('a forbidden value the patch sets fails with its usual message and location', () => {
    const result = evaluate(
      patch({ securityContext: { privileged: true, allowPrivilegeEscalation: true } }),
      {
        level: 'restricted',
        partial: true,
      },
    );
    expect(rulesAndPaths(result)).toEqual([
      ['privileged', '/spec/template/spec/containers/0/securityContext/privileged'],
      [
        'allowPrivilegeEscalation',
        '/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation',
      ],
    ]);
    expect(result.findings[0]?.message).toBe(
      'privileged (container "metrics-server" must not set securityContext.privileged=true)',
    );
    expect(result.findings[1]?.message).toBe(
      'allowPrivilegeEscalation != false (container "metrics-server" must set securityContext.allowPrivilegeEscalation=false)',
    );
  });

  it('names only the containers whose set values fail, not those that leave the field out', () => {
    const object = patch({ securityContext: { runAsNonRoot: false } });
    const spec = object.spec.template.spec as { containers: Record<string, unknown>[] };
    spec.containers.push({ name: 'sidecar', image: 'sidecar:1' });
    const result = evaluate(object, { level: 'restricted', partial: true });
    expect(rulesAndPaths(result)).toEqual([
      ['runAsNonRoot', '/spec/template/spec/containers/0/securityContext/runAsNonRoot'],
    ]);
    expect(result.findings[0]?.message).toBe(
      'runAsNonRoot != true (container "metrics-server" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('pod-level values and host namespaces the patch sets are judged', () => {
    const result = evaluate(
      patch(
        {},
        {
          hostNetwork: true,
          securityContext: { runAsUser: 0 },
          volumes: [{ name: 'h', hostPath: { path: '/' } }],
        },
      ),
      { level: 'restricted', partial: true },
    );
    expect(rulesAndPaths(result)).toEqual([
      ['hostNamespaces', '/spec/template/spec/hostNetwork'],
      ['restrictedVolumes', '/spec/template/spec/volumes/0/hostPath'],
      ['runAsUser', '/spec/template/spec/securityContext/runAsUser'],
    ]);
  });

  it('a capabilities.drop list the patch sets without ALL fails (a list in a patch replaces the base list)', () => {
    const result = evaluate(patch({ securityContext: { capabilities: { drop: ['NET_RAW'] } } }), {
      level: 'restricted',
      partial: true,
    });
    expect(result.findings.map((finding) => finding.rule)).toEqual(['capabilities_restricted']);
    expect(result.findings[0]?.path).toBe(
      '/spec/template/spec/containers/0/securityContext/capabilities/drop',
    );
  });

  it('harden never adds fields to a patch; asked for unsafe fixes, it may replace a value the patch set', () => {
    const object = patch({ securityContext: { runAsNonRoot: false, procMount: 'Unmasked' } });
    // Replacing what the patch wrote is unsafe: the default (safe) run changes nothing.
    const safe = harden(object, { level: 'restricted', partial: true });
    expect(safe.changes).toEqual([]);
    expect(safe.remaining.map((finding) => finding.rule).sort()).toEqual([
      'procMount_restricted',
      'runAsNonRoot',
    ]);
    const result = harden(object, { level: 'restricted', partial: true, unsafe: true });
    expect(result.changes.flatMap((change) => change.patch.map((operation) => operation.op))).toEqual([
      'replace',
      'replace',
    ]);
    expect(result.object.spec.template.spec.containers[0]).toEqual({
      name: 'metrics-server',
      securityContext: { runAsNonRoot: true, procMount: 'Default' },
    });
    expect(result.remaining).toEqual([]);
    // A privileged container has no fix at all; nothing is added around it either.
    const privileged = harden(patch({ securityContext: { privileged: true } }), {
      level: 'restricted',
      partial: true,
    });
    expect(privileged.changes).toEqual([]);
    expect(privileged.remaining.map((finding) => finding.rule)).toEqual(['privileged']);
  });

  it('a document with a $patch directive is partial without the option', () => {
    const deletion = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'old' },
      $patch: 'delete',
    };
    expect(isPatchDocument(deletion)).toBe(true);
    const result = evaluate(deletion);
    expect(result.findings).toEqual([]);
    expect(result.objects).toMatchObject([{ kind: 'not-applicable' }]);

    const replace = patch({ $patch: 'replace', securityContext: { privileged: true } });
    expect(rulesAndPaths(evaluate(replace, { level: 'baseline' }))).toEqual([
      ['privileged', '/spec/template/spec/containers/0/securityContext/privileged'],
    ]);
    expect(isPatchDocument(patch({ securityContext: { privileged: true } }))).toBe(false);
  });

  it('a session judges one piece as partial and the next as whole', () => {
    const session = createEvaluation({ level: 'restricted' });
    const object = patch({ image: 'metrics-server:1' });
    expect(session.evaluate(object, 0, { partial: true }).findings).toEqual([]);
    expect(session.evaluate(object, 1).findings.length).toBeGreaterThan(0);
  });

  it('a partial object without a pod template (metadata only) is not applicable', () => {
    const result = evaluate(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', labels: { a: 'b' } } },
      { partial: true },
    );
    expect(result).toMatchObject({ findings: [], objects: [{ kind: 'not-applicable' }] });
  });
});

describe('which rules judge a partial object (docs/kinds.md lists them)', () => {
  const deployment = (pod: Record<string, unknown>, container: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'w' },
    spec: { template: { spec: { ...pod, containers: [{ name: 'a', ...container }] } } },
  });
  const sc = (securityContext: Record<string, unknown>) => deployment({}, { securityContext });
  it.each([
    ['hostNamespaces', deployment({ hostPID: true })],
    ['privileged', sc({ privileged: true })],
    ['capabilities_baseline', sc({ capabilities: { add: ['SYS_ADMIN'] } })],
    ['hostPathVolumes', deployment({ volumes: [{ name: 'h', hostPath: { path: '/' } }] })],
    ['hostPorts', deployment({}, { ports: [{ containerPort: 80, hostPort: 80 }] })],
    ['appArmorProfile', sc({ appArmorProfile: { type: 'Unconfined' } })],
    ['seLinuxOptions', deployment({ securityContext: { seLinuxOptions: { type: 'spc_t' } } })],
    ['procMount', sc({ procMount: 'Unmasked' })],
    ['seccompProfile_baseline', sc({ seccompProfile: { type: 'Unconfined' } })],
    ['sysctls', deployment({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } })],
    ['windowsHostProcess', deployment({ securityContext: { windowsOptions: { hostProcess: true } } })],
    ['hostProbesAndHostLifecycle', deployment({}, { livenessProbe: { httpGet: { host: '10.0.0.1' } } })],
    ['restrictedVolumes', deployment({ volumes: [{ name: 'g', gitRepo: { repository: 'r' } }] })],
    ['allowPrivilegeEscalation', sc({ allowPrivilegeEscalation: true })],
    ['runAsNonRoot', sc({ runAsNonRoot: false })],
    ['runAsUser', sc({ runAsUser: 0 })],
    ['seccompProfile_restricted', sc({ seccompProfile: { type: 'Unconfined' } })],
    ['capabilities_restricted', sc({ capabilities: { add: ['NET_RAW'] } })],
    ['runAsRoot', sc({ runAsUser: 0 })],
    ['kubeletRunAsNonRoot', sc({ runAsNonRoot: true, runAsUser: 0 })],
    ['runAsUserRange', deployment({ securityContext: { runAsUser: 5 } })],
    ['runAsGroupPolicy', deployment({ securityContext: { fsGroup: 5 } })],
    ['readOnlyRootFilesystem', sc({ readOnlyRootFilesystem: false })],
    ['automountServiceAccountToken', deployment({ automountServiceAccountToken: true })],
    [
      'namespaceEnforceLabel',
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'n', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
      },
    ],
  ])('%s fails for a value the patch sets', (rule, object) => {
    // Some baseline checks give way to their restricted versions: run both levels.
    const rules = [
      ...evaluate(object, { profile: 'hardened', partial: true }).findings,
      ...evaluate(object, { level: 'baseline', partial: true }).findings,
    ].map((finding) => finding.rule);
    expect(rules).toContain(rule);
  });

  it('a patch that only changes the image is not judged by the image-user rules (the base decides)', () => {
    const object = deployment({}, { image: 'root:1' });
    expect(evaluate(object, { partial: true, imageUsers: { 'root:1': 'root' } }).findings).toEqual([]);
  });
});

describe('what a partial object is judged for', () => {
  it('an item of a List is judged as a patch at its place in the List', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [patch({ securityContext: { privileged: true } })],
    };
    const result = evaluate(list, { level: 'restricted', partial: true });
    expect(rulesAndPaths(result)).toEqual([
      ['privileged', '/items/0/spec/template/spec/containers/0/securityContext/privileged'],
    ]);
    expect(result.findings[0]?.container).toBe('metrics-server');
  });

  it('a finding points at the first value the patch set, on the container that set it', () => {
    // The whole object would also be located at the drop list the patch leaves out.
    const result = evaluate(patch({ securityContext: { capabilities: { add: ['NET_RAW'] } } }), {
      level: 'restricted',
      partial: true,
    });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      rule: 'capabilities_restricted',
      path: '/spec/template/spec/containers/0/securityContext/capabilities/add/0',
      container: 'metrics-server',
      locations: [
        {
          path: '/spec/template/spec/containers/0/securityContext/capabilities/add/0',
          container: 'metrics-server',
        },
      ],
    });
  });

  it('a pod-level finding names no container', () => {
    const result = evaluate(patch({}, { hostNetwork: true }), { level: 'restricted', partial: true });
    expect(rulesAndPaths(result)).toEqual([['hostNamespaces', '/spec/template/spec/hostNetwork']]);
    expect(result.findings[0]).not.toHaveProperty('container');
  });

  it('a fix that would add fields is dropped, even one that also replaces the value the patch set', () => {
    const object = patch({ securityContext: { readOnlyRootFilesystem: false } });
    const whole = evaluate(object, { profile: 'hardened' }).findings.find(
      (finding) => finding.rule === 'readOnlyRootFilesystem',
    );
    // On the whole object the fix replaces the value and mounts an emptyDir at /tmp.
    expect(whole?.fix?.patch.map((operation) => operation.op)).toEqual([
      'replace',
      'add',
      'add',
      'add',
      'add',
    ]);
    const partial = evaluate(object, { profile: 'hardened', partial: true }).findings;
    expect(partial.map((finding) => [finding.rule, finding.fix])).toEqual([
      ['readOnlyRootFilesystem', undefined],
    ]);

    const drop = evaluate(patch({ securityContext: { capabilities: { drop: ['NET_RAW'] } } }), {
      level: 'restricted',
      partial: true,
    }).findings;
    expect(drop.map((finding) => [finding.rule, finding.fix])).toEqual([
      ['capabilities_restricted', undefined],
    ]);
  });

  it('a fix that only replaces the value the patch set stays', () => {
    const result = evaluate(patch({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), {
      level: 'restricted',
      partial: true,
    });
    expect(result.findings.map((finding) => [finding.rule, finding.fix?.patch])).toEqual([
      [
        'seccompProfile_restricted',
        [
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/securityContext/seccompProfile',
            value: { type: 'RuntimeDefault' },
          },
        ],
      ],
    ]);
  });

  it('a field the patch deletes (null, in a strategic-merge patch) is not a value it sets', () => {
    const result = evaluate(patch({ securityContext: null }), { profile: 'hardened', partial: true });
    expect(result.findings).toEqual([]);
  });

  it('values far down a list the patch sets are found (the second and the eleventh volume)', () => {
    const volumes: Record<string, unknown>[] = Array.from({ length: 11 }, (_, index) => ({
      name: `v${index}`,
      emptyDir: {},
    }));
    volumes[1] = { name: 'host', hostPath: { path: '/var/run' } };
    volumes[10] = { name: 'git', gitRepo: { repository: 'https://example.com/r.git' } };
    const result = evaluate(patch({}, { volumes }), { level: 'restricted', partial: true });
    expect(result.findings.map((finding) => finding.locations.map((location) => location.path))).toEqual([
      ['/spec/template/spec/volumes/1/hostPath', '/spec/template/spec/volumes/10/gitRepo'],
    ]);
  });

  it('a list element the patch deletes ($patch: delete) sets nothing: a deleted volume is not a forbidden one', () => {
    const volumes = [
      { name: 'cache', emptyDir: {} },
      { name: 'docker-sock', $patch: 'delete' },
    ];
    const result = evaluate(patch({}, { volumes }), { level: 'restricted' });
    expect(result.objects).toMatchObject([{ kind: 'pod', partial: true }]);
    expect(result.findings).toEqual([]);
    // A forbidden volume the same patch adds still fails.
    const adding = evaluate(patch({}, { volumes: [...volumes, { name: 'host', hostPath: { path: '/' } }] }), {
      level: 'restricted',
    });
    expect(adding.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['restrictedVolumes', '/spec/template/spec/volumes/2/hostPath'],
    ]);
  });

  it('a patch that adds a capability is told about what it set, not about the drop list it left to the base', () => {
    const result = evaluate(patch({ securityContext: { capabilities: { add: ['NET_RAW'] } } }), {
      level: 'restricted',
      partial: true,
    });
    expect(result.findings.map((finding) => [finding.path, finding.message, finding.fix?.kind])).toEqual([
      [
        '/spec/template/spec/containers/0/securityContext/capabilities/add/0',
        'unrestricted capabilities (container "metrics-server" must not include "NET_RAW" in securityContext.capabilities.add)',
        'unsafe',
      ],
    ]);
  });

  it('an input error in a patch is reported even where the patch sets no value', () => {
    const result = evaluate(patch({}, { volumes: [null] }), { level: 'restricted', partial: true });
    expect(
      result.findings.map((finding) => [finding.rule, finding.status, finding.path, finding.message]),
    ).toEqual([
      [
        'invalidInput',
        'error',
        '/spec/template/spec/volumes/0',
        '/spec/template/spec/volumes/0 must not be null',
      ],
    ]);
  });
});

describe('which documents are strategic-merge patches', () => {
  /** `levels` objects (or lists) wrapped around `inner`: `inner` sits at depth `levels`. */
  const nested = (levels: number, inner: unknown, wrap: (value: unknown) => unknown) => {
    let value = inner;
    for (let level = 0; level < levels; level++) value = wrap(value);
    return value;
  };
  const inObject = (value: unknown) => ({ spec: value });
  const inList = (value: unknown) => [value];

  it('a directive anywhere makes a document a patch, in objects and in lists', () => {
    expect(isPatchDocument(patch({ $patch: 'replace' }))).toBe(true);
    expect(
      isPatchDocument(
        patch(
          {},
          {
            volumes: [
              { name: 'a', emptyDir: {} },
              { name: 'b', $patch: 'delete' },
            ],
          },
        ),
      ),
    ).toBe(true);
    expect(isPatchDocument([{ kind: 'Service' }, { kind: 'Deployment', $patch: 'delete' }])).toBe(true);
    expect(isPatchDocument([{ kind: 'Service' }, { kind: 'Deployment' }])).toBe(false);
  });

  it('every strategic-merge directive counts; other keys starting with $ are data', () => {
    for (const key of [
      '$patch',
      '$retainKeys',
      '$setElementOrder/containers',
      '$deleteFromPrimitiveList/args',
    ]) {
      expect(isPatchDocument({ spec: { [key]: [] } })).toBe(true);
    }
    expect(
      isPatchDocument({ $schema: 'https://example.com/s.json', spec: { $ref: '#/definitions/pod' } }),
    ).toBe(false);
  });

  it('values that are not objects carry no directive', () => {
    expect(isPatchDocument(null)).toBe(false);
    expect(isPatchDocument('$patch')).toBe(false);
    expect(isPatchDocument(['$patch', 1, null])).toBe(false);
  });

  it('only own keys are directives: one inherited from a prototype is not', () => {
    const inherited = Object.create({ $patch: 'delete' }) as Record<string, unknown>;
    inherited.kind = 'Deployment';
    expect(isPatchDocument(inherited)).toBe(false);
    expect(topHasDirective(inherited)).toBe(false);
    expect(topHasDirective({ kind: 'Deployment', $patch: 'delete' })).toBe(true);
  });

  it('searches 64 levels deep and no deeper, in objects and in lists', () => {
    const directive = { $patch: 'delete' };
    expect(isPatchDocument(nested(64, directive, inObject))).toBe(true);
    expect(isPatchDocument(nested(65, directive, inObject))).toBe(false);
    expect(isPatchDocument(nested(64, directive, inList))).toBe(true);
    expect(isPatchDocument(nested(65, directive, inList))).toBe(false);
  });

  it('a cyclic object is searched to that depth, not forever', () => {
    const cyclic: Record<string, unknown> = { kind: 'Deployment' };
    cyclic.spec = cyclic;
    expect(isPatchDocument(cyclic)).toBe(false);
  });

  const image = { image: 'metrics-server:1' };
  const whole = patch(image);
  it.each([
    ['the object itself', { ...whole, $patch: 'replace' }],
    ['its metadata', { ...whole, metadata: { ...whole.metadata, $patch: 'replace' } }],
    ['its spec', { ...whole, spec: { ...whole.spec, $retainKeys: ['template'] } }],
    [
      'the pod template metadata',
      { ...whole, spec: { template: { metadata: { $patch: 'replace' }, spec: whole.spec.template.spec } } },
    ],
    ['the pod spec', patch(image, { '$setElementOrder/containers': [{ name: 'metrics-server' }] })],
    ['the pod securityContext', patch(image, { securityContext: { $patch: 'replace', fsGroup: 2000 } })],
    [
      'a volume (not the first)',
      patch(image, {
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'old', $patch: 'delete' },
        ],
      }),
    ],
    ['a container', patch({ ...image, $patch: 'replace' })],
    [
      'a container securityContext',
      patch({ ...image, securityContext: { $retainKeys: ['runAsUser'], runAsUser: 1000 } }),
    ],
  ])('a directive in %s makes a whole-object run judge the object as a patch', (_, object) => {
    const result = evaluate(object, { level: 'restricted' });
    expect(result.objects).toMatchObject([{ kind: 'pod', partial: true }]);
    expect(result.findings.map((finding) => finding.rule)).not.toContain('runAsNonRoot');
  });
});

describe('setsValueAt: whether a location is a value the patch sets', () => {
  const pod = {
    spec: {
      securityContext: { runAsUser: 0, seccompProfile: { type: 'Unconfined' } },
      containers: [{ name: 'a' }, { name: 'b', securityContext: null }],
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      x509: { issuer: { cn: 'ca' } },
      '2fa': { mode: 'totp' },
    },
  };

  it('a scalar, a list, or an object under a field that is not a holder is a set value', () => {
    expect(setsValueAt(pod, '/spec/securityContext/runAsUser')).toBe(true);
    expect(setsValueAt(pod, '/spec/containers')).toBe(true);
    expect(setsValueAt(pod, '/spec/volumes/0/hostPath')).toBe(true);
    // Fields whose names merely contain digits are not list items.
    expect(setsValueAt(pod, '/spec/x509')).toBe(true);
    expect(setsValueAt(pod, '/spec/2fa')).toBe(true);
  });

  it('an object that holds fields (the object itself, a securityContext, a list item) is not', () => {
    expect(setsValueAt(pod, '')).toBe(false);
    expect(setsValueAt(pod, '/spec')).toBe(false);
    expect(setsValueAt(pod, '/spec/securityContext')).toBe(false);
    expect(setsValueAt(pod, '/spec/securityContext/seccompProfile')).toBe(false);
    expect(setsValueAt(pod, '/spec/containers/0')).toBe(false);
    expect(setsValueAt(pod, '/spec/containers/1')).toBe(false);
  });

  it('a place that is missing, null, or past the end of a list is not', () => {
    expect(setsValueAt(pod, '/spec/hostNetwork')).toBe(false);
    expect(setsValueAt(pod, '/spec/containers/1/securityContext')).toBe(false);
    expect(setsValueAt(pod, '/spec/containers/2')).toBe(false);
    expect(setsValueAt(pod, '/spec/containers/0/securityContext/privileged')).toBe(false);
  });

  it('nothing inside an element the patch deletes: what it holds names what goes', () => {
    const deleting = {
      spec: {
        containers: [
          { name: 'sidecar', $patch: 'delete', securityContext: { privileged: true } },
          { name: 'app', $patch: 'replace', securityContext: { privileged: true } },
        ],
      },
    };
    expect(setsValueAt(deleting, '/spec/containers/0/securityContext/privileged')).toBe(false);
    expect(setsValueAt(deleting, '/spec/containers/0/name')).toBe(false);
    expect(setsValueAt(deleting, '/spec/containers/1/securityContext/privileged')).toBe(true);
  });

  it('list indexes are read as RFC 6901 writes them: from 0 up, without leading zeros', () => {
    const lists = { args: Array.from({ length: 12 }, (_, index) => `--flag-${index}`) };
    expect(setsValueAt(lists, '/args/0')).toBe(true);
    expect(setsValueAt(lists, '/args/1')).toBe(true);
    expect(setsValueAt(lists, '/args/11')).toBe(true);
    expect(setsValueAt(lists, '/args/01')).toBe(false);
    expect(setsValueAt(lists, '/args/1x')).toBe(false);
  });
});

describe('fillingOperations: what completes a patch before it is judged', () => {
  const finding = (patch: JsonPatchOperation[], status: Finding['status'] = 'fail'): Finding => ({
    rule: 'r',
    status,
    level: 'restricted',
    severity: 'error',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
    objectIndex: 0,
    path: '/items/2/spec',
    locations: [{ path: '/items/2/spec' }],
    reason: 'r',
    detail: '',
    message: 'r',
    messageId: 'r',
    controls: [],
    fix: { kind: 'safe', description: 'd', patch },
  });
  const pod = { spec: { securityContext: { runAsUser: 5 }, containers: [{ name: 'a' }] } };
  const add = (path: string, value: unknown): JsonPatchOperation => ({ op: 'add', path, value });

  it("fills members missing from objects the patch has, at the paths of the findings' item", () => {
    const operations = fillingOperations(
      pod,
      [
        finding([
          add('/items/2/spec/securityContext/runAsNonRoot', true),
          add('/items/2/spec/hostIPC', false),
        ]),
      ],
      '/items/2',
    );
    expect(operations).toEqual([
      add('/spec/securityContext/runAsNonRoot', true),
      add('/spec/hostIPC', false),
    ]);
    expect(fillingOperations({}, [finding([add('/automountServiceAccountToken', false)])], '')).toEqual([
      add('/automountServiceAccountToken', false),
    ]);
  });

  it('never replaces a value, adds into a list or an object the patch lacks, or touches another item', () => {
    const operations = fillingOperations(
      pod,
      [
        finding([
          add('/items/2/spec/securityContext/runAsUser', 1000),
          { op: 'replace', path: '/items/2/spec/hostNetwork', value: false },
          add('/items/2/spec/containers/-', { name: 'b' }),
          add('/items/2/spec/containers/0/securityContext/privileged', false),
          add('/items/2', {}),
          add('/items/1/spec/hostPID', false),
        ]),
      ],
      '/items/2',
    );
    expect(operations).toEqual([]);
  });

  it("fills an array a safe fix creates with that fix's items; leaves an unsafe fix's array empty", () => {
    const container = '/spec/containers/0';
    const drop = finding([
      add(`${container}/securityContext`, {}),
      add(`${container}/securityContext/capabilities`, {}),
      add(`${container}/securityContext/capabilities/drop`, []),
      add(`${container}/securityContext/capabilities/drop/-`, 'ALL'),
    ]);
    expect(fillingOperations(pod, [drop], '')).toEqual([add(`${container}/securityContext`, {})]);
    const withCapabilities = { spec: { containers: [{ name: 'a', securityContext: { capabilities: {} } }] } };
    expect(fillingOperations(withCapabilities, [drop], '')).toEqual([
      add(`${container}/securityContext/capabilities/drop`, []),
      add(`${container}/securityContext/capabilities/drop/-`, 'ALL'),
    ]);
    const unsafe: Finding = {
      ...drop,
      fix: { ...(drop.fix as NonNullable<Finding['fix']>), kind: 'unsafe' },
    };
    expect(fillingOperations(withCapabilities, [unsafe], '')).toEqual([
      add(`${container}/securityContext/capabilities/drop`, []),
    ]);
  });

  it("fills a member once, with the first finding's value", () => {
    const operations = fillingOperations(
      pod,
      [
        finding([add('/spec/securityContext/runAsGroup', 1000)]),
        finding([add('/spec/securityContext/runAsGroup', 3000)]),
      ],
      '',
    );
    expect(operations).toEqual([add('/spec/securityContext/runAsGroup', 1000)]);
  });

  it('only failing findings with a fix ask for fields', () => {
    const { fix: _, ...unfixable } = finding([]);
    const operations = fillingOperations(
      pod,
      [
        unfixable,
        finding([add('/spec/hostPID', false)], 'suppressed'),
        finding([add('/spec/hostIPC', false)], 'error'),
      ],
      '',
    );
    expect(operations).toEqual([]);
  });
});
