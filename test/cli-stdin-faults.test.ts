/**
 * The built bin with standard input that is not input: a directory, a closed descriptor (Node
 * reopens it as /dev/null). `scan -` reports a read error, exit 2, never "0 objects" (issue 19).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'packages/cli/dist/podguard.mjs');
const dir = mkdtempSync(join(tmpdir(), 'podguard-stdin-faults-'));
const scanStdin = (redirect: string) =>
  spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" scan - ${redirect}`], {
    encoding: 'utf8',
    cwd: dir,
  });

describe.runIf(existsSync('/dev/null'))('standard input of the built bin', () => {
  it.each<[name: string, redirect: string, message: string]>([
    ['a directory', `< "${dir}"`, 'cannot read: standard input is a directory'],
    ['closed', '<&-', 'cannot read: standard input is closed'],
    ['/dev/null', '< /dev/null', 'cannot read: standard input is closed (or /dev/null)'],
  ])('%s: a read error, exit 2', (_, redirect, message) => {
    const run = scanStdin(redirect);
    expect(run.stdout).toContain(`-  ${message}`);
    expect(run.status).toBe(2);
  });

  it('a pipe is read as before', () => {
    const run = spawnSync(process.execPath, [bin, 'scan', '-'], {
      input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      encoding: 'utf8',
      cwd: dir,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('1 object scanned');
  });
});
