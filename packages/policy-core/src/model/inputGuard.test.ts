import { describe, expect, it } from 'vitest';
import {
  analyzeDockerfile,
  analyzeHelmChart,
  applyJsonPatch,
  checkPod,
  createEvaluation,
  dockerfileUser,
  evaluate,
  harden,
  imageUserFor,
  normalizeImageReference,
  parseImageUser,
  validateOptions,
} from '../index.js';
import { PodguardInputError } from './errors.js';
import { checkJsonData, MAX_INPUT_DEPTH, takeWithoutDollarKeys } from './inputGuard.js';

const pod = (spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec,
});
const containers = [{ name: 'c', image: 'app:1' }];

/** The PodguardInputError `call` throws: its message and field. */
function inputError(call: () => unknown): { message: string; field: string | undefined } {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(PodguardInputError);
    const { message, field } = error as PodguardInputError;
    return { message, field };
  }
  throw new Error('expected a PodguardInputError');
}

const cyclic = () => {
  const object = pod({ containers });
  (object.spec as Record<string, unknown>).self = object;
  return object;
};
const nested = (levels: number) => {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { n: value };
  return pod({ containers, extra: value });
};
const nestedLists = (levels: number) => {
  let value: unknown = pod({ containers });
  for (let i = 0; i < levels; i++) value = { apiVersion: 'v1', kind: 'List', items: [value] };
  return value;
};

describe('public functions throw only PodguardInputError, with a path (issue 19)', () => {
  it.each<[name: string, call: () => unknown, message: string, field: string | undefined]>([
    [
      'harden, a cycle',
      () => harden(cyclic()),
      'input has a cycle: /spec/self contains itself',
      '/spec/self',
    ],
    [
      'evaluate, a cycle',
      () => evaluate(cyclic()),
      'input has a cycle: /spec/self contains itself',
      '/spec/self',
    ],
    [
      'harden, 7,800 levels',
      () => harden(nested(7800)),
      `input is nested deeper than ${MAX_INPUT_DEPTH} levels`,
      expect.stringMatching(/^\/spec\/extra\/n\/n/),
    ],
    [
      'evaluate, 2,000 nested Lists',
      () => evaluate(nestedLists(2000)),
      `input is nested deeper than ${MAX_INPUT_DEPTH} levels`,
      expect.stringMatching(/^\/items\/0\/items\/0/),
    ],
    [
      'session learn, a cycle',
      () => createEvaluation().learn(cyclic()),
      'input has a cycle: /spec/self contains itself',
      '/spec/self',
    ],
    [
      'checkPod, capabilities.add a Set',
      () =>
        checkPod(
          pod({
            containers: [{ name: 'c', securityContext: { capabilities: { add: new Set(['NET_ADMIN']) } } }],
          }),
          'restricted',
        ),
      'input is not JSON data: a Set at /spec/containers/0/securityContext/capabilities/add',
      '/spec/containers/0/securityContext/capabilities/add',
    ],
    [
      'evaluate, a field inherited through the prototype',
      () =>
        evaluate(pod({ containers: [{ name: 'c', securityContext: Object.create({ runAsUser: '0' }) }] })),
      'input is not JSON data: an object with an inherited prototype (its inherited fields would be read but not sent) at /spec/containers/0/securityContext',
      '/spec/containers/0/securityContext',
    ],
    ['parseImageUser(null)', () => parseImageUser(null as never), 'user must be a string, got null', 'user'],
    [
      'analyzeDockerfile(undefined)',
      () => analyzeDockerfile(undefined as never),
      'text must be a string, got undefined',
      'text',
    ],
    [
      'dockerfileUser(5)',
      () => dockerfileUser(5 as never),
      'text must be a string, got a number (5)',
      'text',
    ],
    [
      'normalizeImageReference(5)',
      () => normalizeImageReference(5 as never),
      'reference must be a string, got a number (5)',
      'reference',
    ],
    [
      'imageUserFor with no map',
      () => imageUserFor('app:1', null as never),
      'imageUsers must be an object mapping image references to USER strings, got null',
      'imageUsers',
    ],
    [
      'applyJsonPatch({}, null)',
      () => applyJsonPatch({}, null as never),
      'patch must be an array of operations, got null',
      'patch',
    ],
    [
      'applyJsonPatch({}, [null])',
      () => applyJsonPatch({}, [null] as never),
      'patch[0] must be an operation object with string op and path, got null',
      'patch[0]',
    ],
    [
      'analyzeHelmChart(null)',
      () => analyzeHelmChart(null as never),
      'chart must be an object with a templates array, got null',
      'chart',
    ],
    [
      'options with a BigInt',
      () => evaluate(pod({ containers }), { uidRange: { min: 10n as never } }),
      'options is not JSON data: a BigInt at /uidRange/min',
      '/uidRange/min',
    ],
    [
      'options with a Symbol',
      () => evaluate(pod({ containers }), { profile: Symbol('x') as never }),
      'options is not JSON data: a Symbol at /profile',
      '/profile',
    ],
    [
      'options with a cycle',
      () => {
        const options: Record<string, unknown> = { profile: 'restricted' };
        options.self = options;
        return evaluate(pod({ containers }), options);
      },
      'options has a cycle: /self contains itself',
      '/self',
    ],
    [
      'harden unsafe: a BigInt',
      () => harden(pod({ containers }), { unsafe: 1n as never }),
      'invalid option unsafe: expected true or false, got a BigInt',
      'unsafe',
    ],
    [
      'options __proto__',
      () => validateOptions(JSON.parse('{"__proto__": {"level": "baseline"}}')),
      'invalid option __proto__: unknown option',
      '__proto__',
    ],
    [
      'rules.toString',
      () => validateOptions({ rules: { toString: { enabled: false } } }),
      expect.stringContaining('invalid option rules.toString: unknown rule id'),
      'rules.toString',
    ],
    [
      'unknown key in a custom profile',
      () =>
        validateOptions({ profile: { name: 'x', level: 'restricted', rules: [], options: { bogus: 1 } } }),
      'invalid option profile.options.bogus: unknown option',
      'profile.options.bogus',
    ],
  ])('%s', (_, call, message, field) => {
    expect(inputError(call)).toEqual({ message, field });
  });

  it('shared subtrees (YAML aliases) are walked once, and count their depth', () => {
    let shared: unknown = [1];
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    // 2^60 paths, 61 levels: accepted at once.
    expect(() => checkJsonData({ a: shared }, 'input')).not.toThrow();
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < MAX_INPUT_DEPTH - 5; i++) deep = { n: deep };
    expect(() =>
      checkJsonData({ first: deep, second: { a: { b: { c: { d: { e: deep } } } } } }, 'input'),
    ).toThrow(`input is nested deeper than ${MAX_INPUT_DEPTH} levels`);
  });

  it('nesting up to the limit is fine', () => {
    expect(evaluate(nested(MAX_INPUT_DEPTH - 10)).findings.length).toBeGreaterThan(0);
  });
});

