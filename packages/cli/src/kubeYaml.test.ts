import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputProblem, parseChunk, splitChunks } from './documents.js';
import { resolveGoYamlPlain } from './kubeYaml.js';
import { offsetOf, positionAt } from './sourceMap.js';
import { runCli } from './testing.js';

const read = (text: string) => {
  const [chunk] = [...splitChunks(text)];
  if (!chunk) throw new Error('no document');
  return parseChunk(chunk);
};
const scalarOf = (yaml: string) => (read(`v: ${yaml}\n`).value as { v: unknown }).v;

/**
 * What go-yaml v2 (gopkg.in/yaml.v2 `resolve()`, and sigs.k8s.io/yaml's fork of it, which kubectl,
 * Helm and the API server use) makes of each plain scalar, as its resolve table and tests document.
 */
describe('plain scalars read as go-yaml v2 reads them', () => {
  it.each<[yaml: string, goYaml: unknown]>([
    // Booleans: YAML 1.1's forms, as go-yaml's resolve table lists them.
    ['y', true],
    ['Y', true],
    ['yes', true],
    ['Yes', true],
    ['YES', true],
    ['on', true],
    ['On', true],
    ['ON', true],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['n', false],
    ['N', false],
    ['no', false],
    ['No', false],
    ['NO', false],
    ['off', false],
    ['Off', false],
    ['OFF', false],
    ['false', false],
    ['FALSE', false],
    ['yEs', 'yEs'],
    ['tRUE', 'tRUE'],
    // Nulls.
    ['~', null],
    ['null', null],
    ['Null', null],
    ['NULL', null],
    ['nULL', 'nULL'],
    // Integers: strconv.ParseInt(s, 0, 64) after removing underscores.
    ['0', 0],
    ['123', 123],
    ['-123', -123],
    ['+123', 123],
    ['0755', 493],
    ['0o755', 493],
    ['0O17', 15],
    ['-0o17', -15],
    ['0x1F', 31],
    ['0X1f', 31],
    ['0b101', 5],
    ['-0b101', -5],
    ['1_000', 1000],
    ['0_755', 493],
    ['9223372036854775807', 2 ** 63],
    // Not octal, so not an integer: a float (yamlStyleFloat), as go-yaml gives it.
    ['09', 9],
    ['0o8', '0o8'],
    // Floats.
    ['1.5', 1.5],
    ['-1.5e3', -1500],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1_000.5', 1000.5],
    ['.inf', Number.POSITIVE_INFINITY],
    ['-.Inf', Number.NEGATIVE_INFINITY],
    // Strings: sexagesimals and timestamps stay strings when decoded into interface{}.
    ['1:30', '1:30'],
    ['190:20:30', '190:20:30'],
    ['2001-12-14', '2001-12-14'],
    ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
    ['0x', '0x'],
    ['1.2.3', '1.2.3'],
    ['+', '+'],
    ['<<', '<<'],
    // Quoted scalars and explicit !!str are strings whatever they look like.
    ['"yes"', 'yes'],
    ["'0755'", '0755'],
    ['!!str on', 'on'],
    ['!!int 0755', 493],
    ['!!bool yes', true],
  ])('%s', (yaml, goYaml) => {
    expect(scalarOf(yaml)).toEqual(goYaml);
  });

  it('keys are written as sigs.k8s.io/yaml writes them into JSON', () => {
    expect(read('on: 1\n0x10: 2\nnull: 3\n').value).toEqual({ true: 1, '16': 2, null: 3 });
  });

  it('writes documents back so that go-yaml reads the same values (Helm post-render)', () => {
    const parsed = read('a: "on"\nb: yes\nc: "0755"\nd: 0x1F\n');
    parsed.document.set('e', 'off');
    parsed.document.set('f', '1:30');
    parsed.document.set('g', false);
    parsed.document.set('n', 5);
    const written = parsed.document.toString();
    expect(read(written).value).toEqual({
      a: 'on',
      b: true,
      c: '0755',
      d: 31,
      e: 'off',
      f: '1:30',
      g: false,
      n: 5,
    });
    // No explicit tags: the values are written as plain YAML.
    expect(written).not.toContain('!!');
  });

  it('resolves without a YAML parser too (the function the tag uses)', () => {
    expect(resolveGoYamlPlain('off')).toBe(false);
    expect(resolveGoYamlPlain('0o17')).toBe(15);
  });
});

