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

describe('applyJsonPatch, edges (what mutation testing found untested)', () => {
  const fails = (document: unknown, patch: unknown[], message: string) => {
    let error: unknown;
    try {
      applyJsonPatch(document, patch as JsonPatchOperation[]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JsonPatchError);
    expect((error as JsonPatchError).name).toBe('JsonPatchError');
    expect((error as JsonPatchError).message).toBe(message);
    return error as JsonPatchError;
  };

  it('test compares JSON values deeply: arrays by length and order, objects by their keys', () => {
    const doc = { list: [1, [2, 3]], map: { a: 1, b: [1] }, empty: {} };
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/list', value: [1, [2, 3]] }])).toBe(doc);
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/map', value: { b: [1], a: 1 } }])).toBe(doc);
    for (const [path, value] of [
      ['/list', [1, [2, 3], 4]],
      ['/list', [1]],
      ['/list', [[2, 3], 1]],
      ['/list', [1, [2, 4]]],
      ['/list', { 0: 1, 1: [2, 3] }],
      ['/map', { a: 1 }],
      ['/map', { a: 1, b: [1], c: 2 }],
      ['/map', { a: 1, c: [1] }],
      ['/map', { a: 1, b: [2] }],
      ['/empty', []],
    ] as const) {
      const error = fails(
        doc,
        [{ op: 'test', path, value }],
        `test ${path}: value differs from ${JSON.stringify(value)}`,
      );
      expect(error.operation).toBe(0);
    }
  });

  it('array indexes: decimal without leading zeros, past the end only for add', () => {
    const list = Array.from({ length: 12 }, (_, i) => i);
    expect(applyJsonPatch({ list }, [{ op: 'replace', path: '/list/10', value: 'ten' }]).list[10]).toBe(
      'ten',
    );
    fails(
      { list },
      [{ op: 'replace', path: '/list/01', value: 0 }],
      'replace /list/01: no array element "01"',
    );
    fails(
      { list: [0, 1] },
      [{ op: 'replace', path: '/list/2', value: 2 }],
      'replace /list/2: no array element "2"',
    );
    fails({ list: [0, 1] }, [{ op: 'remove', path: '/list/2' }], 'remove /list/2: no array element "2"');
  });

  it('test finds nothing past the end of an array, under a scalar or at a missing member', () => {
    const doc = { list: [0, 1], n: 5, map: {} };
    // A test without a value would pass against undefined if a missing place read as found.
    for (const path of ['/list/2', '/list/-', '/n/x', '/map/missing', '/missing'])
      fails(doc, [{ op: 'test', path }], `test ${path}: value differs from undefined`);
  });

  it('an ifMissing add: the whole document is replaced; an append is skipped only if an equal item is there', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: { b: 2 }, ifMissing: true }])).toEqual({
      b: 2,
    });
    expect(applyJsonPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/-', value: 3, ifMissing: true }])).toEqual({
      a: [1, 2, 3],
    });
    expect(applyJsonPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/-', value: 2, ifMissing: true }])).toEqual({
      a: [1, 2],
    });
    fails(
      {},
      [{ op: 'add', path: '/missing/-', value: 1, ifMissing: true }],
      'add /missing/-: no member "missing"',
    );
    // A member set to undefined (JavaScript callers) is not there.
    const added = applyJsonPatch({ a: undefined } as Record<string, unknown>, [
      { op: 'add', path: '/a', value: 1, ifMissing: true },
    ]);
    expect(added).toEqual({ a: 1 });
  });

  it('replace needs a value; other operations are refused', () => {
    fails({ a: 1 }, [{ op: 'replace', path: '/a' }], 'replace /a: missing value');
    const move = fails(
      { a: 1 },
      [
        { op: 'add', path: '/b', value: 1 },
        { op: 'move', from: '/a', path: '/c' },
      ],
      'unsupported operation "move"',
    );
    expect(move.operation).toBe(1);
    expect(
      fails(
        { a: 1 },
        [
          { op: 'test', path: '/a', value: 1 },
          { op: 'copy', from: '/a', path: '/c' },
        ],
        'unsupported operation "copy"',
      ).operation,
    ).toBe(1);
  });

  it('remove leaves no member behind; added members are plain writable data', () => {
    const removed = applyJsonPatch({ a: 1, b: 2 }, [{ op: 'remove', path: '/a' }]);
    expect(Object.hasOwn(removed, 'a')).toBe(false);
    const added = applyJsonPatch({} as Record<string, unknown>, [{ op: 'add', path: '/a', value: 1 }]);
    expect(Object.getOwnPropertyDescriptor(added, 'a')).toEqual({
      value: 1,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it('refuses a patch that is not a list of operations, naming the place', () => {
    for (const [patch, place] of [
      [[null], 'patch[0]'],
      [['add'], 'patch[0]'],
      [
        [
          { op: 'add', path: '/a', value: 1 },
          { op: 1, path: '/a' },
        ],
        'patch[1]',
      ],
      [[{ op: 'add', path: 5 }], 'patch[0]'],
    ] as const) {
      expect(() => applyJsonPatch({}, patch as unknown as JsonPatchOperation[])).toThrow(
        expect.objectContaining({
          name: 'PodguardInputError',
          message: expect.stringMatching(
            new RegExp(
              `^${place.replace(/[[\]]/g, '\\$&')} must be an operation object with string op and path, got `,
            ),
          ),
        }),
      );
    }
    expect(() =>
      applyJsonPatch({}, [{ op: 'add', path: '/a', value: 10n } as unknown as JsonPatchOperation]),
    ).toThrow('patch is not JSON data: a BigInt at /0/value');
  });

  it('cloneJson copies every array and object, sharing nothing', () => {
    const value = { a: [{ b: [1] }], c: { d: {} } };
    const copy = cloneJson(value);
    expect(copy).toEqual(value);
    expect(copy.a).not.toBe(value.a);
    expect(copy.a[0]).not.toBe(value.a[0]);
    expect(copy.a[0]?.b).not.toBe(value.a[0]?.b);
    expect(copy.c).not.toBe(value.c);
    expect(copy.c.d).not.toBe(value.c.d);
  });
});
