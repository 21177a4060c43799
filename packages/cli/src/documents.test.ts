import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputProblem, parseChunk, readChunks, splitChunks } from './documents.js';

const collect = async (stream: Readable, wholeFile = false) => {
  const chunks = [];
  for await (const chunk of readChunks(stream, wholeFile)) chunks.push(chunk);
  return chunks;
};

const stream = [
  '# leading comment',
  'apiVersion: v1',
  'kind: ConfigMap',
  '---',
  '# Source: shop/templates/web.yaml',
  'kind: Pod',
  '---',
  '--- {kind: Service}',
  '...',
  '',
].join('\r\n');

describe('document splitting', () => {
  it('splits on markers, keeps line numbers and Helm templates, counts empty documents without yielding them', async () => {
    const chunks = [...splitChunks(stream)];
    expect(
      chunks.map(({ index, firstLine, lastLine, template, inline }) => ({
        index,
        firstLine,
        lastLine,
        template,
        inline,
      })),
    ).toEqual([
      { index: 0, firstLine: 1, lastLine: 3, template: undefined, inline: undefined },
      { index: 1, firstLine: 5, lastLine: 6, template: 'shop/templates/web.yaml', inline: undefined },
      // Document 2 is the empty one between the two markers (issue 21).
      { index: 3, firstLine: 8, lastLine: 8, template: undefined, inline: true },
    ]);
  });

  it('reads a stream into the same documents as the text in memory', async () => {
    expect(await collect(Readable.from([stream]))).toEqual([...splitChunks(stream)]);
    const json = '{\n  "kind": "Pod"\n}\n---\n';
    expect(await collect(Readable.from([json]), true)).toEqual([...splitChunks(json, true)]);
    expect([...splitChunks(json, true)]).toHaveLength(1);
  });

  it('reads the same documents whatever the reads are cut into: CRLF split across reads, CR, multibyte characters', async () => {
    const text = 'a: 1\r\n---\nb: "é€"\rc: 2\r\n---\r\nd: 3\r';
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 5, 7, bytes.length]) {
      const reads: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) reads.push(bytes.subarray(at, at + size));
      expect(await collect(Readable.from(reads)), `reads of ${size} bytes`).toEqual([...splitChunks(text)]);
    }
  });

  it('takes the rest of a large document as one slice, with the same documents, lines and text as a line at a time', async () => {
    const many = <T>(count: number, item: (i: number) => T): T[] =>
      Array.from({ length: count }, (_, i) => item(i));
    const text = [
      // Past the lines a List scanner looks at: the rest is one block, up to the next marker.
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      ...many(200, (i) => `  key${i}: "value ${i}"`),
      // Not markers: a marker is `---` or `...` alone or before a blank.
      '  ---x: 1',
      '---',
      // Content only after the first 64 lines: read a line at a time.
      ...many(70, (i) => `# comment ${i}`),
      'kind: Pod',
      ...many(10, (i) => `k${i}: v`),
      '--- # a marker with a comment',
      '# Source: chart/templates/deployment.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      ...many(150, (i) => `l${i}: "%not a directive"`),
      '...',
      '%YAML 1.1',
      '---',
      'apiVersion: v1',
      'kind: List',
      'items:',
      ...many(40, (i) => `- {apiVersion: v1, kind: Pod, metadata: {name: p${i}}}`),
      ...many(40, (i) => `- apiVersion: v1\n  kind: Secret\n  metadata: {name: s${i}}`),
      '--- {kind: Service}',
      ...many(80, (i) => `# trailing ${i}`),
      '---',
      ...many(100, (i) => `last${i}: ${i}`),
    ].join('\n');
    const plain = (value: string) => value.replaceAll('\r\n', '\n');
    for (const [source, ending] of [
      [text, 'no final line break'],
      [`${text}\n`, 'a final line break'],
      [`${text}\n---`, 'a marker at the very end'],
    ] as const) {
      for (const lists of [false, true]) {
        // CRLF input is read a line at a time: the oracle.
        const lineByLine = [...splitChunks(source.replaceAll('\n', '\r\n'), false, lists)];
        const chunks = [...splitChunks(source, false, lists)];
        expect(
          chunks.map((chunk) => ({ ...chunk, text: plain(chunk.text) })),
          `${ending}, lists ${lists}`,
        ).toEqual(lineByLine.map((chunk) => ({ ...chunk, text: plain(chunk.text) })));
        if (lists) expect(chunks.filter((chunk) => chunk.item !== undefined)).toHaveLength(80);
        const firstLines = chunks.map((chunk) => chunk.firstLine);
        expect(firstLines.slice(0, 2), ending).toEqual([1, 206]);
      }
    }
    const json = JSON.stringify(
      { kind: 'ConfigMap', data: Object.fromEntries(many(300, (i) => [`k${i}`, '---'])) },
      null,
      2,
    );
    expect([...splitChunks(json, true)]).toEqual([...splitChunks(json.replaceAll('\n', '\r\n'), true)]);
    expect([...splitChunks(json, true)][0]).toMatchObject({ text: json, firstLine: 1, lastLine: 305 });
  });

  it('rejects binary content with the line it is on', () => {
    expect(() => [...splitChunks('a: 1\nb: \u0000\n')]).toThrow(
      expect.objectContaining({ name: 'InputProblem', line: 2 }),
    );
  });

  it('reports malformed YAML at its line in the file, not in the document', () => {
    const [, second] = [...splitChunks('a: 1\n---\nb: [1, 2\n')];
    expect(second).toBeDefined();
    let problem: unknown;
    try {
      parseChunk(second as NonNullable<typeof second>);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(InputProblem);
    expect((problem as InputProblem).line).toBe(3);
  });
});

describe('no input hangs (issue 19)', () => {
  it('a Helm `# Source:` line of 200 KB with a long run of blanks', () => {
    const name = `chart/templates/a${' '.repeat(200_000)}b.yaml`;
    const [chunk] = [...splitChunks(`# Source: ${name}   \nkind: Pod\n`)];
    expect(chunk?.template).toBe(name);
  });
});
