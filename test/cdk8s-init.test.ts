/**
 * The quick start of @podguard/cdk8s in the projects users start today, installed from the
 * packed tarballs, offline (packages come from the npm cache that `npm ci` filled; see
 * test/cdk8s-pack.test.ts):
 * - a CommonJS project as `cdk8s init typescript-app` makes it (its jest.config.js, tsconfig.json
 *   and cdk8s.yaml are copied from the template inside the installed cdk8s-cli; main.ts and
 *   main.test.ts are the quick start; no `cdk8s import` is needed): cdk8s-plus-33, jest with
 *   ts-jest, `@podguard/cdk8s/jest` matchers, type-checked with the template's tsconfig;
 * - an ESM project (NodeNext) that uses `assertPodSecurity()` without a test framework.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
};
let work: string;
let cjs: string;
let esm: string;

const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

const IMAGE = 'registry.example.com/web:1.0';

const MAIN_TS = `import { Construct } from 'constructs';
import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { PodSecurity } from '@podguard/cdk8s';
import { SecureDeployment } from '@podguard/cdk8s/plus-33';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { }) {
    super(scope, id, props);

    const config = new kplus.ConfigMap(this, 'config', { data: { 'web.conf': 'listen 8080' } });
    const web = new SecureDeployment(this, 'web', {
      containers: [{
        image: '${IMAGE}',
        portNumber: 8080,
        volumeMounts: [{ path: '/etc/web', volume: kplus.Volume.fromConfigMap(this, 'config-volume', config) }],
      }],
    });
    web.exposeViaService();
  }
}

const app = new App();
new MyChart(app, 'web');
PodSecurity.of(app).validate({ profile: 'hardened' });
app.synth();
`;

const MAIN_TEST_TS = `import '@podguard/cdk8s/jest';
import { assertPodSecurity } from '@podguard/cdk8s';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { MyChart } from './main';

describe('MyChart', () => {
  test('passes the hardened profile', () => {
    const chart = new MyChart(Testing.app(), 'test-chart');
    expect(Testing.synth(chart)).toPassPodSecurity('hardened');
    assertPodSecurity(chart);
  });

  test('a plain cdk8s-plus-33 Deployment does not', () => {
    const chart = new Chart(Testing.app(), 'legacy');
    new kplus.Deployment(chart, 'legacy', { containers: [{ image: 'registry.example.com/legacy:3.1' }] });
    expect(chart).not.toPassPodSecurity();
    expect(chart).toViolate('capabilities_restricted');
    expect(() => assertPodSecurity(chart, 'restricted')).toThrow(/finding\\(s\\) block/);
    if (process.env.SHOW_FAILURE) expect(chart).toPassPodSecurity('restricted');
  });
});
`;

const ESM_MAIN_TS = `import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { assertPodSecurity, PodSecurity } from '@podguard/cdk8s';
import { SecureJob } from '@podguard/cdk8s/plus-33';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'jobs');
new SecureJob(chart, 'migrate', { containers: [{ image: '${IMAGE}' }] });
if (process.env.INSECURE) new kplus.Job(chart, 'legacy', { containers: [{ image: '${IMAGE}' }] });
assertPodSecurity(chart, 'restricted');
PodSecurity.of(app).validate();
app.synth();
console.log(\`synthesized \${app.charts.length} chart\`);
`;

const run = (command: string, args: string[], cwd: string, extra: Record<string, string> = {}) =>
  spawnSync(command, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', timeout: 180_000 });

beforeAll(() => {
  for (const built of ['packages/policy-core/dist/cjs/index.cjs', 'packages/cdk8s/dist/cjs/jest.js']) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'podguard-cdk8s-init-'));
  cjs = join(work, 'cjs-app');
  esm = join(work, 'esm-app');
  mkdirSync(cjs);
  mkdirSync(esm);
  const tarballs = ['policy-core', 'cdk8s'].map((name) => {
    const [packed] = JSON.parse(
      execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
        cwd: join(root, 'packages', name),
        encoding: 'utf8',
        env,
      }),
    ) as { filename: string }[];
    return join(work, packed!.filename);
  });
  // The project `cdk8s init typescript-app` makes, from the template the installed cdk8s-cli uses.
  const template = join(root, 'node_modules/cdk8s-cli/templates/typescript-app');
  for (const file of ['jest.config.js', 'tsconfig.json', 'cdk8s.yaml'])
    copyFileSync(join(template, file), join(cjs, file));
  writeFileSync(
    join(cjs, 'package.json'),
    JSON.stringify({
      name: 'cjs-app',
      version: '1.0.0',
      main: 'main.js',
      types: 'main.ts',
      private: true,
      scripts: { test: 'jest' },
    }),
  );
  writeFileSync(join(cjs, 'main.ts'), MAIN_TS);
  writeFileSync(join(cjs, 'main.test.ts'), MAIN_TEST_TS);
  const packages = [
    'cdk8s',
    'cdk8s-plus-33',
    'constructs',
    'jest',
    'ts-jest',
    '@types/jest',
    '@types/node',
    'typescript',
  ].map((name) => `${name}@${versionOf(name)}`);
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, ...packages], {
    cwd: cjs,
    env,
    encoding: 'utf8',
  });

  // The ESM project shares the installed packages.
  symlinkSync(join(cjs, 'node_modules'), join(esm, 'node_modules'));
  writeFileSync(
    join(esm, 'package.json'),
    JSON.stringify({ name: 'esm-app', private: true, type: 'module' }),
  );
  writeFileSync(
    join(esm, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        strict: true,
        outDir: 'build',
        types: ['node'],
      },
      include: ['main.ts'],
    }),
  );
  writeFileSync(join(esm, 'main.ts'), ESM_MAIN_TS);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const tsc = (cwd: string, args: string[] = []) =>
  run(process.execPath, [join(cjs, 'node_modules/typescript/bin/tsc'), ...args], cwd);
const jest = (extra: Record<string, string> = {}) =>
  run(process.execPath, [join(cjs, 'node_modules/jest/bin/jest.js'), '--ci', '--colors=false'], cjs, extra);

describe('a cdk8s init typescript-app project (CommonJS, cdk8s-plus-33, jest)', () => {
  it("type-checks with the template's tsconfig: the plus-33 Secure* mix with plus-33 objects", () => {
    const result = tsc(cjs, ['--noEmit']);
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it('runs its jest tests with @podguard/cdk8s/jest matchers and assertPodSecurity', () => {
    const result = jest();
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/Tests: +2 passed, 2 total/);
  }, 180_000);

  it('fails a jest test with the findings when the chart does not pass', () => {
    const result = jest({ SHOW_FAILURE: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('expected the manifests to pass pod security (restricted), but');
    expect(result.stderr).toMatch(
      /- capabilities_restricted: Deployment legacy-\w+: unrestricted capabilities/,
    );
  }, 180_000);

  it('compiles (npm run compile) and synthesizes with PodSecurity.of(app).validate()', () => {
    const compiled = tsc(cjs);
    expect(compiled.status, compiled.stdout).toBe(0);
    const synth = run(process.execPath, ['main.js'], cjs);
    expect(synth.status, synth.stderr).toBe(0);
    const manifests = readFileSync(join(cjs, 'dist/web.k8s.yaml'), 'utf8');
    expect(manifests).toContain('runAsUser: 1000');
    expect(manifests).toContain('kind: Service');
  });
});

describe('an ESM project (NodeNext)', () => {
  it('type-checks, runs, and assertPodSecurity stops an insecure chart', () => {
    const compiled = tsc(esm);
    expect(compiled.status, compiled.stdout).toBe(0);
    const secure = run(process.execPath, ['build/main.js'], esm);
    expect(secure.status, secure.stderr).toBe(0);
    expect(secure.stdout).toBe('synthesized 1 chart\n');
    const insecure = run(process.execPath, ['build/main.js'], esm, { INSECURE: '1' });
    expect(insecure.status).toBe(1);
    expect(insecure.stderr).toContain(
      'PodSecurityAssertionError: expected the manifests to pass pod security (restricted)',
    );
  });
});