describe('takeWithoutDollarKeys', () => {
  const pod = (extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'web', image: 'web:1', securityContext: { ...extra } }] },
  });

  it('is true right after the check of an input without a key starting with $, once', () => {
    const input = [pod(), pod()];
    checkJsonData(input, 'input');
    expect(takeWithoutDollarKeys(input)).toBe(true);
    // Forgotten once asked: no reference to the input is kept.
    expect(takeWithoutDollarKeys(input)).toBe(false);
  });

  it('is false when a key starts with $ anywhere, however deep', () => {
    const deep = pod({ $patch: 'replace' });
    checkJsonData(deep, 'input');
    expect(takeWithoutDollarKeys(deep)).toBe(false);
    const inArray = [pod(), { ...pod(), $retainKeys: ['spec'] }];
    checkJsonData(inArray, 'input');
    expect(takeWithoutDollarKeys(inArray)).toBe(false);
  });

  it('is false for another value than the one checked last, and for input the fast walk cannot judge', () => {
    const checked = pod();
    checkJsonData(checked, 'input');
    checkJsonData({ other: true }, 'options');
    expect(takeWithoutDollarKeys(checked)).toBe(false);
    // Deeper than the fast walk goes: the full walk decides, and it says nothing of keys.
    let nested: unknown = 'leaf';
    for (let level = 0; level < MAX_INPUT_DEPTH / 5; level++) nested = [nested];
    checkJsonData(nested, 'input');
    expect(takeWithoutDollarKeys(nested)).toBe(false);
  });
});
