/**
 * The pre-commit hooks (`.pre-commit-hooks.yaml`), run by the real `pre-commit` tool with
 * `pre-commit try-repo` against a temporary git repository with staged files, offline: the
 * hooks use `language: system`, so pre-commit installs nothing and runs the podguard on PATH
 * (hook `podguard`) or in the repository's node_modules (hook `podguard-npx`).
 *
 * `.ci/run` installs pre-commit (the Debian package) when it is missing; only when that is not
 * possible does this file skip, saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const missing = preCommit.error
  ? 'pre-commit is not installed (apt-get install pre-commit; .ci/run does)'
  : '';
if (missing) console.warn(`test/pre-commit.test.ts skipped: ${missing}`);

let work: string;
let bin: string;
const basePath = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'podguard-pre-commit-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(join(root, 'packages/cli/bin/podguard.mjs'), join(bin, 'podguard'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A git repository with `files` (path → content, or a repository file to copy) staged. */
function repository(name: string, files: Record<string, string | { copy: string }>): string {
  const dir = join(work, name);
  mkdirSync(dir);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    if (typeof content === 'string') writeFileSync(join(dir, path), content);
    else copyFileSync(join(root, content.copy), join(dir, path));
  }
  execFileSync('git', ['add', '-A'], { cwd: dir });
  return dir;
}

/** `pre-commit try-repo <podguard> <hook>` in `dir`, on the staged files. */
function tryRepo(dir: string, hook: string, path: string[]) {
  const run = spawnSync('pre-commit', ['try-repo', root, hook], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: path.join(delimiter),
      HOME: work,
      PRE_COMMIT_HOME: join(work, 'cache'),
      NO_COLOR: '1',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(missing !== '')('pre-commit try-repo with the podguard hooks', () => {
  it('fails on a staged manifest and Dockerfile that run as root, reading past JSONC and CI YAML', () => {
    const dir = repository('insecure', {
      'k8s/api.yaml': { copy: 'examples/manifests/api-deployment.yaml' },
      Dockerfile: 'FROM node:22\nUSER node\n',
      // A Jib build with no container user: the image runs as root.
      'service/pom.xml':
        '<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>a</artifactId><version>1</version><build><plugins><plugin><groupId>com.google.cloud.tools</groupId><artifactId>jib-maven-plugin</artifactId><version>3.4.4</version></plugin></plugins></build></project>\n',
      'tsconfig.json': '{\n  // JSON with comments: not a manifest\n  "compilerOptions": {}\n}\n',
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
    });
    const run = tryRepo(dir, 'podguard', [bin, ...basePath]);
    expect(run.status, run.output).toBe(1);
    expect(run.output).toMatch(/podguard\.+Failed/);
    // The text report, grouped by object: the file, then line:col per finding.
    expect(run.output).toContain('Deployment shop/api  k8s/api.yaml:3');
    expect(run.output).toMatch(/\n +19:11 +error +runAsNonRoot != true/);
    expect(run.output).toContain('Dockerfile Dockerfile:1');
    expect(run.output).toMatch(/\n +2:1 +error +USER node is a name/);
    expect(run.output).toContain('Jib service/pom.xml:1');
    expect(run.output).toContain('3 objects scanned in 4 files: 3 failed, 0 passed');
    expect(run.output).toContain('10 findings: 10 errors');
    expect(run.output).not.toContain('tsconfig.json');
  }, 150_000);

  it('passes secure manifests, and reviews a staged chart template through its chart', () => {
    const dir = repository('secure', {
      'k8s/api.yaml': { copy: 'examples/manifests/fixed/api-deployment.yaml' },
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'chart/values.yaml': 'securityContext:\n  runAsNonRoot: true\n',
      'chart/templates/deployment.yaml':
        'kind: Deployment\nspec:\n  template:\n    spec:\n      securityContext: {{- toYaml .Values.podSecurityContext | nindent 8 }}\n      containers:\n        - name: web\n          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}\n',
    });
    const run = tryRepo(dir, 'podguard', [bin, ...basePath]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/podguard\.+Passed/);
  }, 150_000);

  it('podguard-npx runs the repository’s own @podguard/cli (node_modules/.bin), with no podguard on PATH', () => {
    const dir = repository('npx', {
      'package.json': '{ "name": "infra", "private": true, "devDependencies": { "@podguard/cli": "*" } }\n',
      'k8s/api.yaml': { copy: 'examples/manifests/api-deployment.yaml' },
    });
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(join(root, 'packages/cli/bin/podguard.mjs'), join(dir, 'node_modules/.bin/podguard'));
    const run = tryRepo(dir, 'podguard-npx', basePath);
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain('Deployment shop/api  k8s/api.yaml:3');
    expect(run.output).toMatch(/\n +19:11 +error +runAsNonRoot != true/);
    const system = tryRepo(dir, 'podguard', basePath);
    expect(system.status).toBe(1);
    expect(system.output).toContain('Executable `podguard` not found');
  }, 150_000);
});
