import { describe, expect, it } from 'vitest';
import type { EvaluateOptions } from '../model/options.js';
import type { Forbidden } from '../rulekit/define.js';
import { runRuleResults } from '../testing/index.js';
import { kubeletRunAsNonRoot } from './kubeletRunAsNonRoot.js';

const IMAGE = 'registry.example/web:1.0';

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d4', namespace: 'default', uid: 'f00d', ...metadata },
    spec,
  };
}

function failures(object: unknown, options: EvaluateOptions = { level: 'restricted' }): Forbidden[] {
  return runRuleResults(kubeletRunAsNonRoot, object, 'latest', options).filter(
    (result): result is Forbidden => !result.allowed,
  );
}

function nonRootPod(imageUser?: string): [object: unknown, options: EvaluateOptions] {
  const imageUsers: Record<string, string> = imageUser === undefined ? {} : { [IMAGE]: imageUser };
  return [
    pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'web', image: IMAGE }] }),
    { level: 'restricted', imageUsers },
  ];
}

const POD = '"web-7d4_default(f00d)"';

/** The short reason of each message id: stable across pods and containers (no names in it). */
const REASONS: Record<string, string> = {
  imageRunsAsRoot: 'image runs as root',
  nonNumericUser: 'image user is non-numeric',
  invalidUserId: 'image user id is invalid',
};

