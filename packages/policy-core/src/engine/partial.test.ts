import { describe, expect, it } from 'vitest';
import { createEvaluation, evaluate } from './evaluate.js';
import { harden } from './harden.js';
import { isPatchDocument } from './partial.js';

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
