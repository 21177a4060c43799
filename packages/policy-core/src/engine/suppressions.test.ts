/**
 * The suppression primitives one by one: the shape check (every message), the expiry day, glob
 * and object matching, and the annotation reader (JSON, or the YAML flow subset people write by
 * hand). evaluate()'s use of them is tested in evaluate.test.ts and the CLI's config tests.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, ResourceRef, Suppression } from '../model/types.js';
import {
  activate,
  globMatches,
  MIN_REASON_LENGTH,
  matches,
  parseSuppressAnnotation,
  SUPPRESS_ANNOTATION,
  suppressionProblem,
} from './suppressions.js';

const REASON = 'vendor image pins its uid';

describe('suppressionProblem', () => {
  it('accepts a complete suppression, with match where allowed', () => {
    expect(suppressionProblem({ rule: 'runAsUserRange', reason: REASON }, false)).toBeUndefined();
    expect(
      suppressionProblem(
        {
          rule: 'runAsUserRange',
          reason: REASON,
          expires: '2028-02-29',
          match: { kind: 'Deployment', namespace: 'db-*', name: 'postgres', container: 'pg' },
        },
        true,
      ),
    ).toBeUndefined();
  });

  it.each([
    [null, 'a suppression must be an object with rule and reason'],
    ['runAsUserRange', 'a suppression must be an object with rule and reason'],
    [['runAsUserRange'], 'a suppression must be an object with rule and reason'],
    [{ rule: 'runAsUserRange', reason: REASON, because: 'x' }, 'unknown key "because" in suppression'],
    [{ rule: 'runAsUserRange', reason: REASON, match: { name: 'a' } }, 'unknown key "match" in suppression'],
    [{ reason: REASON }, 'suppression has no rule'],
    [{ rule: '', reason: REASON }, 'suppression has no rule'],
    [{ rule: 5, reason: REASON }, 'suppression has no rule'],
    [
      { rule: 'invalidInput', reason: REASON },
      'invalidInput is an engine diagnostic about the input and cannot be suppressed',
    ],
    [
      { rule: 'unusedSuppression', reason: REASON },
      'unusedSuppression is an engine diagnostic about the input and cannot be suppressed',
    ],
    [
      { rule: 'runAsNonroot', reason: REASON },
      'suppression names unknown rule "runAsNonroot" (did you mean runAsNonRoot?)',
    ],
    [{ rule: 'privileged' }, 'suppression of privileged needs a reason of at least 10 characters'],
    [
      { rule: 'privileged', reason: 42 },
      'suppression of privileged needs a reason of at least 10 characters',
    ],
    [
      { rule: 'privileged', reason: 'x'.repeat(MIN_REASON_LENGTH - 1) },
      'suppression of privileged needs a reason of at least 10 characters',
    ],
    // Spaces around a short reason do not make it long enough.
    [
      { rule: 'privileged', reason: `   ${'x'.repeat(MIN_REASON_LENGTH - 1)}   ` },
      'suppression of privileged needs a reason of at least 10 characters',
    ],
  ])('%j: %s', (suppression, problem) => {
    expect(suppressionProblem(suppression, false)).toBe(problem);
  });

  it('refuses an unknown key where match is allowed, and only match among the extra keys', () => {
    expect(suppressionProblem({ rule: 'runAsUserRange', reason: REASON, because: 'x' }, true)).toBe(
      'unknown key "because" in suppression',
    );
    expect(suppressionProblem({ rule: 'runAsUserRange', reason: REASON, matches: {} }, true)).toBe(
      'unknown key "matches" in suppression',
    );
  });

  it('takes a reason of exactly the minimum length', () => {
    expect(suppressionProblem({ rule: 'privileged', reason: 'x'.repeat(MIN_REASON_LENGTH) }, false)).toBe(
      undefined,
    );
  });

  it.each([
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-01-32',
    '2026-1-01',
    'x2026-01-01',
    '2026-01-01x',
    '2026-01-01T00:00:00Z',
    20260101,
    // Date.UTC reads years 0-99 as 1900-1999: the year check catches it.
    '0050-01-01',
  ])('refuses expires %j, naming it', (expires) => {
    expect(suppressionProblem({ rule: 'privileged', reason: REASON, expires }, false)).toBe(
      `suppression of privileged has an invalid expires ${JSON.stringify(expires)} (expected YYYY-MM-DD)`,
    );
  });

  it('refuses an expires that is not a string, even one that reads as a date when coerced', () => {
    expect(suppressionProblem({ rule: 'privileged', reason: REASON, expires: ['2027-01-01'] }, false)).toBe(
      'suppression of privileged has an invalid expires ["2027-01-01"] (expected YYYY-MM-DD)',
    );
  });

  it.each([
    ['db', 'suppression of privileged has a match that is not an object'],
    [null, 'suppression of privileged has a match that is not an object'],
    [{ image: 'postgres:16' }, 'unknown key "match.image" in suppression of privileged'],
    [{ name: 'a', namespace: 5 }, 'match.namespace of suppression of privileged must be a string'],
  ])('refuses match %j: %s', (match, problem) => {
    expect(suppressionProblem({ rule: 'privileged', reason: REASON, match }, true)).toBe(problem);
  });
});

describe('activate', () => {
  it('keeps a suppression until the last millisecond of its expires day, UTC', () => {
    const suppression: Suppression = { rule: 'privileged', reason: REASON, expires: '2027-01-31' };
    expect(activate(suppression, 'options')).toEqual({
      suppression,
      source: 'options',
      expiresAt: Date.UTC(2027, 1, 1) - 1,
      used: false,
    });
    expect(activate({ rule: 'privileged', reason: REASON }, 'options').expiresAt).toBeUndefined();
  });
});

describe('globMatches', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['db-*', 'db-primary', true],
    ['db-*', 'web-db', false],
    ['*b', 'bb', true],
    ['*b', 'bx', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['ab', 'abc', false],
    ['abc', 'ab', false],
    ['a**', 'a', true],
    ['', '', true],
    ['', 'a', false],
  ])('%j on %j: %s', (glob, text, expected) => {
    expect(globMatches(glob, text)).toBe(expected);
  });
});

describe('matches', () => {
  const resource: ResourceRef = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'db',
    name: 'postgres',
  };
  const finding = (container?: string): Finding =>
    ({
      rule: 'runAsUserRange',
      locations: [
        { path: '/spec/template/spec/securityContext/runAsUser' },
        ...(container ? [{ path: '/spec/template/spec/containers/0', container }] : []),
      ],
    }) as Finding;
  const suppress = (match?: Suppression['match'], rule = 'runAsUserRange'): Suppression => ({
    rule,
    reason: REASON,
    ...(match ? { match } : {}),
  });

  it('needs the same rule; without match, covers every object', () => {
    expect(matches(suppress(), resource, finding())).toBe(true);
    expect(matches(suppress(undefined, 'privileged'), resource, finding())).toBe(false);
  });

  it('matches kind exactly, namespace and name by glob', () => {
    expect(matches(suppress({ kind: 'Deployment' }), resource, finding())).toBe(true);
    expect(matches(suppress({ kind: 'StatefulSet' }), resource, finding())).toBe(false);
    expect(matches(suppress({ namespace: 'd*' }), resource, finding())).toBe(true);
    expect(matches(suppress({ namespace: 'web' }), resource, finding())).toBe(false);
    expect(matches(suppress({ name: 'post*' }), resource, finding())).toBe(true);
    expect(matches(suppress({ name: 'redis' }), resource, finding())).toBe(false);
    expect(matches(suppress({ kind: 'Deployment', name: 'redis' }), resource, finding())).toBe(false);
  });

  it('reads a missing namespace or name as empty', () => {
    const bare: ResourceRef = { apiVersion: 'v1', kind: 'Pod' };
    expect(matches(suppress({ namespace: '*' }), bare, finding())).toBe(true);
    expect(matches(suppress({ namespace: '?*' }), bare, finding())).toBe(false);
    expect(matches(suppress({ name: '*' }), bare, finding())).toBe(true);
    expect(matches(suppress({ name: '?*' }), bare, finding())).toBe(false);
  });

  it('matches a container when one of the finding locations is in it', () => {
    expect(matches(suppress({ container: 'pg' }), resource, finding('pg'))).toBe(true);
    expect(matches(suppress({ container: 'pg' }), resource, finding('exporter'))).toBe(false);
    expect(matches(suppress({ container: 'pg' }), resource, finding())).toBe(false);
    expect(matches(suppress({ name: 'redis', container: 'pg' }), resource, finding('pg'))).toBe(false);
  });
});

describe('parseSuppressAnnotation', () => {
  it('reads a JSON list, and a single object as a list of one', () => {
    const entry = { rule: 'runAsUserRange', reason: REASON };
    expect(parseSuppressAnnotation(JSON.stringify([entry]))).toEqual({ suppressions: [entry] });
    expect(parseSuppressAnnotation(JSON.stringify(entry))).toEqual({ suppressions: [entry] });
  });

  it('reads JSON as JSON, numbers included', () => {
    expect(parseSuppressAnnotation('[1e5, "it\'s"]')).toEqual({ suppressions: [100000, "it's"] });
  });

  it('reads the YAML flow forms written by hand: bare words, quotes of both kinds, numbers, booleans', () => {
    expect(
      parseSuppressAnnotation(
        `[{rule: runAsUserRange, reason: 'vendor''s image pins its uid', expires: 2027-01-01,
          a: 10, b: -1.25, c: 1.5, d: true, e: null, name: a:b , q: "say \\"hi\\"", url: http://x}]`,
      ),
    ).toEqual({
      suppressions: [
        {
          rule: 'runAsUserRange',
          reason: "vendor's image pins its uid",
          expires: '2027-01-01',
          a: 10,
          b: -1.25,
          c: 1.5,
          d: true,
          e: null,
          name: 'a:b',
          q: 'say "hi"',
          url: 'http://x',
        },
      ],
    });
  });

  it('reads a double-quoted YAML flow string of any length, escapes included', () => {
    // Odd and even lengths, so a scan that skipped characters in pairs would miss the closing quote.
    expect(
      parseSuppressAnnotation('[{rule: privileged, reason: "vendor pins uid", a: "ab", b: "a\\"b"}]'),
    ).toEqual({
      suppressions: [{ rule: 'privileged', reason: 'vendor pins uid', a: 'ab', b: 'a"b' }],
    });
  });

  it('refuses what is not a list of suppressions', () => {
    const notList = { error: `annotation ${SUPPRESS_ANNOTATION} must hold a list of suppressions` };
    expect(parseSuppressAnnotation('"runAsUserRange"')).toEqual(notList);
    expect(parseSuppressAnnotation('runAsUserRange')).toEqual(notList);
    expect(parseSuppressAnnotation('12')).toEqual(notList);
    const unreadable = {
      error: `annotation ${SUPPRESS_ANNOTATION} is not a JSON or YAML flow list of suppressions`,
    };
    expect(parseSuppressAnnotation('[{rule: a')).toEqual(unreadable);
    expect(parseSuppressAnnotation('rule:')).toEqual(unreadable);
    expect(parseSuppressAnnotation('[{rule: "a}]')).toEqual(unreadable);
  });
});
