import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../engine/jsonPatch.js';
import { RuleTester, runRuleResults } from '../testing/index.js';
import { readOnlyRootFilesystem } from './readOnlyRootFilesystem.js';

const description =
  'Set securityContext.readOnlyRootFilesystem=true on each container and mount an emptyDir at /tmp.';

new RuleTester({ describe, it }).run(readOnlyRootFilesystem, {
  valid: [
    {
      name: 'every container read-only',
      pod: { containers: [{ name: 'a', securityContext: { readOnlyRootFilesystem: true } }] },
    },
    { name: 'windows pods are exempt', pod: { os: { name: 'windows' }, containers: [{ name: 'a' }] } },
    {
      name: 'pods pinned to Windows nodes by nodeSelector are exempt',
      pod: { nodeSelector: { 'kubernetes.io/os': 'windows' }, containers: [{ name: 'a' }] },
    },
  ],
  invalid: [
    {
      name: 'unset: true, and an emptyDir at /tmp where none is mounted',
      pod: {
        containers: [{ name: 'a' }, { name: 'b', volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }] }],
        volumes: [{ name: 'scratch', emptyDir: {} }],
      },
      reason: 'readOnlyRootFilesystem != true',
      detail: 'containers "a", "b" must set securityContext.readOnlyRootFilesystem=true',
      messageId: 'unset',
      locations: [
        { path: '/spec/containers/0', container: 'a' },
        { path: '/spec/containers/1', container: 'b' },
      ],
      fix: {
        kind: 'safe',
        description,
        patch: [
          { op: 'add', path: '/spec/containers/0/securityContext', value: {}, ifMissing: true },
          { op: 'add', path: '/spec/containers/0/securityContext/readOnlyRootFilesystem', value: true },
          { op: 'add', path: '/spec/containers/1/securityContext', value: {}, ifMissing: true },
          { op: 'add', path: '/spec/containers/1/securityContext/readOnlyRootFilesystem', value: true },
          { op: 'add', path: '/spec/volumes/-', value: { name: 'tmp', emptyDir: {} }, ifMissing: true },
          { op: 'add', path: '/spec/containers/0/volumeMounts', value: [], ifMissing: true },
          {
            op: 'add',
            path: '/spec/containers/0/volumeMounts/-',
            value: { name: 'tmp', mountPath: '/tmp' },
            ifMissing: true,
          },
        ],
      },
    },
  ],
});

describe('readOnlyRootFilesystem: what the author wrote', () => {
  const pod = {
    initContainers: [{ name: 'i' }],
    containers: [
      { name: 'a', securityContext: { readOnlyRootFilesystem: false } },
      { name: 'b', securityContext: { readOnlyRootFilesystem: true } },
      { name: 'c', securityContext: {} },
    ],
    ephemeralContainers: [{ name: 'e', securityContext: { readOnlyRootFilesystem: null } }],
    volumes: [{ name: 'tmp', configMap: { name: 'x' } }],
  };

  it('an explicit false is a warning with an unsafe fix; unset containers get the safe one', () => {
    const [unset, explicitFalse, ...rest] = runRuleResults(readOnlyRootFilesystem, pod);
    expect(rest).toEqual([]);
    expect(unset).toMatchObject({
      messageId: 'unset',
      detail: 'containers "i", "c", "e" must set securityContext.readOnlyRootFilesystem=true',
      fix: { kind: 'safe' },
    });
    expect(explicitFalse).toMatchObject({
      messageId: 'explicitFalse',
      severity: 'warning',
      detail:
        'container "a" set securityContext.readOnlyRootFilesystem=false; set it to true and mount an emptyDir where the application writes',
      fix: { kind: 'unsafe' },
    });
  });

  it('picks a free volume name when "tmp" is taken, and both fixes compose in either order', () => {
    const [unset, explicitFalse] = runRuleResults(readOnlyRootFilesystem, pod);
    if (unset?.allowed !== false || explicitFalse?.allowed !== false) throw new Error('expected failures');
    const object = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: pod };
    const one = applyJsonPatch(
      applyJsonPatch(object, unset.fix?.patch ?? []),
      explicitFalse.fix?.patch ?? [],
    );
    const other = applyJsonPatch(
      applyJsonPatch(object, explicitFalse.fix?.patch ?? []),
      unset.fix?.patch ?? [],
    );
    expect(one).toEqual(other);
    expect(one.spec.volumes).toEqual([
      { name: 'tmp', configMap: { name: 'x' } },
      { name: 'podguard-tmp', emptyDir: {} },
    ]);
    expect(runRuleResults(readOnlyRootFilesystem, one)).toEqual([]);
  });
});
