/**
 * @podguard/cdk8s is publishable and works as its README says: `npm pack` it (and the core),
 * install the tarballs in a fresh project, synthesize an app that validates itself, and run
 * `cdk8s synth` (offline) with the plugin loaded from `./node_modules/@podguard/cdk8s`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const env = {
  ...process.env,
  npm_config_loglevel: 'error',
  NO_COLOR: '1',
  // `app: node main.mjs` must find this Node, not an older one first on PATH.
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
};
let project: string;

const run = (args: string[], cwd: string) => execFileSync(npm, args, { cwd, encoding: 'utf8', env });

function versionOf(name: string): string {
  return (
    JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

const app = `
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PodSecurity, SecureDeployment } from '@podguard/cdk8s';

const app = new App();
const chart = new Chart(app, 'web');
new SecureDeployment(chart, 'web', { containers: [{ name: 'web', image: 'registry.example.com/web:1.0' }] });
if (process.env.INSECURE) {
  new kplus.Deployment(chart, 'legacy', { containers: [{ name: 'worker', image: 'registry.example.com/legacy:3.1' }] });
}
PodSecurity.of(app).validate({ profile: process.env.INSECURE ? 'baseline' : 'hardened' });
app.synth();
`;

const config = `language: typescript
app: node main.mjs
validations:
  - package: ./node_modules/@podguard/cdk8s
    version: 0.1.0
    class: PodSecurityValidation
    properties:
      profile: hardened
      imageUsers:
        registry.example.com/legacy:3.1: node
`;

function synth(insecure: boolean) {
  const result = spawnSync(
    process.execPath,
    [join(project, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--no-check-upgrade'],
    {
      cwd: project,
      encoding: 'utf8',
      env: { ...env, INSECURE: insecure ? '1' : '' },
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  for (const built of ['packages/policy-core/dist/index.js', 'packages/cdk8s/dist/index.js']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  project = mkdtempSync(join(tmpdir(), 'podguard-cdk8s-pack-'));
  const tarballs = ['policy-core', 'cdk8s'].map((name) => {
    const [packed] = JSON.parse(
      run(['pack', '--json', '--pack-destination', project], join(root, 'packages', name)),
    ) as { filename: string }[];
    return join(project, packed!.filename);
  });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  const peers = ['cdk8s', 'cdk8s-plus-27', 'constructs', 'cdk8s-cli'].map(
    (name) => `${name}@${versionOf(name)}`,
  );
  // The peers' tarballs are in the npm cache after `npm ci`, but their registry metadata may not
  // be (`npm ci` reads the lockfile, not the registry): prefer the cache, fetch only what it lacks.
  run(['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, ...peers], project);
  writeFileSync(join(project, 'main.mjs'), app);
  writeFileSync(join(project, 'cdk8s.yaml'), config);
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed @podguard/cdk8s in a fresh cdk8s project', () => {
  it('ships only dist, README and LICENSE, with the core and yaml as its dependencies', () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules/@podguard/cdk8s/package.json'), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
      license: string;
    };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@podguard/policy-core', 'yaml']);
    expect(manifest.license).toBe('Apache-2.0');
    expect(existsSync(join(project, 'node_modules/@podguard/cdk8s/src'))).toBe(false);
  });

  it('loads with require() as cdk8s-cli does, and exposes the vitest subpath', () => {
    const required = execFileSync(
      process.execPath,
      ['-e', "console.log(typeof require('@podguard/cdk8s').PodSecurityValidation)"],
      { cwd: project, encoding: 'utf8' },
    );
    expect(required.trim()).toBe('function');
    const exportsField = JSON.parse(
      readFileSync(join(project, 'node_modules/@podguard/cdk8s/package.json'), 'utf8'),
    ).exports as Record<string, { types: string }>;
    expect(existsSync(join(project, 'node_modules/@podguard/cdk8s', exportsField['./vitest']!.types))).toBe(
      true,
    );
  });

  it('synthesizes with `cdk8s synth` and the plugin from node_modules, offline', () => {
    const secure = synth(false);
    expect(secure.status, secure.output).toBe(0);
    expect(secure.output).not.toContain('Installing validation plugin');
    expect(secure.output).toContain('Validations ended succesfully');

    const insecure = synth(true);
    expect(insecure.status, insecure.output).toBe(2);
    expect(insecure.output).toContain('kubeletRunAsNonRoot');
    expect(insecure.output).toContain('non-numeric user (node)');
    expect(insecure.output).toContain('Construct Path: web/legacy/Resource');
  });
});
