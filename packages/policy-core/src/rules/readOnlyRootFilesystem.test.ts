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

describe('readOnlyRootFilesystem: the /tmp volume of the fix', () => {
  const fixPatch = (spec: Record<string, unknown>) => {
    const [result, ...rest] = runRuleResults(readOnlyRootFilesystem, spec);
    expect(rest).toEqual([]);
    if (result?.allowed !== false) throw new Error('expected a failure');
    return result.fix?.patch ?? [];
  };
  const readOnly = (index: number) => [
    { op: 'add', path: `/spec/containers/${index}/securityContext`, value: {}, ifMissing: true },
    { op: 'add', path: `/spec/containers/${index}/securityContext/readOnlyRootFilesystem`, value: true },
  ];
  const mountTmp = (index: number, name: string) => [
    { op: 'add', path: `/spec/containers/${index}/volumeMounts`, value: [], ifMissing: true },
    {
      op: 'add',
      path: `/spec/containers/${index}/volumeMounts/-`,
      value: { name, mountPath: '/tmp' },
      ifMissing: true,
    },
  ];

  it('adds no volume when every container already mounts /tmp (with or without a trailing slash)', () => {
    expect(
      fixPatch({
        containers: [
          { name: 'a', volumeMounts: [{ name: 'scratch', mountPath: '/tmp/' }] },
          { name: 'b', volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }] },
        ],
        volumes: [{ name: 'scratch', emptyDir: {} }],
      }),
    ).toEqual([...readOnly(0), ...readOnly(1)]);
  });

  it('mounts /tmp in a container whose other mounts are elsewhere', () => {
    expect(
      fixPatch({
        containers: [{ name: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', emptyDir: {} }],
      }),
    ).toEqual([
      ...readOnly(0),
      { op: 'add', path: '/spec/volumes/-', value: { name: 'tmp', emptyDir: {} }, ifMissing: true },
      // volumeMounts exists: only the entry is appended.
      ...mountTmp(0, 'tmp').slice(1),
    ]);
  });

  it('reuses a plain "tmp" emptyDir the pod already declares', () => {
    expect(
      fixPatch({ containers: [{ name: 'a' }], volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }] }),
    ).toEqual([...readOnly(0), ...mountTmp(0, 'tmp')]);
  });

  it('does not reuse a "tmp" volume that names another source besides emptyDir', () => {
    expect(
      fixPatch({
        containers: [{ name: 'a' }],
        volumes: [{ name: 'tmp', emptyDir: {}, configMap: { name: 'x' } }],
      }),
    ).toEqual([
      ...readOnly(0),
      { op: 'add', path: '/spec/volumes/-', value: { name: 'podguard-tmp', emptyDir: {} }, ifMissing: true },
      ...mountTmp(0, 'podguard-tmp'),
    ]);
  });

  it('numbers the volume past the names already taken', () => {
    expect(
      fixPatch({
        containers: [{ name: 'a' }],
        volumes: [
          { name: 'tmp', configMap: { name: 'x' } },
          { name: 'podguard-tmp', emptyDir: {} },
          { name: 'podguard-tmp-2', emptyDir: {} },
        ],
      }),
    ).toEqual([
      ...readOnly(0),
      {
        op: 'add',
        path: '/spec/volumes/-',
        value: { name: 'podguard-tmp-3', emptyDir: {} },
        ifMissing: true,
      },
      ...mountTmp(0, 'podguard-tmp-3'),
    ]);
  });

  it('words the explicit-false finding and its unsafe fix exactly', () => {
    const [result] = runRuleResults(readOnlyRootFilesystem, {
      containers: [{ name: 'a', securityContext: { readOnlyRootFilesystem: false } }],
    });
    expect(result).toMatchObject({
      reason: 'readOnlyRootFilesystem != true',
      locations: [{ path: '/spec/containers/0/securityContext/readOnlyRootFilesystem', container: 'a' }],
      fix: {
        description:
          'Replace securityContext.readOnlyRootFilesystem=false with true and mount an emptyDir at /tmp; the application may write elsewhere too.',
      },
    });
  });
});
