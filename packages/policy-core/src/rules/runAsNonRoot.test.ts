import { describe, expect, it } from 'vitest';
import { RuleTester, runRule } from '../testing/index.js';
import { runAsNonRoot } from './runAsNonRoot.js';

const explicitContainers = {
  securityContext: { runAsNonRoot: true },
  containers: [
    { name: 'a' },
    { name: 'b', securityContext: {} },
    { name: 'c', securityContext: { runAsNonRoot: false } },
    { name: 'd', securityContext: { runAsNonRoot: false } },
    { name: 'e', securityContext: { runAsNonRoot: true } },
    { name: 'f', securityContext: { runAsNonRoot: true } },
  ],
};
const userNamespacePod = {
  hostUsers: false,
  containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }],
};

new RuleTester({ describe, it }).run(runAsNonRoot, {
  valid: [
    { name: 'pod-level true', pod: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }] } },
    {
      name: 'every container true',
      pod: {
        initContainers: [{ name: 'i', securityContext: { runAsNonRoot: true } }],
        containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }],
      },
    },
    { name: 'upstream: host users false allowed', pod: { hostUsers: false } },
    { name: 'hostUsers false relaxes from v1.35', pod: userNamespacePod, version: 'v1.35' },
  ],
  invalid: [
    {
      name: 'upstream: no explicit runAsNonRoot',
      pod: { containers: [{ name: 'a' }] },
      reason: 'runAsNonRoot != true',
      detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
      locations: [{ path: '/spec/containers/0', container: 'a' }],
      fix: {
        kind: 'safe',
        description: 'Set securityContext.runAsNonRoot=true on the pod.',
        patch: [
          {
            op: 'add',
            path: '/spec/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/securityContext/runAsNonRoot',
            value: true,
          },
        ],
      },
    },
    {
      name: 'a container written to run as root: adding runAsNonRoot would stop it, so the fix is unsafe',
      pod: {
        containers: [{ name: 'kaniko', securityContext: { runAsUser: 0 } }, { name: 'web' }],
      },
      reason: 'runAsNonRoot != true',
      detail: 'pod or containers "kaniko", "web" must set securityContext.runAsNonRoot=true',
      locations: [
        { path: '/spec/containers/0/securityContext', container: 'kaniko' },
        { path: '/spec/containers/1', container: 'web' },
      ],
      fix: {
        kind: 'unsafe',
        description:
          'Set securityContext.runAsNonRoot=true on the pod (container "kaniko" set runAsUser=0 and would no longer start).',
        patch: [
          { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
          { op: 'add', path: '/spec/securityContext/runAsNonRoot', value: true },
        ],
      },
    },
    {
      name: 'the pod written to run as root: the same',
      pod: { securityContext: { runAsUser: 0 }, containers: [{ name: 'a' }] },
      reason: 'runAsNonRoot != true',
      detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
      locations: [{ path: '/spec/containers/0', container: 'a' }],
      fix: {
        kind: 'unsafe',
        description:
          'Set securityContext.runAsNonRoot=true on the pod (container "a" set runAsUser=0 and would no longer start).',
        patch: [{ op: 'add', path: '/spec/securityContext/runAsNonRoot', value: true }],
      },
    },
    {
      name: 'upstream: pod runAsNonRoot=false',
      pod: { securityContext: { runAsNonRoot: false }, containers: [{ name: 'a' }] },
      reason: 'runAsNonRoot != true',
      detail: 'pod must not set securityContext.runAsNonRoot=false',
      locations: [{ path: '/spec/securityContext/runAsNonRoot' }],
      fix: {
        kind: 'unsafe',
        description: 'Replace securityContext.runAsNonRoot=false with true.',
        patch: [
          {
            op: 'replace',
            path: '/spec/securityContext/runAsNonRoot',
            value: true,
          },
        ],
      },
    },
    {
      name: 'pod runAsNonRoot=false beside containers that set true',
      pod: {
        securityContext: { runAsNonRoot: false },
        containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }],
      },
      reason: 'runAsNonRoot != true',
      detail: 'pod must not set securityContext.runAsNonRoot=false',
      locations: [{ path: '/spec/securityContext/runAsNonRoot' }],
      fix: {
        kind: 'unsafe',
        description: 'Replace securityContext.runAsNonRoot=false with true.',
        patch: [{ op: 'replace', path: '/spec/securityContext/runAsNonRoot', value: true }],
      },
    },
    {
      name: 'upstream: containers runAsNonRoot=false',
      pod: explicitContainers,
      reason: 'runAsNonRoot != true',
      detail: 'containers "c", "d" must not set securityContext.runAsNonRoot=false',
      locations: [
        { path: '/spec/containers/2/securityContext/runAsNonRoot', container: 'c' },
        { path: '/spec/containers/3/securityContext/runAsNonRoot', container: 'd' },
      ],
      fix: {
        kind: 'unsafe',
        description: 'Replace securityContext.runAsNonRoot=false with true.',
        patch: [
          {
            op: 'replace',
            path: '/spec/containers/2/securityContext/runAsNonRoot',
            value: true,
          },
          {
            op: 'replace',
            path: '/spec/containers/3/securityContext/runAsNonRoot',
            value: true,
          },
        ],
      },
    },
    {
      name: 'upstream: pod nil, container fallthrough',
      pod: {
        securityContext: { fsGroup: 2000 },
        containers: [
          { name: 'a' },
          { name: 'b', securityContext: {} },
          { name: 'd', securityContext: { runAsNonRoot: true } },
          { name: 'e', securityContext: { runAsNonRoot: true } },
        ],
      },
      reason: 'runAsNonRoot != true',
      detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
      locations: [
        { path: '/spec/containers/0', container: 'a' },
        { path: '/spec/containers/1/securityContext', container: 'b' },
      ],
      fix: {
        kind: 'safe',
        description: 'Set securityContext.runAsNonRoot=true on the pod.',
        patch: [
          {
            op: 'add',
            path: '/spec/securityContext/runAsNonRoot',
            value: true,
          },
        ],
      },
    },
    {
      name: 'pod and containers false: the explicit setters are reported',
      pod: {
        securityContext: { runAsNonRoot: false },
        containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: false } }],
      },
      reason: 'runAsNonRoot != true',
      detail: 'pod and container "b" must not set securityContext.runAsNonRoot=false',
    },
    {
      name: 'hostUsers false is not relaxed before v1.35',
      pod: userNamespacePod,
      version: 'v1.34',
      reason: 'runAsNonRoot != true',
      detail: 'container "a" must not set securityContext.runAsNonRoot=false',
    },
    {
      name: 'a CronJob: pointers into the job template',
      pod: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly' },
        spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job' }] } } } } },
      },
      reason: 'runAsNonRoot != true',
      detail: 'pod or container "job" must set securityContext.runAsNonRoot=true',
      locations: ['/spec/jobTemplate/spec/template/spec/containers/0'],
      fix: {
        kind: 'safe',
        description: 'Set securityContext.runAsNonRoot=true on the pod.',
        patch: [
          {
            op: 'add',
            path: '/spec/jobTemplate/spec/template/spec/securityContext',
            value: {},
            ifMissing: true,
          },
          {
            op: 'add',
            path: '/spec/jobTemplate/spec/template/spec/securityContext/runAsNonRoot',
            value: true,
          },
        ],
      },
    },
  ],
});

