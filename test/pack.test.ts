/**
 * @podguard/policy-core is publishable: `npm pack` it, install the tarball in a fresh project
 * with no network, and import it through both ESM and CommonJS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../packages/policy-core/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let project: string;

const run = (args: string[], cwd: string) =>
  execFileSync(npm, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });

const program = `
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
const result = core.checkPod(pod, 'restricted', 'latest');
const evaluated = core.evaluate(pod, { level: 'restricted' });
console.log(JSON.stringify({ allowed: result.allowed, reasons: result.reasons.map((r) => r.check), findings: evaluated.findings.length }));
`;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'podguard-pack-'));
  const [packed] = JSON.parse(run(['pack', '--json', '--pack-destination', project], packageDir)) as {
    filename: string;
  }[];
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
  );
  run(['install', '--offline', '--no-audit', '--no-fund', join(project, packed!.filename)], project);
}, 120_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed @podguard/policy-core', () => {
  it('has no runtime dependencies and ships only dist, README and LICENSE', () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules/@podguard/policy-core/package.json'), 'utf8'),
    ) as { dependencies?: object; license: string };
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.license).toBe('Apache-2.0');
    const tree = JSON.parse(run(['ls', '--omit=dev', '--all', '--json'], project)) as {
      dependencies: Record<string, { dependencies?: object }>;
    };
    expect(Object.keys(tree.dependencies)).toEqual(['@podguard/policy-core']);
    expect(tree.dependencies['@podguard/policy-core']?.dependencies ?? {}).toEqual({});
  });

  const expected = {
    allowed: false,
    reasons: [
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ],
  };

  it('imports as ESM', () => {
    writeFileSync(join(project, 'esm.mjs'), `import * as core from '@podguard/policy-core';\n${program}`);
    const out = JSON.parse(execFileSync(process.execPath, ['esm.mjs'], { cwd: project, encoding: 'utf8' }));
    expect(out).toMatchObject(expected);
    expect(out.findings).toBe(4);
  });

  it('requires as CommonJS', () => {
    writeFileSync(join(project, 'cjs.cjs'), `const core = require('@podguard/policy-core');\n${program}`);
    const out = JSON.parse(execFileSync(process.execPath, ['cjs.cjs'], { cwd: project, encoding: 'utf8' }));
    expect(out).toMatchObject(expected);
  });

  it('exposes the testing subpath', () => {
    writeFileSync(
      join(project, 'testing.mjs'),
      `import * as testing from '@podguard/policy-core/testing';\nconsole.log(Object.keys(testing).length > 0);`,
    );
    expect(execFileSync(process.execPath, ['testing.mjs'], { cwd: project, encoding: 'utf8' }).trim()).toBe(
      'true',
    );
  });
});
