import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('columns of a document on its marker line (--- {…})', () => {
  const text = [
    '--- {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {hostNetwork: true, containers: [{name: c, image: x}]}}',
    '--- {a: {{ .Values.x }}}',
    '',
  ].join('\n');
  const lines = text.split('\n');

  it('are the file’s: findings, unrendered templates and YAML errors', async () => {
    writeFileSync(join(dir, 'inline.yaml'), text);
    writeFileSync(join(dir, 'malformed.yaml'), '--- {a: [}\n');
    const args = ['scan', 'inline.yaml', 'malformed.yaml', '--format', 'compact', '--profile', 'baseline'];
    const run = await runCli(args, { cwd: dir });
    expect(run.code).toBe(2);
    const [finding, template, yaml] = run.stdout.trimEnd().split('\n');
    expect(finding).toBe(
      `inline.yaml:1:${(lines[0] as string).indexOf('hostNetwork') + 1}: error hostNamespaces host namespaces (hostNetwork=true)`,
    );
    expect(template).toMatch(
      new RegExp(`^inline\\.yaml:2:${(lines[1] as string).indexOf('{{') + 1}: error input an unrendered`),
    );
    // `[}`: the parser stops at the `}` (column 10 of the file, 7 of the text after `---`).
    expect(yaml).toMatch(/^malformed\.yaml:1:10: error input invalid YAML/);
  });
});