describe('kubeletRunAsNonRoot: the kubelet verdict for every image user form', () => {
  it.each<[user: string, messageId: string, message: string]>([
    [
      '',
      'imageRunsAsRoot',
      `container has runAsNonRoot and image will run as root (pod: ${POD}, container: web)`,
    ],
    [
      '0',
      'imageRunsAsRoot',
      `container has runAsNonRoot and image will run as root (pod: ${POD}, container: web)`,
    ],
    [
      '0:0',
      'imageRunsAsRoot',
      `container has runAsNonRoot and image will run as root (pod: ${POD}, container: web)`,
    ],
    [
      ':1000',
      'imageRunsAsRoot',
      `container has runAsNonRoot and image will run as root (pod: ${POD}, container: web)`,
    ],
    [
      'node',
      'nonNumericUser',
      `container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root (pod: ${POD}, container: web)`,
    ],
    [
      'app:grp',
      'nonNumericUser',
      `container has runAsNonRoot and image has non-numeric user (app), cannot verify user is non-root (pod: ${POD}, container: web)`,
    ],
    [
      'root',
      'nonNumericUser',
      `container has runAsNonRoot and image has non-numeric user (root), cannot verify user is non-root (pod: ${POD}, container: web)`,
    ],
    [
      '-1',
      'invalidUserId',
      `container has runAsNonRoot and image has an invalid user id (-1). (Must be 1-(2147483647)): must be between 0 and 2147483647, inclusive (pod: ${POD}, container: web)`,
    ],
    [
      '4294967295',
      'invalidUserId',
      `container has runAsNonRoot and image has an invalid user id (4294967295). (Must be 1-(2147483647)): must be between 0 and 2147483647, inclusive (pod: ${POD}, container: web)`,
    ],
  ])('image USER %j → %s', (user, messageId, message) => {
    const [object, options] = nonRootPod(user);
    const [result, ...rest] = failures(object, options);
    expect(rest).toEqual([]);
    expect(result).toMatchObject({ messageId, detail: message, message, reason: REASONS[messageId] });
    expect(result?.severity).toBeUndefined();
    expect(result?.locations).toEqual([{ path: '/spec/containers/0/image', container: 'web' }]);
    expect(result?.fix).toEqual({
      kind: 'safe',
      description:
        "Set securityContext.runAsUser=1000 on the pod so no container depends on the image's USER. Or give the image a numeric, non-zero USER (e.g. USER 1000 in its Dockerfile).",
      patch: [{ op: 'add', path: '/spec/securityContext/runAsUser', value: 1000 }],
    });
  });

  it.each(['1000', '1000:0', '1000:grp', '1', '2147483647', '65534'])('image USER %j starts', (user) => {
    const [object, options] = nonRootPod(user);
    expect(failures(object, options)).toEqual([]);
  });

  it('runAsUser 0 breaks the non-root policy, whatever the image says', () => {
    const object = pod({
      securityContext: { runAsNonRoot: true, runAsUser: 0 },
      containers: [{ name: 'web', image: IMAGE }],
    });
    const [result] = failures(object, { level: 'restricted', imageUsers: { [IMAGE]: '1000' } });
    expect(result).toMatchObject({
      messageId: 'runAsUserBreaksPolicy',
      reason: 'runAsUser breaks non-root policy',
      detail: `container's runAsUser breaks non-root policy (pod: ${POD}, container: web)`,
      locations: [{ path: '/spec/securityContext/runAsUser', container: 'web' }],
      fix: {
        kind: 'unsafe',
        description: 'Set securityContext.runAsUser to 1000 instead of 0.',
        patch: [{ op: 'replace', path: '/spec/securityContext/runAsUser', value: 1000 }],
      },
    });
  });

  it('a non-zero runAsUser wins over a named or root image user, container over pod', () => {
    const object = pod({
      securityContext: { runAsNonRoot: true, runAsUser: 0 },
      containers: [{ name: 'web', image: IMAGE, securityContext: { runAsUser: 1000 } }],
    });
    expect(failures(object, { level: 'restricted', imageUsers: { [IMAGE]: 'node' } })).toEqual([]);
  });

  it('container runAsNonRoot wins over the pod: false at container level means no kubelet check', () => {
    const object = pod({
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'web', image: IMAGE, securityContext: { runAsNonRoot: false } }],
    });
    expect(failures(object, { level: 'restricted', imageUsers: { [IMAGE]: '' } })).toEqual([]);
  });

  it('does nothing without runAsNonRoot: the kubelet only verifies when asked to', () => {
    const object = pod({ containers: [{ name: 'web', image: IMAGE }] });
    expect(failures(object, { level: 'restricted', imageUsers: { [IMAGE]: 'node' } })).toEqual([]);
  });

  it('warns when the image user is unknown and no runAsUser is set', () => {
    const [object, options] = nonRootPod();
    const [result] = failures(object, options);
    expect(result).toMatchObject({
      messageId: 'imageUserUnknown',
      reason: 'image user unknown',
      severity: 'warning',
      detail: `container web has runAsNonRoot and no runAsUser: it starts only if image "${IMAGE}" has a numeric, non-zero USER (pod: ${POD})`,
      fix: { patch: [{ op: 'add', path: '/spec/securityContext/runAsUser', value: 1000 }] },
    });
  });

  it('names a container without an image by an empty image', () => {
    const object = pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'web' }] });
    expect(failures(object).map((result) => result.detail)).toEqual([
      `container web has runAsNonRoot and no runAsUser: it starts only if image "" has a numeric, non-zero USER (pod: ${POD})`,
    ]);
  });

  it('checks init, regular and ephemeral containers, each with its own message', () => {
    const object = pod({
      securityContext: { runAsNonRoot: true },
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [{ name: 'web', image: IMAGE }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
    });
    const results = failures(object, { level: 'restricted', imageUsers: { busybox: '', [IMAGE]: '1000' } });
    expect(results.map((result) => result.locations[0]?.container)).toEqual(['init', 'debug']);
    expect(results[1]?.locations[0]?.path).toBe('/spec/ephemeralContainers/0/image');
  });

  it('names a workload template by the workload and a missing namespace as default', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', uid: 'ignored' },
      spec: {
        template: {
          spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: IMAGE }] },
        },
      },
    };
    const [result] = failures(deployment, { level: 'restricted', imageUsers: { [IMAGE]: 'node' } });
    expect(result?.detail).toBe(
      'container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root (pod: "web_default()", container: c)',
    );
    expect(result?.locations[0]?.path).toBe('/spec/template/spec/containers/0/image');
  });

  it('exempts Windows pods from the Linux check: runAsUser and the image USER play no part there', () => {
    const object = pod({
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } },
      containers: [{ name: 'web', image: IMAGE }],
    });
    expect(failures(object, { level: 'restricted', imageUsers: { [IMAGE]: '' } })).toEqual([]);
  });
});

