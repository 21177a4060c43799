/**
 * The cross-object facts one session collects ({@link InputFactsCollector}): which objects count,
 * which pods are kept for a namespace's level, and what adopting the whole input's facts replaces.
 */
import { describe, expect, it } from 'vitest';
import type { PssLevel } from '../model/types.js';
import { InputFactsCollector } from './facts.js';

const pod = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name, image: `${name}:1` }] },
});
const namespaceObject = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** A collector whose level names how many pods it was given: 0 restricted, 1 baseline, more privileged. */
function collector() {
  const calls: unknown[][] = [];
  const facts = new InputFactsCollector((objects) => {
    calls.push([...objects]);
    const levels: PssLevel[] = ['restricted', 'baseline'];
    return levels[objects.length] ?? 'privileged';
  });
  return { facts, calls };
}

describe('InputFactsCollector', () => {
  it('records a v1 ServiceAccount with a name, its automount only when a boolean', () => {
    const { facts } = collector();
    facts.learn([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'a', namespace: 'shop' } },
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'b', namespace: 42 },
        automountServiceAccountToken: 'false',
      },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'ServiceAccount' },
      { apiVersion: 'v2', kind: 'ServiceAccount', metadata: { name: 'c', namespace: 'shop' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    ]);
    expect(facts.share()).toEqual({
      serviceAccounts: [
        { namespace: 'shop', name: 'a', automountServiceAccountToken: undefined },
        { namespace: undefined, name: 'b', automountServiceAccountToken: undefined },
      ],
      unlabelledNamespaces: ['shop'],
    });
    expect(facts.share().serviceAccounts.map((account) => Object.entries(account))).toEqual([
      [
        ['namespace', 'shop'],
        ['name', 'a'],
        ['automountServiceAccountToken', undefined],
      ],
      [
        ['namespace', undefined],
        ['name', 'b'],
        ['automountServiceAccountToken', undefined],
      ],
    ]);
  });

  it('skips values that are no object, objects without metadata, a kind or a name, and never counts an object twice', () => {
    const { facts, calls } = collector();
    const web = pod('shop', 'web');
    expect(() =>
      facts.learn([
        null,
        'text',
        { apiVersion: 'v1', kind: 'Namespace' },
        { apiVersion: 'v1', kind: 'Pod' },
        { apiVersion: 'v1', metadata: { name: 'x', namespace: 'shop' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'y', namespace: 7 } },
        web,
        web,
      ]),
    ).not.toThrow();
    expect(facts.share()).toEqual({ serviceAccounts: [], unlabelledNamespaces: [] });
    expect(facts.namespaceLevels(['shop'])).toEqual({ shop: 'baseline' });
    expect(calls).toEqual([[web]]);
  });

  it('takes a ServiceAccount learned again as learned once: a later one of the same name still wins', () => {
    const { facts } = collector();
    const first = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'app', namespace: 'shop' },
      automountServiceAccountToken: true,
    };
    const later = { ...first, automountServiceAccountToken: false };
    facts.learn([first, later]);
    // What a session's evaluate() does with a piece learned before (streams learn every piece first).
    facts.learn(first, false);
    expect(facts.serviceAccount('shop', 'app')).toEqual({
      namespace: 'shop',
      name: 'app',
      automountServiceAccountToken: false,
    });
    expect(facts.share().serviceAccounts).toHaveLength(1);
  });

  it('answers for an input that taught nothing', () => {
    const { facts, calls } = collector();
    facts.learn({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    expect(facts.share()).toEqual({ serviceAccounts: [], unlabelledNamespaces: [] });
    expect(facts.serviceAccount(undefined, 'default')).toBeUndefined();
    expect(facts.namespaceLevels(['shop'])).toEqual({});
    expect(facts.namespacePodLevel('shop')).toBe('restricted');
    expect(calls).toEqual([[]]);
  });

  it('learns a whole input Namespaces first: it keeps the pods of unlabelled ones, wherever they come', () => {
    const { facts, calls } = collector();
    const shopWeb = pod('shop', 'web');
    const labelled = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ops', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
    };
    facts.learnWhole([
      shopWeb,
      pod('ops', 'agent'),
      pod('elsewhere', 'job'),
      { apiVersion: 'v1', kind: 'List', items: [namespaceObject('shop'), pod('shop', 'api')] },
      labelled,
    ]);
    expect(facts.share().unlabelledNamespaces).toEqual(['shop']);
    // Only the unlabelled Namespace's pods, the one before it included; none of the others.
    expect(facts.namespaceLevels(['shop', 'ops', 'elsewhere'])).toEqual({ shop: 'privileged' });
    expect(calls).toEqual([[shopWeb, pod('shop', 'api')]]);
  });

  it('learns a whole input of one object as that object', () => {
    const { facts } = collector();
    facts.learnWhole(namespaceObject('shop'));
    facts.learnWhole({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'app', namespace: 'shop' },
    });
    expect(facts.share()).toEqual({
      serviceAccounts: [{ namespace: 'shop', name: 'app', automountServiceAccountToken: undefined }],
      unlabelledNamespaces: ['shop'],
    });
  });

  it('keeps only pod objects with a namespace, and answers only for namespaces with some', () => {
    const { facts, calls } = collector();
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'config' } };
    facts.learn([configMap, pod('shop', 'web')]);
    expect(facts.namespaceLevels(['config', 'empty', 'shop'])).toEqual({ shop: 'baseline' });
    expect(calls).toEqual([[pod('shop', 'web')]]);
  });

  it('keeps the pods of a stream only for namespaces met unlabelled before them', () => {
    const { facts } = collector();
    facts.learn(pod('shop', 'early'), false);
    facts.learn(namespaceObject('shop'), false);
    facts.learn(pod('shop', 'web'), false);
    facts.learn(pod('other', 'web'), false);
    expect(facts.namespaceLevels(['other', 'shop'])).toEqual({ shop: 'baseline' });
  });

  it('computes a level once, and again when a pod of its namespace comes', () => {
    const { facts, calls } = collector();
    facts.learn(pod('shop', 'a'));
    expect(facts.namespacePodLevel('shop')).toBe('baseline');
    expect(facts.namespacePodLevel('shop')).toBe('baseline');
    expect(calls).toHaveLength(1);
    facts.learn(pod('shop', 'b'));
    expect(facts.namespacePodLevel('shop')).toBe('privileged');
    expect(calls).toHaveLength(2);
  });

  it('replaces its accounts, pods and levels with those of the whole input it adopts', () => {
    const { facts } = collector();
    facts.learn([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mine', namespace: 'shop' } },
      pod('shop', 'web'),
    ]);
    expect(facts.namespacePodLevel('shop')).toBe('baseline');
    const theirs = { namespace: 'ops', name: 'theirs', automountServiceAccountToken: false };
    facts.adopt({ serviceAccounts: [theirs], namespaceLevels: { ops: 'privileged' } });
    expect(facts.serviceAccount('shop', 'mine')).toBeUndefined();
    expect(facts.serviceAccount('ops', 'theirs')).toEqual(theirs);
    expect(facts.namespaceLevels(['shop', 'ops'])).toEqual({});
    expect(facts.namespacePodLevel('shop')).toBe('restricted');
    expect(facts.namespacePodLevel('ops')).toBe('privileged');
  });
});
