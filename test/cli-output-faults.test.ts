/**
 * The built bin writing to a closed pipe or a full device: `podguard scan dir | head -1` ends
 * quietly; `> /dev/full` and `--output /dev/full` are one line naming the target, exit 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'packages/cli/dist/podguard.mjs');
const dir = mkdtempSync(join(tmpdir(), 'podguard-output-faults-'));

beforeAll(() => {
  // Enough findings that the report is far larger than a pipe's buffer.
  for (let i = 0; i < 400; i++) {
    writeFileSync(
      join(dir, `p${i}.yaml`),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}}\nspec:\n  containers: [{name: c, image: x}]\n`,
    );
  }
});

describe('output errors of the built bin', () => {
  it('ends quietly when standard output is closed early (| head -1)', async () => {
    const child = spawn(process.execPath, [bin, 'scan', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });

  it.runIf(existsSync('/dev/full'))('reports a full standard output in one line, exit 2', () => {
    const out = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" scan "${dir}" > /dev/full`], {
      encoding: 'utf8',
    });
    expect(out.stderr).toBe('podguard: standard output: cannot write: no space left on device\n');
    expect(out.status).toBe(2);
    const file = spawnSync(process.execPath, [bin, 'scan', dir, '--output', '/dev/full'], {
      encoding: 'utf8',
    });
    expect(file.stderr).toBe('podguard: --output /dev/full: cannot write: no space left on device\n');
    expect(file.status).toBe(2);
  });
});