describe('kubeletRunAsNonRoot on Windows: the kubelet check of security_context_windows.go', () => {
  const windowsPod = (securityContext: Record<string, unknown>, container: Record<string, unknown> = {}) =>
    pod({
      os: { name: 'windows' },
      securityContext: { runAsNonRoot: true, ...securityContext },
      containers: [{ name: 'web', image: IMAGE, ...container }],
    });

  it.each([
    ['ContainerAdministrator', 'the account itself'],
    ['CONTAINERADMINISTRATOR', 'any case, as strings.EqualFold'],
    ['containeradminiſtrator', 'long s folds to s, as strings.EqualFold'],
  ])('refuses runAsUserName %s (%s) with the kubelet message, and replaces it', (name) => {
    const [result] = failures(windowsPod({ windowsOptions: { runAsUserName: name } }));
    expect(result).toMatchObject({
      messageId: 'windowsRunAsUserNameAdministrator',
      reason: 'runAsUserName is ContainerAdministrator',
      detail: `container's runAsUserName (${name}) which will be regarded as root identity and will break non-root policy (pod: ${POD}, container: web)`,
      locations: [{ path: '/spec/securityContext/windowsOptions/runAsUserName', container: 'web' }],
      fix: {
        kind: 'unsafe',
        description:
          'Set securityContext.windowsOptions.runAsUserName to ContainerUser instead of ContainerAdministrator.',
        patch: [
          {
            op: 'replace',
            path: '/spec/securityContext/windowsOptions/runAsUserName',
            value: 'ContainerUser',
          },
        ],
      },
    });
  });

  it("lets the container's runAsUserName win over the pod's, both ways", () => {
    const own = windowsPod(
      { windowsOptions: { runAsUserName: 'ContainerUser' } },
      { securityContext: { windowsOptions: { runAsUserName: 'ContainerAdministrator' } } },
    );
    const [result] = failures(own);
    expect([result?.locations, result?.fix]).toEqual([
      [{ path: '/spec/containers/0/securityContext/windowsOptions/runAsUserName', container: 'web' }],
      {
        kind: 'unsafe',
        description:
          'Set securityContext.windowsOptions.runAsUserName to ContainerUser instead of ContainerAdministrator.',
        patch: [
          {
            op: 'replace',
            path: '/spec/containers/0/securityContext/windowsOptions/runAsUserName',
            value: 'ContainerUser',
          },
        ],
      },
    ]);
    const overridden = windowsPod(
      { windowsOptions: { runAsUserName: 'ContainerAdministrator' } },
      { securityContext: { windowsOptions: { runAsUserName: 'ContainerUser' } } },
    );
    expect(failures(overridden)).toEqual([]);
  });

  it('refuses an image that runs as ContainerAdministrator when no runAsUserName is set', () => {
    const object = windowsPod({});
    const [result] = failures(object, {
      level: 'restricted',
      imageUsers: { [IMAGE]: 'ContainerAdministrator' },
    });
    expect(result).toMatchObject({
      messageId: 'windowsImageAdministrator',
      reason: 'image user is ContainerAdministrator',
      detail: `container's runAsUser (ContainerAdministrator) which will be regarded as root identity and will break non-root policy (pod: ${POD}, container: web)`,
      locations: [{ path: '/spec/containers/0/image', container: 'web' }],
      fix: {
        kind: 'safe',
        description:
          "Set securityContext.windowsOptions.runAsUserName=ContainerUser on the pod so no container runs as the image's user. Or build the image with USER ContainerUser.",
        patch: [
          { op: 'add', path: '/spec/securityContext/windowsOptions', value: {}, ifMissing: true },
          { op: 'add', path: '/spec/securityContext/windowsOptions/runAsUserName', value: 'ContainerUser' },
        ],
      },
    });
    expect(result?.severity).toBeUndefined();
  });

  it('starts runAsUserName ContainerAdminİstrator: a dotted capital I does not fold to i', () => {
    expect(failures(windowsPod({ windowsOptions: { runAsUserName: 'ContainerAdminİstrator' } }))).toEqual([]);
  });

  it('reads runAsUserName wherever securityContext or windowsOptions is missing', () => {
    const podLevel = pod({
      os: { name: 'windows' },
      securityContext: { windowsOptions: { runAsUserName: 'ContainerAdministrator' } },
      containers: [{ name: 'web', image: IMAGE, securityContext: { runAsNonRoot: true } }],
    });
    expect(failures(podLevel).map((result) => result.locations[0]?.path)).toEqual([
      '/spec/securityContext/windowsOptions/runAsUserName',
    ]);
    const containerLevel = pod({
      os: { name: 'windows' },
      containers: [
        {
          name: 'web',
          image: IMAGE,
          securityContext: {
            runAsNonRoot: true,
            windowsOptions: { runAsUserName: 'ContainerAdministrator' },
          },
        },
      ],
    });
    expect(failures(containerLevel).map((result) => result.locations[0]?.path)).toEqual([
      '/spec/containers/0/securityContext/windowsOptions/runAsUserName',
    ]);
  });

  it.each(['ContainerUser', ''])('starts an image whose user is "%s"', (user) => {
    expect(failures(windowsPod({}), { level: 'restricted', imageUsers: { [IMAGE]: user } })).toEqual([]);
  });

  it('warns when neither runAsUserName nor the image user is known', () => {
    const [result] = failures(windowsPod({}));
    expect(result).toMatchObject({
      messageId: 'windowsImageUserUnknown',
      reason: 'image user unknown',
      severity: 'warning',
      detail: `container web has runAsNonRoot and no runAsUserName: it starts only if image "${IMAGE}" does not run as ContainerAdministrator (pod: ${POD})`,
    });
  });

  it('names a container without an image by an empty image', () => {
    const [result] = failures(windowsPod({}, { image: undefined }));
    expect(result?.detail).toBe(
      `container web has runAsNonRoot and no runAsUserName: it starts only if image "" does not run as ContainerAdministrator (pod: ${POD})`,
    );
  });

  it('checks nothing without runAsNonRoot', () => {
    const object = pod({
      os: { name: 'windows' },
      containers: [
        {
          name: 'web',
          image: IMAGE,
          securityContext: { windowsOptions: { runAsUserName: 'ContainerAdministrator' } },
        },
      ],
    });
    expect(failures(object)).toEqual([]);
  });
});

