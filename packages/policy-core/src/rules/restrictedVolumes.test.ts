import { describe, expect, it } from 'vitest';
import { resolveEvaluation } from '../engine/resolveOptions.js';
import type { AdmissionCheck } from '../rulekit/cel.js';
import { RuleTester } from '../testing/index.js';
import { restrictedVolumes } from './restrictedVolumes.js';

const ALLOWED = [
  'emptyDir',
  'secret',
  'persistentVolumeClaim',
  'downwardAPI',
  'configMap',
  'projected',
  'csi',
  'ephemeral',
  'image',
];
const RESTRICTED = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

new RuleTester({ describe, it }).run(restrictedVolumes, {
  valid: [
    {
      name: 'upstream: allowed types',
      pod: { volumes: ALLOWED.map((source, index) => ({ name: `a${index + 1}`, [source]: {} })) },
    },
    {
      name: 'defaulting: a volume with only a name is an emptyDir',
      pod: { volumes: [{ name: 'scratch' }, { name: 'nulls', hostPath: null }] },
    },
    {
      name: 'an allowed source wins, as in upstream',
      pod: { volumes: [{ name: 'both', configMap: {}, hostPath: {} }] },
    },
  ],
  invalid: [
    {
      name: 'upstream: restricted and unknown volume types',
      pod: {
        volumes: [
          ...ALLOWED.map((source, index) => ({ name: `a${index + 1}`, [source]: {} })),
          ...RESTRICTED.map((source, index) => ({ name: `b${index + 1}`, [source]: {} })),
          // Upstream's "unknown" is an empty VolumeSource; before defaulting, podguard sees a source
          // key it does not know instead (an empty one defaults to emptyDir, see above).
          { name: 'c1', someFutureSource: {} },
        ],
      },
      reason: 'restricted volume types',
      detail:
        'volumes ' +
        '"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1"' +
        ' use restricted volume types ' +
        '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", ' +
        '"hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"',
      fix: null,
    },
    {
      name: 'one volume, pointer to its source',
      pod: {
        volumes: [
          { name: 'cfg', configMap: { name: 'x' } },
          { name: 'data', nfs: { server: 's', path: '/' } },
        ],
      },
      reason: 'restricted volume types',
      detail: 'volume "data" uses restricted volume type "nfs"',
      locations: ['/spec/volumes/1/nfs'],
    },
    {
      name: 'two volumes of two restricted types: plural words (also in CEL)',
      pod: {
        volumes: [
          { name: 'host', hostPath: { path: '/' } },
          { name: 'share', nfs: { server: 's', path: '/' } },
        ],
      },
      reason: 'restricted volume types',
      detail: 'volumes "host", "share" use restricted volume types "hostPath", "nfs"',
      locations: ['/spec/volumes/0/hostPath', '/spec/volumes/1/nfs'],
    },
    {
      name: 'a volume without a name is named ""',
      pod: { volumes: [{ hostPath: { path: '/' } }] },
      reason: 'restricted volume types',
      detail: 'volume "" uses restricted volume type "hostPath"',
      locations: ['/spec/volumes/0/hostPath'],
    },
    {
      name: 'an unknown source key',
      pod: { volumes: [{ name: 'x', someFutureSource: {} }] },
      reason: 'restricted volume types',
      detail: 'volume "x" uses restricted volume type "unknown"',
      locations: ['/spec/volumes/0/someFutureSource'],
    },
  ],
});

describe('restrictedVolumes in CEL', () => {
  it('names no image volume source, a field the Kubernetes 1.30 Pod schema lacks', () => {
    const { admission } = restrictedVolumes;
    if (!('check' in admission)) throw new Error('expected a CEL check');
    const check = admission.check(resolveEvaluation({ level: 'restricted' }).options) as AdmissionCheck;
    const bad = check.variables?.bad ?? '';
    expect(bad).not.toContain('v.image');
    expect(bad).toContain(
      '!(has(v.configMap) || has(v.csi) || has(v.downwardAPI) || has(v.emptyDir) || has(v.ephemeral) || ' +
        'has(v.persistentVolumeClaim) || has(v.projected) || has(v.secret))',
    );
  });
});
