import { describe, expect, it } from 'vitest';
import { evaluate } from '../engine/evaluate.js';
import type { EvaluateOptions } from '../model/options.js';
import { extractObject } from '../podspec/extract.js';
import { ruleContext } from '../testing/index.js';
import { namespaceEnforceLabel } from './namespaceEnforceLabel.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const VERSION = 'pod-security.kubernetes.io/enforce-version';

function check(labels: Record<string, string | null> | undefined, options?: EvaluateOptions) {
  return checkMetadata({ name: 'shop', ...(labels ? { labels } : {}) }, options);
}

function checkMetadata(metadata: Record<string, unknown>, options?: EvaluateOptions) {
  const object = { apiVersion: 'v1', kind: 'Namespace', metadata };
  const extracted = extractObject(object);
  if (extracted.kind !== 'namespace') throw new Error('not a namespace');
  return namespaceEnforceLabel.check(extracted.view, ruleContext('latest', options));
}

describe('namespaceEnforceLabel', () => {
  it.each([
    [{ [ENFORCE]: 'restricted' }],
    [{ [ENFORCE]: 'restricted', [VERSION]: 'latest' }],
    [{ [ENFORCE]: 'restricted', [VERSION]: 'v1.30' }],
    // Any minor, however many digits (upstream's ParseVersion).
    [{ [ENFORCE]: 'restricted', [VERSION]: 'v1.100' }],
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

  it.each([
    ['baseline', 'baseline'],
    ['baseline', 'restricted'],
    ['privileged', 'privileged'],
    ['privileged', 'baseline'],
  ] as const)('namespaceLevel %s accepts the label at %s', (namespaceLevel, label) => {
    expect(check({ [ENFORCE]: label }, { level: 'restricted', namespaceLevel })).toEqual({ allowed: true });
  });

  it('a level below namespaceLevel: the unsafe fix replaces it', () => {
    expect(check({ [ENFORCE]: 'privileged' }, { level: 'restricted', namespaceLevel: 'baseline' })).toEqual({
      allowed: false,
      reason: 'namespace does not enforce Pod Security',
      detail: `label ${ENFORCE} is "privileged"; it must be baseline or stricter`,
      messageId: 'levelTooLow',
      locations: [{ path: '/metadata/labels/pod-security.kubernetes.io~1enforce' }],
      fix: {
        kind: 'unsafe',
        description: `Replace the namespace's ${ENFORCE} label with baseline (pods that fail baseline are then rejected).`,
        patch: [
          { op: 'replace', path: '/metadata/labels/pod-security.kubernetes.io~1enforce', value: 'baseline' },
        ],
      },
    });
  });

  it('a nameless namespace is labelled restricted', () => {
    expect(checkMetadata({ labels: {} })).toEqual({
      allowed: false,
      reason: 'namespace does not enforce Pod Security',
      detail: `namespace must set label ${ENFORCE}=restricted`,
      messageId: 'missingLabel',
      locations: [{ path: '/metadata/labels' }],
      fix: {
        kind: 'safe',
        description: `Label the namespace ${ENFORCE}=restricted.`,
        patch: [
          { op: 'add', path: '/metadata/labels/pod-security.kubernetes.io~1enforce', value: 'restricted' },
        ],
      },
    });
  });

  it('a label without a value (YAML null) is quoted as ""', () => {
    expect(check({ [ENFORCE]: null })).toMatchObject({
      messageId: 'invalidLevel',
      detail: `label ${ENFORCE} is "", not one of privileged, baseline, restricted; set it to restricted`,
    });
    expect(check({ [ENFORCE]: 'restricted', [VERSION]: null })).toMatchObject({
      messageId: 'invalidVersion',
      detail: `label ${VERSION} is ""; it must be latest or v1.<minor>`,
    });
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
    expect(check({ [ENFORCE]: 'restricted', [VERSION]: 'v1.030' })).toEqual({
      allowed: false,
      reason: 'namespace does not enforce Pod Security',
      detail: `label ${VERSION} is "v1.030"; it must be latest or v1.<minor>`,
      messageId: 'invalidVersion',
      locations: [{ path: '/metadata/labels/pod-security.kubernetes.io~1enforce-version' }],
      fix: {
        kind: 'unsafe',
        description: `Set ${VERSION} to latest.`,
        patch: [
          {
            op: 'replace',
            path: '/metadata/labels/pod-security.kubernetes.io~1enforce-version',
            value: 'latest',
          },
        ],
      },
    });
  });

  it.each(['xv1.30', 'latest-v1.30', 'v1.30x'])('the version must match whole: %j is invalid', (version) => {
    const result = check({ [ENFORCE]: 'restricted', [VERSION]: version });
    expect(result).toMatchObject({
      allowed: false,
      messageId: 'invalidVersion',
      detail: `label ${VERSION} is "${version}"; it must be latest or v1.<minor>`,
    });
  });

  it('an invalid level and version: one unsafe fix replaces both, described by the level', () => {
    expect(check({ [ENFORCE]: 'baseline', [VERSION]: 'v2' })).toEqual({
      allowed: false,
      reason: 'namespace does not enforce Pod Security',
      detail: `label ${ENFORCE} is "baseline"; it must be restricted or stricter; label ${VERSION} is "v2"; it must be latest or v1.<minor>`,
      messageId: 'levelTooLow',
      locations: [
        { path: '/metadata/labels/pod-security.kubernetes.io~1enforce' },
        { path: '/metadata/labels/pod-security.kubernetes.io~1enforce-version' },
      ],
      fix: {
        kind: 'unsafe',
        description: `Replace the namespace's ${ENFORCE} label with restricted (pods that fail restricted are then rejected).`,
        patch: [
          {
            op: 'replace',
            path: '/metadata/labels/pod-security.kubernetes.io~1enforce',
            value: 'restricted',
          },
          {
            op: 'replace',
            path: '/metadata/labels/pod-security.kubernetes.io~1enforce-version',
            value: 'latest',
          },
        ],
      },
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

describe('a Namespace whose labels are not all strings', () => {
  // `enforce-version: 1.30` unquoted is the number 1.3: the API server refuses it
  // (labels are strings), so podguard names the field instead of judging the label.
  it.each([
    ['pod-security.kubernetes.io/enforce-version', 1.3, 'a number (1.3)'],
    ['pod-security.kubernetes.io/enforce', true, 'a boolean (true)'],
    ['team', 7, 'a number (7)'],
  ])('%s: %o is invalid input naming the label; the namespace rules do not run', (label, value, got) => {
    const result = evaluate(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: 'shop',
              labels: { 'pod-security.kubernetes.io/enforce': 'restricted', [label]: value },
            },
          },
        ],
      },
      { profile: 'hardened' },
    );
    const path = `/items/0/metadata/labels/${label.replace(/\//g, '~1')}`;
    expect(
      result.findings.map((finding) => [finding.rule, finding.status, finding.path, finding.message]),
    ).toEqual([['invalidInput', 'error', path, `${path} must be a string, got ${got}`]]);
    expect(result.allowed).toBe(false);
  });

  it('metadata that is not an object is invalid input too', () => {
    const result = evaluate({ apiVersion: 'v1', kind: 'Namespace', metadata: 5 }, { profile: 'hardened' });
    expect(result.findings.map((finding) => [finding.rule, finding.path])).toEqual([
      ['invalidInput', '/metadata'],
    ]);
  });
});
