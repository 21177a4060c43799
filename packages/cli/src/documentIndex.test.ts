/**
 * Issue 21: `source.document` is the 0-based index of the document in the YAML stream exactly as
 * the `yaml` library's parseAllDocuments (and yq's documentIndex) count it: empty and comment-only
 * documents count.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readChunks, splitChunks } from './documents.js';
import { runCli } from './testing.js';

const directories: string[] = [];
afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

const pod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: app:1\n`;

/** Streams with every way of having documents without content. */
const STREAMS: Record<string, string> = {
  'a leading ---': `---\n${pod('a')}---\n${pod('b')}`,
  'comments before a leading ---': `# generated\n# by a tool\n---\n${pod('a')}---\n${pod('b')}`,
  'empty documents': `${pod('a')}---\n---\n---\n${pod('b')}`,
  'comment-only documents': `${pod('a')}---\n# nothing here\n---\n  # indented comment\n\n---\n${pod('b')}`,
  'a trailing ---': `${pod('a')}---\n${pod('b')}---\n`,
  'a --- with a comment on its line': `--- # first\n${pod('a')}--- # empty\n--- # second\n${pod('b')}`,
  'a document end marker': `${pod('a')}...\n# between\n---\n${pod('b')}...\n`,
  'an inline document after an empty one': `${pod('a')}---\n--- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n`,
  'Helm output': `---\n# Source: shop/templates/a.yaml\n${pod('a')}---\n# Source: shop/templates/empty.yaml\n---\n# Source: shop/templates/b.yaml\n${pod('b')}`,
  'CRLF line endings': `---\r\n---\r\n${pod('a').replace(/\n/g, '\r\n')}---\r\n# c\r\n---\r\n${pod('b').replace(/\n/g, '\r\n')}`,
};

/** The index parseAllDocuments gives each document with content. */
function libraryIndexes(text: string): number[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  // An empty or comment-only document holds null.
  return documents.flatMap((document, index) => (document.toJS() === null ? [] : [index]));
}

describe('document index', () => {
  it.each(Object.entries(STREAMS))('counts as parseAllDocuments does with %s', async (_, text) => {
    const expected = libraryIndexes(text);
    expect(expected).toHaveLength(2);
    expect([...splitChunks(text)].map((chunk) => chunk.index)).toEqual(expected);
    const streamed = [];
    for await (const chunk of readChunks(Readable.from([text]))) streamed.push(chunk.index);
    expect(streamed).toEqual(expected);
  });

  it('is the document index in the JSON report, for every finding, also after empty documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podguard-documents-'));
    directories.push(dir);
    for (const [name, text] of Object.entries(STREAMS)) {
      const file = `${name.replace(/\W+/g, '-')}.yaml`;
      writeFileSync(join(dir, file), text);
      const run = await runCli(['scan', file, '--format', 'json', '--no-config'], { cwd: dir });
      const report = JSON.parse(run.stdout) as {
        findings: { resource: { name: string }; source: { document: number } | null }[];
      };
      const expected = libraryIndexes(text);
      const byName = new Map(report.findings.map((f) => [f.resource.name, f.source?.document]));
      expect({ name, a: byName.get('a'), b: byName.get('b') }).toEqual({
        name,
        a: expected[0],
        b: expected[1],
      });
    }
  });

  it('gives the items of a List inside a multi-document file the List document index and /items/N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podguard-documents-'));
    directories.push(dir);
    const list = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      ...[pod('first'), pod('second')].map((text) =>
        text
          .trimEnd()
          .split('\n')
          .map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`))
          .join('\n'),
      ),
      '',
    ].join('\n');
    const text = `---\n# empty\n---\n${pod('before')}---\n${list}---\n`;
    writeFileSync(join(dir, 'mixed.yaml'), text);
    const run = await runCli(['scan', 'mixed.yaml', '--format', 'json', '--no-config'], { cwd: dir });
    const report = JSON.parse(run.stdout) as {
      findings: {
        rule: string;
        path: string;
        resource: { name: string };
        source: { document: number; line: number };
      }[];
    };
    expect(libraryIndexes(text)).toEqual([1, 2]);
    const runAsNonRoot = (name: string) =>
      report.findings.find((f) => f.rule === 'runAsNonRoot' && f.resource.name === name);
    expect(runAsNonRoot('before')?.source.document).toBe(1);
    expect(runAsNonRoot('first')).toMatchObject({ path: expect.stringMatching(/^\/items\/0\/spec/) });
    expect(runAsNonRoot('second')).toMatchObject({ path: expect.stringMatching(/^\/items\/1\/spec/) });
    expect(runAsNonRoot('first')?.source.document).toBe(2);
    expect(runAsNonRoot('second')?.source.document).toBe(2);
    // Line numbers stay those of the file.
    expect(text.split('\n')[(runAsNonRoot('second')?.source.line ?? 0) - 1]).toContain('name: app');
  });
});
