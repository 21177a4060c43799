import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import type { EvaluateOptions } from '../model/options.js';
import { extractObject } from '../podspec/extract.js';
import { ruleContext } from '../testing/index.js';
import { namespaceEnforceLabel } from './namespaceEnforceLabel.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const VERSION = 'pod-security.kubernetes.io/enforce-version';

function check(labels: Record<string, string> | undefined, options?: EvaluateOptions) {
  const object = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', ...(labels ? { labels } : {}) },
  };
  const extracted = extractObject(object);
  if (extracted.kind !== 'namespace') throw new Error('not a namespace');
  return namespaceEnforceLabel.check(extracted.view, ruleContext('latest', options));
}

describe('namespaceEnforceLabel', () => {
  it.each([
    [{ [ENFORCE]: 'restricted' }],
    [{ [ENFORCE]: 'restricted', [VERSION]: 'latest' }],
    [{ [ENFORCE]: 'restricted', [VERSION]: 'v1.30' }],
  ])('allows %j', (labels) => {
    expect(check(labels)).toEqual({ allowed: true });
  });

  it('accepts a stricter level than required', () => {
    expect(check({ [ENFORCE]: 'restricted' }, { level: 'restricted', namespaceLevel: 'baseline' })).toEqual({
      allowed: true,
    });
    expect(
      check({ [ENFORCE]: 'baseline' }, { level: 'restricted', namespaceLevel: 'restricted' }).allowed,
    ).toBe(false);
  });

  it('missing labels: creates the labels map only when missing, then adds the label', () => {
    expect(check(undefined)).toEqual({
      allowed: false,
      reason: 'namespace does not enforce Pod Security',
      detail: `namespace must set label ${ENFORCE}=restricted`,
      messageId: 'missingLabel',
      locations: [{ path: '/metadata' }],
      fix: {
        kind: 'safe',
        description: `Label the namespace ${ENFORCE}=restricted.`,
        patch: [
          { op: 'add', path: '/metadata/labels', value: {}, ifMissing: true },
          { op: 'add', path: '/metadata/labels/pod-security.kubernetes.io~1enforce', value: 'restricted' },
        ],
      },
    });
  });

  it.each<[Record<string, string>, string, string]>([
    [
      { [ENFORCE]: 'baseline' },
      'levelTooLow',
      `label ${ENFORCE} is "baseline"; it must be restricted or stricter`,
    ],
    [
      { [ENFORCE]: 'Restricted' },
      'invalidLevel',
      `label ${ENFORCE} is "Restricted", not one of privileged, baseline, restricted; set it to restricted`,
    ],
  ])('%j → %s', (labels, messageId, detail) => {
    expect(check(labels)).toMatchObject({
      messageId,
      detail,
      locations: [{ path: '/metadata/labels/pod-security.kubernetes.io~1enforce' }],
      fix: {
        patch: [
          {
            op: 'replace',
            path: '/metadata/labels/pod-security.kubernetes.io~1enforce',
            value: 'restricted',
          },
        ],
      },
    });
  });

  it('validates enforce-version; the safe fix adds the label, replacing the version is unsafe', () => {
    expect(check({ app: 'x', [VERSION]: '1.30' })).toEqual({
      allowed: false,
      reason: 'namespace does not enforce Pod Security',
      detail: `namespace must set label ${ENFORCE}=restricted; label ${VERSION} is "1.30"; it must be latest or v1.<minor>`,
      messageId: 'missingLabel',
      locations: [
        { path: '/metadata/labels' },
        { path: '/metadata/labels/pod-security.kubernetes.io~1enforce-version' },
      ],
      fix: {
        kind: 'safe',
        description: `Label the namespace ${ENFORCE}=restricted.`,
        patch: [
          { op: 'add', path: '/metadata/labels/pod-security.kubernetes.io~1enforce', value: 'restricted' },
        ],
      },
      unfixable: `replacing an invalid ${VERSION} label is an unsafe fix`,
    });
    expect(check({ [ENFORCE]: 'restricted', [VERSION]: 'v1.030' })).toMatchObject({
      messageId: 'invalidVersion',
    });
  });

  it('points into List items through evaluate', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: {} } }],
    };
    const finding = evaluate(list).findings.find((f) => f.rule === 'namespaceEnforceLabel');
    expect(finding?.path).toBe('/items/0/metadata/labels');
    expect(finding?.fix?.patch).toEqual([
      {
        op: 'add',
        path: '/items/0/metadata/labels/pod-security.kubernetes.io~1enforce',
        value: 'restricted',
      },
    ]);
  });
});
