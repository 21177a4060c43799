/**
 * What a new user has: a clone of the repository alone, in an empty directory (no sibling folders),
 * and README's commands run in it as printed. Slow (a full install and the whole suite), so it runs
 * in `npm run test:slow`, which `.ci/run` runs after `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const parent = mkdtempSync(join(tmpdir(), 'podguard-clone-'));
const clone = join(parent, 'podguard');

// The clone holds a full install (node_modules): removing it takes longer than vitest's 10 s hook default.
afterAll(() => rmSync(parent, { recursive: true, force: true }), 600_000);

/** The commands of README's "Try it" block, as printed. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /## Try it\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```sh block under "## Try it"');
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function sh(command: string) {
  return spawnSync('bash', ['-o', 'pipefail', '-c', command], {
    cwd: clone,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
    maxBuffer: 256 * 1024 * 1024,
  });
}

describe('a fresh clone with no sibling folders', () => {
  it("passes README's install and test commands", () => {
    execFileSync('git', ['clone', '-q', root, clone]);
    expect(readdirSync(parent)).toEqual(['podguard']);
    const commands = readmeCommands();
    expect(commands).toEqual(['npm ci && npx podguard scan examples/manifests', 'npm test']);

    // README: exit code 1, because examples/manifests has findings on purpose.
    const scan = sh(commands[0] as string);
    expect(scan.stderr).not.toMatch(/ERR!|Error:/);
    expect(scan.status).toBe(1);
    // The text report wraps long messages to the terminal's width: compare with whitespace folded.
    expect(scan.stdout.replace(/\s+/g, ' ')).toContain(
      'container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root',
    );

    const test = sh(commands[1] as string);
    if (test.status !== 0) console.log(test.stdout.slice(-20_000), test.stderr.slice(-5_000));
    expect(test.status).toBe(0);
    const report = JSON.parse(readFileSync(join(clone, 'reports/vitest.json'), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBeGreaterThan(500);
  }, 1_800_000);
});
