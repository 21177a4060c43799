import { describe, expect, it } from 'vitest';
import type { JsonPatchOperation } from '../model/types.js';
import { applyJsonPatch, cloneJson, JsonPatchError } from './jsonPatch.js';

describe('applyJsonPatch', () => {
  const doc = { a: { b: 1, c: [1, 2, 3] }, 'x/y': { '~k': true } };

  it.each<[string, JsonPatchOperation[], unknown]>([
    ['adds a member', [{ op: 'add', path: '/a/d', value: 4 }], { ...doc, a: { ...doc.a, d: 4 } }],
    [
      'add replaces an existing member',
      [{ op: 'add', path: '/a/b', value: 9 }],
      { ...doc, a: { ...doc.a, b: 9 } },
    ],
    [
      'inserts into an array',
      [{ op: 'add', path: '/a/c/1', value: 9 }],
      { ...doc, a: { ...doc.a, c: [1, 9, 2, 3] } },
    ],
    [
      'appends with -',
      [{ op: 'add', path: '/a/c/-', value: 9 }],
      { ...doc, a: { ...doc.a, c: [1, 2, 3, 9] } },
    ],
    [
      'appends at index length',
      [{ op: 'add', path: '/a/c/3', value: 9 }],
      { ...doc, a: { ...doc.a, c: [1, 2, 3, 9] } },
    ],
    ['removes a member', [{ op: 'remove', path: '/a/b' }], { ...doc, a: { c: [1, 2, 3] } }],
    ['removes an array element', [{ op: 'remove', path: '/a/c/0' }], { ...doc, a: { ...doc.a, c: [2, 3] } }],
    [
      'replaces a member',
      [{ op: 'replace', path: '/a/b', value: null }],
      { ...doc, a: { ...doc.a, b: null } },
    ],
    [
      'replaces an array element',
      [{ op: 'replace', path: '/a/c/2', value: 0 }],
      { ...doc, a: { ...doc.a, c: [1, 2, 0] } },
    ],
    [
      'unescapes ~1 and ~0',
      [{ op: 'replace', path: '/x~1y/~0k', value: false }],
      { ...doc, 'x/y': { '~k': false } },
    ],
    ['replaces the whole document', [{ op: 'replace', path: '', value: 1 }], 1],
    ['passes a test', [{ op: 'test', path: '/a', value: { c: [1, 2, 3], b: 1 } }], doc],
    [
      'applies operations in sequence',
      [
        { op: 'add', path: '/s', value: {} },
        { op: 'add', path: '/s/t', value: 1 },
      ],
      { ...doc, s: { t: 1 } },
    ],
  ])('%s', (_, patch, expected) => {
    const before = structuredClone(doc);
    expect(applyJsonPatch(doc, patch)).toEqual(expected);
    expect(doc).toEqual(before);
  });

  it.each<[string, JsonPatchOperation[], RegExp, number]>([
    ['a missing parent', [{ op: 'add', path: '/nope/x', value: 1 }], /add \/nope\/x: no member "nope"/, 0],
    ['removing a missing member', [{ op: 'remove', path: '/a/zz' }], /no member "zz"/, 0],
    ['replacing a missing member', [{ op: 'replace', path: '/zz', value: 1 }], /no member "zz"/, 0],
    ['an index past the end', [{ op: 'add', path: '/a/c/5', value: 1 }], /no array element "5"/, 0],
    ['a leading-zero index', [{ op: 'replace', path: '/a/c/01', value: 1 }], /no array element "01"/, 0],
    ['- outside add', [{ op: 'remove', path: '/a/c/-' }], /no array element "-"/, 0],
    [
      'a scalar parent',
      [{ op: 'add', path: '/a/b/x', value: 1 }],
      /parent of "x" is not an object or array/,
      0,
    ],
    [
      'a failed test',
      [
        { op: 'add', path: '/q', value: 1 },
        { op: 'test', path: '/a/b', value: 2 },
      ],
      /test \/a\/b/,
      1,
    ],
    ['a pointer without /', [{ op: 'add', path: 'a', value: 1 }], /invalid JSON pointer/, 0],
    ['add without value', [{ op: 'add', path: '/a/q' }], /missing value/, 0],
    ['removing the document', [{ op: 'remove', path: '' }], /cannot remove the whole document/, 0],
  ])('rejects %s', (_, patch, message, index) => {
    let error: unknown;
    try {
      applyJsonPatch(doc, patch);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonPatchError);
    expect((error as JsonPatchError).message).toMatch(message);
    expect((error as JsonPatchError).operation).toBe(index);
  });
});

describe('prototype safety', () => {
  it('copies and adds a "__proto__" member as plain data, never as a prototype', () => {
    const input = JSON.parse('{"metadata": {"__proto__": {"polluted": true}}}');
    const cloned = cloneJson(input) as { metadata: Record<string, unknown> };
    expect(Object.getPrototypeOf(cloned.metadata)).toBe(Object.prototype);
    expect(Object.keys(cloned.metadata)).toEqual(['__proto__']);
    const patched = applyJsonPatch({ metadata: {} }, [
      { op: 'add', path: '/metadata/__proto__', value: { polluted: true } },
    ]) as {
      metadata: Record<string, unknown>;
    };
    expect(Object.getPrototypeOf(patched.metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(patched.metadata)).toEqual(['__proto__']);
  });
});