describe('merge keys as go-yaml v2 applies them', () => {
  it.each<[name: string, yaml: string, expected: unknown]>([
    [
      'inline mapping',
      'spec: {<<: {hostNetwork: true, hostPID: true}}',
      { spec: { hostNetwork: true, hostPID: true } },
    ],
    [
      'alias',
      'base: &b {privileged: true}\nsc:\n  <<: *b\n  runAsUser: 1000',
      { base: { privileged: true }, sc: { privileged: true, runAsUser: 1000 } },
    ],
    ['a key after the merge overrides it', 'm: {<<: {a: 1}, a: 2}', { m: { a: 2 } }],
    // go-yaml v2 applies entries in order: a merge overrides a key written before it.
    ['a merge overrides a key before it', 'm: {a: 2, <<: {a: 1}}', { m: { a: 1 } }],
    [
      'in a merged sequence the first mapping wins',
      'x: &x {a: 1}\nz: &z {a: 2, b: 2}\nm:\n  <<: [*x, *z]',
      { x: { a: 1 }, z: { a: 2, b: 2 }, m: { a: 1, b: 2 } },
    ],
    ['a quoted "<<" is an ordinary key', 'm: {"<<": {a: 1}}', { m: { '<<': { a: 1 } } }],
    // go-yaml v2 checks no merge key for repeats: each is applied in its turn.
    [
      'two merge keys in one mapping, applied in order',
      'a: &a {hostNetwork: true, x: 1}\nb: &b {hostPID: true, x: 2}\nspec:\n  <<: *a\n  <<: *b',
      {
        a: { hostNetwork: true, x: 1 },
        b: { hostPID: true, x: 2 },
        spec: { hostNetwork: true, hostPID: true, x: 2 },
      },
    ],
  ])('%s', (_, yaml, expected) => {
    expect(read(`${yaml}\n`).value).toEqual(expected);
  });

  it('still refuses an ordinary key given twice, and a quoted "<<" given twice', () => {
    expect(() => read('m: {a: 1, a: 2}\n')).toThrow('Map keys must be unique');
    expect(() => read('m: {"<<": 1, "<<": 2}\n')).toThrow('Map keys must be unique');
  });

  it('rejects what go-yaml rejects', () => {
    expect(() => read('m: {<<: 1}\n')).toThrow('map merge requires map or sequence of maps as the value');
    expect(() => read('m: {<<: [1]}\n')).toThrow('map merge requires map or sequence of maps as the value');
  });

  it('locates a merged field at its merge source', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  hostIPC: false\n  <<: {hostNetwork: true}\n';
    const parsed = read(text);
    expect(positionAt(parsed.lineCounter, offsetOf(parsed.document, '/spec/hostNetwork'), 1)).toEqual({
      line: 5,
      column: 8,
    });
    const aliased = read('x: &x {hostPID: true}\nspec:\n  <<: *x\n');
    expect(positionAt(aliased.lineCounter, offsetOf(aliased.document, '/spec/hostPID'), 1)).toEqual({
      line: 1,
      column: 8,
    });
  });
});

describe('streams go-yaml reads', () => {
  it('accepts a %YAML 1.1 directive and keeps line numbers', () => {
    const [chunk, ...rest] = [...splitChunks('%YAML 1.1\n---\napiVersion: v1\nkind: Pod\n')];
    expect(rest).toEqual([]);
    expect(chunk?.firstLine).toBe(3);
    expect(chunk && parseChunk(chunk).value).toEqual({ apiVersion: 'v1', kind: 'Pod' });
  });

  it('refuses other YAML versions, as go-yaml does', () => {
    expect(() => [...splitChunks('%YAML 1.2\n---\na: 1\n')]).toThrow(
      expect.objectContaining({
        name: 'InputProblem',
        line: 1,
        message: expect.stringMatching(/YAML 1\.1 only/),
      }),
    );
  });

  it('reads CR-only line endings', () => {
    const chunks = [...splitChunks('apiVersion: v1\rkind: Pod\r---\rkind: Service\r')];
    expect(chunks.map((chunk) => [chunk.firstLine, parseChunk(chunk).value])).toEqual([
      [1, { apiVersion: 'v1', kind: 'Pod' }],
      [4, { kind: 'Service' }],
    ]);
  });
});

