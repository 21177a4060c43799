import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DocumentChunk, parseChunk, readChunks, splitChunks } from './documents.js';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-list-items-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A `kubectl get pods,deployments,cronjobs,cm -A -o yaml` dump, as kubectl prints it. */
const yamlList = `apiVersion: v1
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-0
    namespace: shop
  spec:
    containers:
    - image: registry.example.com/web:1
      name: web
      securityContext:
        privileged: true
# a comment between items
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    namespace: shop
  spec:
    template:
      spec:
        hostNetwork: true
        containers:
        - image: registry.example.com/api:2
          name: api
- apiVersion: v1
  data:
    items: |
      - not: an item of the List
  kind: ConfigMap
  metadata:
    name: settings
- apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: report
  spec:
    schedule: "0 * * * *"
    jobTemplate:
      spec:
        template:
          spec:
            containers:
            - image: registry.example.com/report:3
              name: report
              securityContext: {runAsUser: 0}
kind: List
metadata:
  resourceVersion: ""
`;
const jsonList = `${JSON.stringify(parse(yamlList), null, 4)}\n`;
const compactJson = `${JSON.stringify(parse(yamlList))}\n`;

const items = (chunks: Iterable<DocumentChunk>) =>
  [...chunks].map((chunk) => ({
    item: chunk.item,
    firstLine: chunk.firstLine,
    lastLine: chunk.lastLine,
    value: chunk.item?.pointer === '/0' ? (parseChunk(chunk).value as unknown[])[0] : parseChunk(chunk).value,
  }));

const scan = (args: string[], stdin = '') => runCli(args, { cwd: dir, stdin, env: { NO_COLOR: '1' } });

