import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Document, isMap, isScalar, isSeq, stringify, visit } from 'yaml';
import { loadPsaCases } from '../../../test/fixtures/psa/load.mjs';
import { readBlockYaml } from './blockYaml.js';
import { type DocumentChunk, parseChunk, parseWithYaml, splitChunks } from './documents.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Every JSON pointer of a value, and one missing child of each collection. */
function pointers(value: unknown, at = ''): string[] {
  if (typeof value !== 'object' || value === null) return [at];
  const out = [at, `${at}/missing~1child`];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, child] of entries)
    out.push(...pointers(child, `${at}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`));
  return out;
}

/** The key order of a value's mappings, which deep equality does not see. */
const keyOrder = (value: unknown): unknown =>
  typeof value !== 'object' || value === null
    ? null
    : Array.isArray(value)
      ? value.map(keyOrder)
      : Object.entries(value).map(([key, child]) => [key, keyOrder(child)]);

/**
 * Reads `text` both ways. When the fast reader reads it, the value (and key order) and the
 * position of every pointer must be the yaml package's; returns which reader read it.
 */
function compare(text: string, label: string): 'fast' | 'yaml' {
  const fast = readBlockYaml(text);
  if (fast === undefined) return 'yaml';
  const chunk = { index: 0, text, firstLine: 1, lastLine: 1 };
  let slow: ReturnType<typeof parseWithYaml>;
  try {
    slow = parseWithYaml(chunk);
  } catch (error) {
    throw new Error(
      `${label}: the fast reader read what the yaml package refuses (${String(error)}):\n${text}`,
    );
  }
  expect(fast.value, label).toEqual(slow.value);
  expect(keyOrder(fast.value), label).toEqual(keyOrder(slow.value));
  for (const pointer of pointers(slow.value))
    expect(fast.linePos(fast.offsetOf(pointer)), `${label} ${pointer}`).toEqual(slow.position(pointer));
  const parsed = parseChunk(chunk);
  expect(parsed.value).toEqual(fast.value);
  // The yaml package's document, parsed when first asked for.
  expect(parsed.document.toJS()).toBeTypeOf('object');
  return 'fast';
}

/** Small collections of scalars written in flow style (`{app: web}`, `[ALL]`), as people write them. */
function withFlowLeaves(object: unknown): string {
  const document = new Document(object);
  visit(document, {
    Map(_, node) {
      if (node.items.length <= 3 && node.items.every((pair) => isScalar(pair.value))) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item) || isMap(item) || isSeq(item))) node.flow = true;
    },
  });
  return document.toString();
}

describe('the fast block YAML reader', () => {
  const objects = loadPsaCases().map((entry: { object: unknown }) => entry.object);

  it('reads the upstream corpus as `yaml.stringify`, kubectl (sequences at their key) and flow leaves write it, exactly as the yaml package', () => {
    const styles: [string, (object: unknown) => string][] = [
      ['stringify', (object) => stringify(object)],
      ['kubectl', (object) => stringify(object, { indentSeq: false })],
      [
        'quoted',
        (object) => stringify(object, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }),
      ],
      ['flow leaves', withFlowLeaves],
    ];
    for (const [style, write] of styles) {
      let fast = 0;
      for (const [index, object] of objects.entries()) {
        if (compare(write(object), `${style} #${index}`) === 'fast') fast++;
      }
      // Block styles nearly all (what is left, the reader leaves on purpose); `yaml` wraps long flow
      // collections over several lines, which the reader leaves too.
      expect(fast / objects.length, style).toBeGreaterThan(style === 'flow leaves' ? 0.1 : 0.97);
    }
  });

  it('reads every YAML document of the repository (real-world manifests, examples, fixtures) as the yaml package does', () => {
    const files = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file !== '');
    expect(files.length).toBeGreaterThan(10);
    const read = { fast: 0, yaml: 0 };
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      let chunks: DocumentChunk[];
      try {
        chunks = [...splitChunks(text)];
      } catch {
        continue; // binary or otherwise unreadable: not YAML to compare
      }
      for (const chunk of chunks) read[compare(chunk.text, `${file} document ${chunk.index}`)]++;
    }
    expect(read.fast).toBeGreaterThan(read.yaml);
  });

  it("gives go-yaml v2's scalars, quoted keys and values, comments and flow collections", () => {
    const text = [
      '# a comment before',
      'plain: web',
      'yes: y',
      'onoff: off',
      'octal: 0755',
      'hex: 0x1F',
      'under: 1_000',
      'float: 1.5e3',
      'inf: -.inf',
      'nan: .NaN',
      'tilde: ~',
      'empty:',
      'nullish: Null',
      'time: 2001-12-14',
      'sexagesimal: 1:30',
      '"quoted key": "quoted # not a comment"',
      "'single': 'it''s'",
      '__proto__: {polluted: true}',
      '2: second',
      '1: first',
      'dash: -1',
      'flags: --verbose',
      'url: http://example.com/#anchor',
      'hash: a#b',
      'comment: value # a comment',
      'flow: {drop: [ALL], add: ["NET_BIND_SERVICE", \'x\'], empty: {}, none: []}',
      'ports: [80, 0x1F, yes, "8080"]',
      'nested:',
      '  - name: a',
      '    args:',
      '    - --one',
      '    -   spaced',
      '      # a comment inside',
      '  -  name: b',
      '  - plain item',
      '  - "quoted item"',
      '  - {inline: map}',
      'sameColumn:',
      '- 1',
      '- two',
      'last: end',
    ].join('\n');
    expect(compare(text, 'scalars')).toBe('fast');
    const value = readBlockYaml(text)?.value as Record<string, unknown>;
    expect(value).toMatchObject({
      true: true,
      onoff: false,
      octal: 493,
      hex: 31,
      under: 1000,
      time: '2001-12-14',
    });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value).slice(0, 2)).toEqual(['1', '2']);
  });

  it('leaves everything else to the yaml package', () => {
    const left = [
      'a: &anchor 1\nb: *anchor',
      'a: !!str 1',
      '<<: {a: 1}',
      'a: |\n  text',
      'a: >-\n  text',
      'a: multi\n  line',
      'a: "multi\n  line"',
      'a: "escape \\n"',
      'a:\tb',
      'a: 1\na: 2',
      'yes: 1\ntrue: 2',
      '1: a\n"1": b',
      'a: b: c',
      'a: b:',
      'a: -',
      'a: [1, 2,]',
      'a: [a: b]',
      'a: {a: }',
      'a: [1, 2',
      'a: [http://x]',
      'a: {b: 1} trailing',
      '- - nested',
      '-\n  a: 1',
      '- # comment',
      'a:\n  b: 1\n c: 2',
      'a: 1\n  b: 2',
      'a:\n- 1\n  - 2',
      '  a: 1\nb: 2',
      'key : spaced',
      'a:b: c',
      '? complex\n: key',
      'scalar',
      '"just a string"',
      '',
      '# only a comment',
      'a: 1\r\nb: 2',
      '\ufeffa: 1',
      'a: line\u2028break',
      '-a: b',
      '[1, 2]',
      '{a: 1}',
      'a: @reserved',
      'a: `reserved',
      'a: %percent',
      'a:\n  - 1\n  b: 2',
    ];
    for (const text of left) expect(readBlockYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it('reads deep nesting', () => {
    const deep = Array.from({ length: 200 }, (_, level) => `${' '.repeat(level)}k:`).join('\n');
    expect(compare(`${deep} 1`, 'deep')).toBe('fast');
  });
});
