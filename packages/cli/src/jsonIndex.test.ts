import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { JsonIndex } from './jsonIndex.js';
import { offsetOf, positionAt } from './sourceMap.js';

/** Every pointer of a value, and a few that do not exist under each. */
function pointers(value: unknown, at = ''): string[] {
  const out = [at, `${at}/missing`];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) out.push(...pointers(item, `${at}/${index}`));
  } else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value))
      out.push(...pointers(item, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return out;
}

/** Where the YAML reader (sourceMap.ts) places a pointer in the same text. */
function yamlPosition(text: string, pointer: string) {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  return positionAt(lineCounter, offsetOf(document, pointer), 1);
}

describe('JsonIndex', () => {
  it('places every pointer where the YAML reader does, in kubectl’s layout and on one line', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'a/b~c', annotations: { 'x/y': 'say "hi"\\n', é: '' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }, 443], args: [] }], hostNetwork: true },
    };
    for (const text of [JSON.stringify(pod, null, 4), JSON.stringify(pod), JSON.stringify(pod, null, '\t')]) {
      const index = new JsonIndex(text);
      expect(index.duplicateKey).toBe(false);
      for (const pointer of pointers(pod))
        expect(index.position(pointer), pointer).toEqual(yamlPosition(text, pointer));
    }
  });

  it('agrees with the YAML reader on generated JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 2, 4), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const index = new JsonIndex(text);
        for (const pointer of pointers(value))
          expect(index.position(pointer)).toEqual(yamlPosition(text, pointer));
      }),
      { numRuns: 200 },
    );
  });

  it('finds a repeated key at any depth, also when written with escapes', () => {
    expect(new JsonIndex('{"a": 1, "a": 2}').duplicateKey).toBe(true);
    expect(new JsonIndex('{"s": {"k": [{"x": 1, "\\u0078": 2}]}}').duplicateKey).toBe(true);
    expect(new JsonIndex('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}').duplicateKey).toBe(false);
  });
});