describe('runAsNonRoot: which fix, and why not a safe one (unfixable)', () => {
  const verdict = (pod: unknown) => {
    const result = runRule(runAsNonRoot, pod);
    if (result.allowed) throw new Error('expected a finding');
    return {
      fix: result.fix && {
        kind: result.fix.kind,
        description: result.fix.description,
        paths: result.fix.patch.map((op) => op.path),
      },
      unfixable: result.unfixable,
    };
  };
  const ROOT = 'container "r" set runAsUser=0 and would no longer start';

  it('nothing set anywhere: the safe fix, nothing unfixable', () => {
    expect(verdict({ containers: [{ name: 'a' }] })).toEqual({
      fix: {
        kind: 'safe',
        description: 'Set securityContext.runAsNonRoot=true on the pod.',
        paths: ['/spec/securityContext', '/spec/securityContext/runAsNonRoot'],
      },
      unfixable: undefined,
    });
  });

  it('a container written to run as root: only the unsafe fix, which says why', () => {
    expect(
      verdict({ containers: [{ name: 'a' }, { name: 'r', securityContext: { runAsUser: 0 } }] }),
    ).toEqual({
      fix: {
        kind: 'unsafe',
        description: `Set securityContext.runAsNonRoot=true on the pod (${ROOT}).`,
        paths: ['/spec/securityContext', '/spec/securityContext/runAsNonRoot'],
      },
      unfixable: `a safe fix would stop what runs as root on purpose: ${ROOT}`,
    });
  });

  it('an explicit false beside a container written to run as root: unsafe, and why not safe', () => {
    expect(
      verdict({
        containers: [
          { name: 'a', securityContext: { runAsNonRoot: false } },
          { name: 'r', securityContext: { runAsUser: 0 } },
        ],
      }),
    ).toEqual({
      fix: {
        kind: 'unsafe',
        description: `Set securityContext.runAsNonRoot=true on the pod (${ROOT}).`,
        paths: [
          '/spec/securityContext',
          '/spec/securityContext/runAsNonRoot',
          '/spec/containers/0/securityContext/runAsNonRoot',
        ],
      },
      unfixable: `a safe fix would stop what runs as root on purpose: ${ROOT}`,
    });
  });

  it('an explicit false on a container beside unset ones: the safe fix, and why it is not all', () => {
    expect(
      verdict({ containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b' }] }),
    ).toEqual({
      fix: {
        kind: 'safe',
        description: 'Set securityContext.runAsNonRoot=true on the pod.',
        paths: ['/spec/securityContext', '/spec/securityContext/runAsNonRoot'],
      },
      unfixable: 'replacing an explicit runAsNonRoot=false with true is an unsafe fix',
    });
  });

  it('a privileged node agent that names no user runs as root on purpose: only the unsafe fix', () => {
    // A storage node agent: a privileged manager and an unprivileged sidecar, no user set.
    const PRIVILEGED = 'privileged container "manager" would run without root\'s capabilities';
    expect(
      verdict({
        containers: [{ name: 'manager', securityContext: { privileged: true } }, { name: 'pre-pull' }],
      }),
    ).toEqual({
      fix: {
        kind: 'unsafe',
        description: `Set securityContext.runAsNonRoot=true on the pod (${PRIVILEGED}).`,
        paths: ['/spec/securityContext', '/spec/securityContext/runAsNonRoot'],
      },
      unfixable: `a safe fix would stop what runs as root on purpose: ${PRIVILEGED}`,
    });
  });

  it('a CNI daemon adding NET_ADMIN and NET_RAW without a user runs as root on purpose; NET_BIND_SERVICE alone does not', () => {
    const CAPABILITIES = 'container "daemon" adds capabilities that a non-root user does not keep';
    const daemon = (add: string[]) => ({
      initContainers: [{ name: 'install-cni' }],
      containers: [{ name: 'daemon', securityContext: { privileged: false, capabilities: { add } } }],
    });
    expect(verdict(daemon(['NET_ADMIN', 'NET_RAW']))).toEqual({
      fix: {
        kind: 'unsafe',
        description: `Set securityContext.runAsNonRoot=true on the pod (${CAPABILITIES}).`,
        paths: ['/spec/securityContext', '/spec/securityContext/runAsNonRoot'],
      },
      unfixable: `a safe fix would stop what runs as root on purpose: ${CAPABILITIES}`,
    });
    // The restricted standard lets a non-root container add NET_BIND_SERVICE.
    expect(verdict(daemon(['NET_BIND_SERVICE'])).fix?.kind).toBe('safe');
  });

  it('a container writing to a host path without a user runs as root on purpose; a read-only mount does not', () => {
    const HOST = 'container "install-cni" writes to host paths, which are root\'s';
    const installer = (readOnly: boolean) => ({
      initContainers: [
        { name: 'install-cni', volumeMounts: [{ name: 'cni', mountPath: '/host/opt/cni/bin', readOnly }] },
      ],
      containers: [{ name: 'daemon' }],
      volumes: [
        { name: 'cni', hostPath: { path: '/opt/cni/bin' } },
        { name: 'tmp', emptyDir: {} },
      ],
    });
    expect(verdict(installer(false))).toEqual({
      fix: {
        kind: 'unsafe',
        description: `Set securityContext.runAsNonRoot=true on the pod (${HOST}).`,
        paths: ['/spec/securityContext', '/spec/securityContext/runAsNonRoot'],
      },
      unfixable: `a safe fix would stop what runs as root on purpose: ${HOST}`,
    });
    // A read-only host file (a timezone, a CA bundle) needs no root.
    expect(verdict(installer(true)).fix?.kind).toBe('safe');
  });

  it('a privileged container that names a non-root user or asks for runAsNonRoot does not run as root on purpose', () => {
    for (const securityContext of [
      { privileged: true, runAsUser: 1000 },
      { privileged: true, runAsNonRoot: true },
    ]) {
      expect(verdict({ containers: [{ name: 'm', securityContext }, { name: 'b' }] }).fix?.kind).toBe('safe');
    }
  });

  it('an explicit false on the pod: replaced, unsafe', () => {
    expect(verdict({ securityContext: { runAsNonRoot: false }, containers: [{ name: 'a' }] })).toEqual({
      fix: {
        kind: 'unsafe',
        description: 'Replace securityContext.runAsNonRoot=false with true.',
        paths: ['/spec/securityContext/runAsNonRoot'],
      },
      unfixable: undefined,
    });
  });

  it('true on the pod, false on a container: only the container is replaced', () => {
    expect(
      verdict({
        securityContext: { runAsNonRoot: true },
        containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }],
      }),
    ).toEqual({
      fix: {
        kind: 'unsafe',
        description: 'Replace securityContext.runAsNonRoot=false with true.',
        paths: ['/spec/containers/0/securityContext/runAsNonRoot'],
      },
      unfixable: undefined,
    });
  });
});
