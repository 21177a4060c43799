/** Inputs that used to scan as "0 objects" with exit 0 and no word (issue 19). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-silent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scan = async (name: string, content: string | Buffer) => {
  writeFileSync(join(dir, name), content);
  return runCli(['scan', name, '--format', 'json'], { cwd: dir });
};
interface Report {
  findings: { rule: string; status: string; message: string; source?: { file: string; line: number } }[];
  inputErrors: { file: string; line?: number; column?: number; message: string }[];
}

describe('no silent pass', () => {
  it.each<[name: string, head: string]>([
    ['no apiVersion', 'kind: Deployment'],
    ['no kind', 'apiVersion: apps/v1'],
    ['apiVersion: 1', 'apiVersion: 1\nkind: Deployment'],
    ['neither', ''],
  ])('a Deployment with %s is an invalidInput finding naming the document', async (_, head) => {
    const text = `${head}\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: app:1}]\n`;
    const run = await scan('deployment.yaml', text);
    // An invalidInput finding fails the scan like every other error finding.
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.filter((f) => f.rule === 'invalidInput')).toEqual([
      expect.objectContaining({
        status: 'error',
        message: expect.stringContaining('not a Kubernetes object'),
        source: expect.objectContaining({ file: 'deployment.yaml' }),
      }),
    ]);
  });

  it('still skips documents that are not meant as Kubernetes objects (values, other tools)', async () => {
    const run = await scan('values.yaml', 'replicaCount: 2\nimage: {repository: app}\n');
    expect(run.code).toBe(0);
  });

  it('rejects a .json file with comments, naming the place', async () => {
    const run = await scan(
      'pod.json',
      '{\n  // the web pod\n  "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},\n  "spec": {"containers": [{"name": "c", "image": "app:1"}]}\n}\n',
    );
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as Report).inputErrors).toEqual([
      {
        file: 'pod.json',
        line: 2,
        column: 3,
        message: "invalid JSON: Expected property name or '}' (comments are not JSON)",
      },
    ]);
  });

  it('rejects binary input without NUL bytes', async () => {
    const run = await scan(
      'blob.yaml',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x41, 0x42]),
    );
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as Report).inputErrors).toEqual([
      expect.objectContaining({ file: 'blob.yaml', message: 'binary file: not YAML, JSON or a Dockerfile' }),
    ]);
  });

  it('a document nested deeper than the reader takes is an input error, not an internal error', async () => {
    const depth = 1100;
    const run = await scan(
      'deep.yaml',
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: app:1}], x: ${'['.repeat(depth)}${']'.repeat(depth)}}\n`,
    );
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as Report).inputErrors).toEqual([
      // Whichever limit comes first: the YAML reader's stack or the core's documented depth.
      expect.objectContaining({
        file: 'deep.yaml',
        message: expect.stringMatching(
          /^(invalid YAML: nested too deeply \(the limit is about 1,000 levels\)|input is nested deeper than 1000 levels)$/,
        ),
      }),
    ]);
  });
});