describe('kubeletRunAsNonRoot: profiles without a default user', () => {
  it('offers no fix when the profile has no default user', () => {
    const [object] = nonRootPod('node');
    const [result] = failures(object, {
      level: 'restricted',
      defaultUser: null,
      imageUsers: { [IMAGE]: 'node' },
    });
    expect(result?.messageId).toBe('nonNumericUser');
    expect(result?.fix).toBeUndefined();
  });

  it('openshift: the SCC assigns runAsUser, so only an explicit 0 is reported', () => {
    const [object] = nonRootPod('node');
    expect(failures(object, { profile: 'openshift', imageUsers: { [IMAGE]: 'node' } })).toEqual([]);
    const explicitRoot = pod({
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'web', image: IMAGE, securityContext: { runAsUser: 0 } }],
    });
    expect(failures(explicitRoot, { profile: 'openshift' }).map((r) => [r.messageId, r.fix])).toEqual([
      ['runAsUserBreaksPolicy', undefined],
    ]);
  });

  it('declares every message id it produces', () => {
    expect(Object.keys(kubeletRunAsNonRoot.messages ?? {}).sort()).toEqual(
      [
        'imageRunsAsRoot',
        'imageUserUnknown',
        'invalidUserId',
        'nonNumericUser',
        'runAsUserBreaksPolicy',
        'windowsImageAdministrator',
        'windowsImageUserUnknown',
        'windowsRunAsUserNameAdministrator',
      ].sort(),
    );
  });
});