describe('aliasing bounded as go-yaml bounds it', () => {
  it('900 aliases of a 20,000-item list: refused, not expanded', () => {
    const text = `a: &a [${Array(20_000).fill('x').join(',')}]\nb: [${Array(900).fill('*a').join(',')}]\n`;
    expect(() => read(text)).toThrow(InputProblem);
    expect(() => read(text)).toThrow('invalid YAML: document contains excessive aliasing');
  });

  it('a billion laughs: refused after a walk of the text', () => {
    const levels = ['a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]'];
    for (let i = 1; i < 30; i++)
      levels.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    expect(() => read(`${levels.join('\n')}\n`)).toThrow('document contains excessive aliasing');
  });

  it('ordinary anchors are fine', () => {
    const text = `d: &d {cpu: 1}\nc: [${Array(100).fill('*d').join(',')}]\n`;
    expect((read(text).value as { c: unknown[] }).c).toHaveLength(100);
  });
});

describe('what kubectl applies is what podguard scans (issue 19)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-kubeyaml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds host namespaces set through a merge key, at the merge source', async () => {
    writeFileSync(
      join(dir, 'merged.yaml'),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: web, namespace: shop}',
        'spec:',
        '  <<: {hostNetwork: true, hostPID: true, hostIPC: true}',
        '  securityContext: {runAsNonRoot: yes, seccompProfile: {type: RuntimeDefault}}',
        '  containers:',
        '  - name: app',
        '    image: app:1',
        '    securityContext:',
        '      <<: {privileged: true}',
        '',
      ].join('\n'),
    );
    const run = await runCli(['scan', 'merged.yaml', '--profile', 'restricted', '--format', 'json'], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const findings = (
      JSON.parse(run.stdout) as {
        findings: { rule: string; status: string; locations: { source?: { line: number } }[] }[];
      }
    ).findings;
    const failed = findings.filter((f) => f.status === 'fail').map((f) => f.rule);
    expect(failed).toEqual(expect.arrayContaining(['hostNamespaces', 'privileged']));
    // runAsNonRoot: yes is true, as kubectl reads it: neither invalid input nor a runAsNonRoot finding.
    expect(failed).not.toContain('invalidInput');
    expect(failed).not.toContain('runAsNonRoot');
  });

  it('--fix keeps CR-only line endings, and every byte outside its edits', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p, namespace: ns}',
      'spec:',
      '  containers:',
      '  - name: c',
      '    image: app:1',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: c}',
      '',
    ].join('\r');
    writeFileSync(join(dir, 'cr.yaml'), text);
    const run = await runCli(['scan', 'cr.yaml', '--fix'], { cwd: dir });
    expect(run.stderr).toContain('cr.yaml: applied');
    const fixed = readFileSync(join(dir, 'cr.yaml'), 'utf8');
    expect(fixed).not.toContain('\n');
    expect(fixed.startsWith(text.slice(0, text.indexOf('    image: app:1\r') + 17))).toBe(true);
    expect(fixed.endsWith('---\rapiVersion: v1\rkind: ConfigMap\rmetadata: {name: c}\r')).toBe(true);
    expect(fixed).toContain('\r    securityContext:\r      allowPrivilegeEscalation: false\r');
    expect((await runCli(['scan', 'cr.yaml'], { cwd: dir })).code).toBe(0);
  });
});

describe('keys that are names of Object.prototype', () => {
  it('__proto__ is a key like any other: an own property, the prototype untouched (merged ones too)', () => {
    const value = read('a:\n  __proto__: {x: 1}\n  constructor: 2\nb:\n  <<: {__proto__: {z: 2}}\n')
      .value as Record<string, Record<string, unknown>>;
    for (const [key, expected] of [
      ['a', { x: 1 }],
      ['b', { z: 2 }],
    ] as const) {
      const map = value[key] as Record<string, unknown>;
      expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
      expect(Object.hasOwn(map, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toEqual(expected);
    }
    expect(Object.hasOwn(value.a as object, 'constructor')).toBe(true);
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });
});