describe('Lists read item by item (kubectl get -o yaml|json)', () => {
  it('splits a YAML List into its items, each with its own lines and value', () => {
    const read = items(splitChunks(yamlList, false, true));
    expect(read.map((item) => item.item?.index)).toEqual([0, 1, 2, 3]);
    expect(read.map((item) => [item.firstLine, item.lastLine])).toEqual([
      [3, 13],
      [15, 26],
      [27, 33],
      [34, 47],
    ]);
    expect(read.map((item) => item.value)).toEqual(parse(yamlList).items);
    // Read whole, the same text is one document.
    expect([...splitChunks(yamlList)]).toHaveLength(1);
  });

  it('splits a JSON List, indented as kubectl prints it or on one line, with the column of each item', () => {
    for (const text of [jsonList, compactJson]) {
      const read = items(splitChunks(text, true, true));
      expect(read.map((item) => item.value)).toEqual(parse(yamlList).items);
    }
    const [first] = [...splitChunks(jsonList, true, true)];
    // The Pod's 11 members (apiVersion, kind, metadata, name, namespace, spec, containers...), counted as read.
    expect(first?.item).toEqual({ index: 0, pointer: '', members: 11 });
    expect(first?.columnOffset).toBe(8);
    expect(first?.firstLine).toBe(4);
  });

  it('reads strings with brackets, quotes and backslashes as strings', () => {
    const tricky = {
      apiVersion: 'v1',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', data: { a: '"}, {"x": [', b: 'C:\\dir\\', c: '\\"]' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } },
      ],
      kind: 'List',
    };
    for (const text of [JSON.stringify(tricky, null, 4), JSON.stringify(tricky)]) {
      expect(items(splitChunks(text, true, true)).map((item) => item.value)).toEqual(tricky.items);
    }
  });

  it('reads a JSON List from a stream a block of lines at a time exactly as line by line', async () => {
    const tricky = (i: number) => ({
      apiVersion: 'v1',
      kind: i % 2 === 0 ? 'Pod' : 'ConfigMap',
      metadata: { name: `n-${i}`, annotations: { note: `"}, {"x": [ \\ ${'}'.repeat(i % 5)}` } },
      data: { path: 'C:\\dir\\', nested: [[{ deep: ['[', ']', '{'] }]] },
    });
    const list = { apiVersion: 'v1', items: Array.from({ length: 300 }, (_, i) => tricky(i)), kind: 'List' };
    const layouts = {
      kubectl: `${JSON.stringify(list, null, 4)}\n`,
      compact: `${JSON.stringify(list)}\n`,
      // YAML stream (stdin): a JSON List between other documents.
      stream: `apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n${JSON.stringify(list, null, 2)}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n`,
    };
    const shape = (chunk: DocumentChunk) => ({ ...chunk });
    for (const [name, text] of Object.entries(layouts)) {
      const json = name !== 'stream';
      const expected = [...splitChunks(text, json, true)].map(shape);
      expect(
        expected.filter((chunk) => chunk.item !== undefined),
        name,
      ).toHaveLength(300);
      // Reads of odd sizes: blocks end anywhere, strings and items go on into the next block.
      for (const size of [97, 4096, 65536]) {
        const parts: string[] = [];
        for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size));
        const read: DocumentChunk[] = [];
        for await (const chunk of readChunks(Readable.from(parts), json, true)) read.push(shape(chunk));
        expect(read, `${name} in reads of ${size}`).toEqual(expected);
      }
    }
  });

  it('finds a key repeated in a JSON item read from a stream, as kubectl refuses it', async () => {
    const item = (i: number, extra = '') =>
      `        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p${i}"${extra}}, "spec": {"containers": [{"name": "c", "image": "x:1"}]}}`;
    const items = Array.from({ length: 400 }, (_, i) => item(i, i === 250 ? ', "name": "again"' : ''));
    const text = `{\n    "apiVersion": "v1",\n    "items": [\n${items.join(',\n')}\n    ],\n    "kind": "List"\n}\n`;
    const run = await scan(['scan', '-', '--format', 'json'], text);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report.inputErrors).toEqual([
      expect.objectContaining({
        line: 254,
        message: expect.stringMatching(/^items\[250\]: .*(duplicate|unique|key)/i),
      }),
    ]);
    // The items before and after it are still judged.
    expect(report.summary.objects).toBe(399);
  });

  it('reads other documents whole: objects with items of their own, Lists with other keys first, flow style', () => {
    const plain = [
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\nitems:\n- x\n',
      'metadata: {name: x}\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\nkind: List\n',
      'items:\n- a\n- b\n',
      '{"kind": "Deployment", "apiVersion": "apps/v1", "items": [1]}\n',
      '{"apiVersion": "v1", "items": null, "kind": "List"}\n',
      '--- {apiVersion: v1, items: [], kind: List}\n',
    ];
    for (const text of plain) {
      const chunks = [...splitChunks(text, text.startsWith('{'), true)];
      expect(chunks, text).toHaveLength(1);
      expect(chunks[0]?.item, text).toBeUndefined();
    }
  });

  it('keeps the documents of a stream around a List in order, with their indexes', () => {
    const stream = `apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n${yamlList}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n`;
    const chunks = [...splitChunks(stream, false, true)];
    expect(chunks.map((chunk) => [chunk.index, chunk.item?.index])).toEqual([
      [0, undefined],
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
      [2, undefined],
    ]);
  });

  it('gives the same report read item by item (stdin) as read whole (a small file), YAML and JSON', async () => {
    for (const [name, text] of [
      ['dump.yaml', yamlList],
      ['dump.json', jsonList],
      ['compact.json', compactJson],
    ] as const) {
      writeFileSync(join(dir, name), text);
      const whole = await scan(['scan', name, '--format', 'json']);
      const streamed = await scan(['scan', '-', '--format', 'json'], text);
      expect(whole.code, name).toBe(1);
      expect(streamed.stdout, name).toBe(whole.stdout.replaceAll(`"${name}"`, '"-"'));
      expect(streamed.code).toBe(whole.code);
    }
  });

  it('reports a bad item by its index and place, and still the items before and after it (exit 2)', async () => {
    const badYaml = yamlList.replace('    name: api\n', '    name: [api\n');
    const yamlRun = await scan(['scan', '-', '--format', 'json'], badYaml);
    expect(yamlRun.code).toBe(2);
    const yamlReport = JSON.parse(yamlRun.stdout);
    expect(yamlReport.inputErrors).toEqual([
      expect.objectContaining({
        file: '-',
        line: expect.any(Number),
        message: expect.stringMatching(/^items\[1\]: invalid YAML/),
      }),
    ]);
    expect(
      new Set(yamlReport.findings.map((finding: { path: string }) => finding.path.split('/')[2])),
    ).toEqual(new Set(['0', '3']));

    // An item that is not an object: the core's own finding, at its index, as for the whole List.
    const notObject = jsonList.replace(/\{\n {12}"apiVersion": "v1",\n {12}"data"[\s\S]*?\n {8}\}/, '42');
    const objectRun = await scan(['scan', '-', '--format', 'json'], notObject);
    const invalid = JSON.parse(objectRun.stdout).findings.filter(
      (finding: { rule: string }) => finding.rule === 'invalidInput',
    );
    expect(
      invalid.map((finding: { path: string; message: string }) => [finding.path, finding.message]),
    ).toEqual([['/items/2', expect.stringContaining('expected a Kubernetes object, got a number')]]);

    // Truncated in the middle of the last item: the items before it are reported.
    const truncated = jsonList.slice(0, jsonList.indexOf('"name": "report"'));
    const truncatedRun = await scan(['scan', '-', '--format', 'json'], truncated);
    expect(truncatedRun.code).toBe(2);
    const truncatedReport = JSON.parse(truncatedRun.stdout);
    expect(truncatedReport.inputErrors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^items\[3\]: invalid YAML/) }),
    ]);
    expect(truncatedReport.summary.pods).toBe(2);
  });

  it('names a document that looks like a List but says another kind', async () => {
    const run = await scan(
      ['scan', '-', '--format', 'json'],
      yamlList.replace('kind: List\n', 'kind: Inventory\n'),
    );
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).inputErrors).toEqual([
      {
        file: '-',
        line: 1,
        column: 1,
        message:
          'a document that starts with apiVersion and items is read as a List (kubectl get), but its kind is "Inventory"',
      },
    ]);
  });
});
