/**
 * The configuration file holds the core's options, validated by the core, and runs through the
 * core's evaluation session with manifests and Dockerfiles alike (issue 12).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const directories: string[] = [];
afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

/** A directory with these files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-config-'));
  directories.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

interface Report {
  findings: { rule: string; status: string; severity: string; resource: { kind: string } }[];
  summary: Record<string, number>;
}

async function scanJson(dir: string, ...args: string[]) {
  const run = await runCli(['scan', '--format', 'json', ...args], { cwd: dir });
  return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout || '{}') as Report };
}

const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n';

describe('podguard.config.yaml: the core options, checked by the core', () => {
  it.each([
    // The CLI once accepted what the core then rejected.
    [
      'denyUids: [1.5]\n',
      'invalid option denyUids[0]: expected an integer between 0 and 2147483647, got 1.5',
    ],
    ['failOn: warnings\n', 'invalid option failOn: expected error, warning or none, got "warnings"'],
    ['uidRange: {min: 1, mn: 2}\n', 'invalid option uidRange.mn'],
    ['imageConfigs: a.json\n', 'key "imageConfigs" must be a list of file paths'],
  ])('rejects %j naming the key', async (text, message) => {
    const dir = project({ 'podguard.config.yaml': text, 'pod.yaml': pod });
    const run = await runCli(['scan', 'pod.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`podguard.config.yaml: ${message}`);
  });

  it('applies a dockerfileUser suppression to Dockerfiles, and does not call it unused', async () => {
    const config = `suppressions:
  - rule: dockerfileUser
    reason: base image switches user at entrypoint (SEC-9)
    match: { kind: Dockerfile }
`;
    const dir = project({ 'podguard.config.yaml': config, Dockerfile: 'FROM alpine:3.20\nRUN true\n' });
    const { code, report } = await scanJson(dir, 'Dockerfile');
    expect(report.findings.map((f) => [f.rule, f.status])).toEqual([['dockerfileUser', 'suppressed']]);
    expect(code).toBe(0);
  });

  it('pure PSA profiles run no podguard rule on a Dockerfile', async () => {
    const dir = project({ Dockerfile: 'FROM alpine:3.20\n' });
    expect((await scanJson(dir, 'Dockerfile')).code).toBe(1);
    for (const profile of ['baseline', 'restricted']) {
      const { code, report } = await scanJson(dir, 'Dockerfile', '--profile', profile);
      expect(report.findings).toEqual([]);
      expect(code).toBe(0);
    }
  });

  it('takes failOn and version from the file; flags win', async () => {
    const dir = project({
      'podguard.config.yaml': 'failOn: none\nversion: v1.24\n',
      'pod.yaml': pod,
    });
    expect((await scanJson(dir, 'pod.yaml')).code).toBe(0);
    expect((await scanJson(dir, 'pod.yaml', '--fail-on', 'error')).code).toBe(1);
    const old = await scanJson(dir, 'pod.yaml', '--fail-on', 'error', '--pss-version', 'v1.0');
    expect(old.code).toBe(1);
  });

  it('accepts the deprecated names for one minor version, with a warning', async () => {
    const dir = project({
      'podguard.config.yaml': 'pssVersion: v1.30\nprofile: baseline\n',
      'pod.yaml': pod,
    });
    const { code, report } = await scanJson(dir, 'pod.yaml');
    expect(code).toBe(0);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule: 'deprecatedOption', status: 'fail', severity: 'warning' }),
    );
  });
});

describe('the configuration reader ignores the prototype (issue 19)', () => {
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: app:1}]}\n';
  it.each<[file: string, text: string, key: string]>([
    ['podguard.config.yaml', 'toString: 1\n', 'toString'],
    ['podguard.config.yaml', 'constructor: {}\n', 'constructor'],
    ['podguard.config.yaml', 'hasOwnProperty: true\n', 'hasOwnProperty'],
    ['podguard.config.json', '{"__proto__": {"profile": "baseline"}}', '__proto__'],
    ['podguard.config.yaml', '__proto__: {profile: baseline}\n', '__proto__'],
  ])('%s with %j: the key is an unknown option, not an internal error', async (file, text, key) => {
    const dir = project({ [file]: text, 'pod.yaml': pod });
    const run = await runCli(['scan', 'pod.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: invalid option ${key}: unknown option`);
    expect(run.stderr).not.toContain('internal error');
  });

  it('rejects unknown keys inside a custom profile.options', async () => {
    const dir = project({
      'podguard.config.yaml':
        'profile: {name: mine, level: restricted, rules: [], options: {uidRnage: {min: 1}}}\n',
      'pod.yaml': pod,
    });
    const run = await runCli(['scan', 'pod.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('invalid option profile.options.uidRnage: unknown option');
  });
});
