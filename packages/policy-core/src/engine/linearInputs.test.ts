/**
 * Inputs that used to take minutes (issue 19, "no input hangs"), at the sizes reported there. The
 * tests assert results, not times: with a quadratic algorithm back in place they simply do not
 * finish within the test timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDockerfile, dockerfileUser, keyValues, unquote } from '../dockerfile/analyzeDockerfile.js';
import { parseDockerfile } from '../dockerfile/parseDockerfile.js';
import { evaluate } from './evaluate.js';
import { globMatches } from './suppressions.js';

describe('suppression globs are matched in linear time', () => {
  it.each<[glob: string, text: string, expected: boolean]>([
    ['*', '', true],
    ['*', 'anything', true],
    ['', '', true],
    ['', 'a', false],
    ['web-*', 'web-7d4', true],
    ['web-*', 'api-7d4', false],
    ['*-7d4', 'web-7d4', true],
    ['w?b', 'web', true],
    ['w?b', 'wb', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
    ['a*b*c', 'abcbc', true],
    ['*a*a*b', 'aaab', true],
    ['*a*a*b', 'aaba', false],
    ['a.b', 'aXb', false],
    ['a.b', 'a.b', true],
    ['(x)+', '(x)+', true],
    ['**', 'x', true],
    ['*?', '', false],
    ['*?', 'x', true],
  ])('%j matches %j: %s', (glob, text, expected) => {
    expect(globMatches(glob, text)).toBe(expected);
  });

  it("'*a*a*a*a*a*a*a*a*b' against 40 and 253 a's (a name taken from the manifest)", () => {
    const glob = '*a*a*a*a*a*a*a*a*b';
    expect(globMatches(glob, 'a'.repeat(40))).toBe(false);
    expect(globMatches(glob, 'a'.repeat(253))).toBe(false);
    expect(globMatches(glob, `${'a'.repeat(252)}b`)).toBe(true);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'a'.repeat(253), namespace: 'a'.repeat(63) },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    };
    const result = evaluate(pod, {
      level: 'restricted',
      suppressions: [{ rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42', match: { name: glob } }],
    });
    expect(result.findings.find((f) => f.rule === 'runAsNonRoot')?.status).toBe('fail');
  });
});

describe('image users are looked up by map', () => {
  // A generous timeout for a machine under load; quadratic lookups took minutes.
  it('1,000 containers against 100,000 imageUsers keys', () => {
    const imageUsers: Record<string, string> = {};
    for (let i = 0; i < 100_000; i++)
      imageUsers[`registry.example/app-${i}:1.0`] = i % 10 === 0 ? '0' : '1000';
    const containers = Array.from({ length: 1000 }, (_, i) => ({
      name: `c${i}`,
      // Written unnormalised half the time, so the normalised index is used too.
      image: i % 2 === 0 ? `registry.example/app-${i}:1.0` : `REGISTRY.example/app-${i}:1.0`,
    }));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'many', namespace: 'default' },
      spec: { securityContext: { runAsNonRoot: true }, containers },
    };
    const result = evaluate(pod, { profile: 'hardened', imageUsers });
    const rootImages = result.findings.filter(
      (f) => f.rule === 'kubeletRunAsNonRoot' && f.status === 'fail' && f.messageId === 'imageRunsAsRoot',
    );
    expect(rootImages.flatMap((f) => f.locations.map((l) => l.container)).sort()).toEqual(
      containers
        .filter((_, i) => i % 10 === 0)
        .map((c) => c.name)
        .sort(),
    );
  }, 60_000);
});

describe('Dockerfiles that used to take minutes', () => {
  it('100,000 stages, each on the one before: found by map', () => {
    const lines = ['FROM node:20 AS s0', 'USER 1000'];
    for (let i = 1; i < 100_000; i++) lines.push(`FROM s${i - 1} AS s${i}`);
    const text = lines.join('\n');
    expect(dockerfileUser(text, { target: 's50000' })?.user).toBe('1000');
  }, 60_000);

  it('a parser directive line with 60,000 spaces inside', () => {
    const text = `# escape=\`${' '.repeat(60_000)}x\nFROM node:20\nUSER 1000\n`;
    // Not a valid escape value: rejected, and quickly.
    expect(() => parseDockerfile(text)).toThrow(/invalid escape character/);
    const spaced = `#${' '.repeat(60_000)}escape${' '.repeat(60_000)}=${' '.repeat(60_000)}\`${' '.repeat(60_000)}\nFROM node:20\n`;
    expect(parseDockerfile(spaced).escape).toBe('`');
  });

  it('an instruction with 60,000 spaces before its last word', () => {
    const text = `FROM node:20\nUSER 1000\nRUN echo${' '.repeat(60_000)}done\n`;
    const run = parseDockerfile(text).instructions[2];
    expect(run?.args).toBe(`echo${' '.repeat(60_000)}done`);
  });
});

describe('Dockerfile quotes are read by scanning', () => {
  // The regular expressions the scanners replaced: right, but quadratic on unterminated quotes.
  const regexWords = (text: string) => text.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
  const regexUnquote = (text: string) =>
    text.replace(/"((?:\\.|[^"\\])*)"|'([^']*)'/g, (_, double?: string, single?: string) =>
      double !== undefined ? double.replace(/\\(.)/g, '$1') : (single ?? ''),
    );

  it('reads words and quotes as the regular expressions did', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', '=', ' ', '"', "'", '\\', '\n', '\t'),
      maxLength: 24,
    });
    fc.assert(
      fc.property(text, (value) => {
        expect(keyValues(value, false).map(([key, v]) => (v === undefined ? key : `${key}=${v}`))).toEqual(
          regexWords(value.trim()).map((word) => {
            const eq = word.indexOf('=');
            return eq === -1 ? word : `${word.slice(0, eq)}=${regexUnquote(word.slice(eq + 1))}`;
          }),
        );
        expect(unquote(value)).toBe(regexUnquote(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('ENV and USER values with 20,000 unterminated quotes', () => {
    const env = `FROM node:20\nENV a=${'"\\'.repeat(20_000)}x b=1\nUSER 1000\n`;
    expect(analyzeDockerfile(env)).toEqual([]);
    // As BuildKit's regular expression read it: an unterminated quote ends the word and is dropped.
    const pairs = keyValues(`a=${'"\\'.repeat(20_000)}x b=1`, true);
    expect([pairs[0], pairs[1], pairs.at(-1)]).toEqual([
      ['a', ''],
      ['\\', undefined],
      ['b', '1'],
    ]);
    const user = `FROM node:20\nUSER "${'\\"'.repeat(30_000)}\n`;
    // Not terminated: the quotes stay.
    expect(dockerfileUser(user)?.user).toBe(`"${'\\"'.repeat(30_000)}`);
  });
});
