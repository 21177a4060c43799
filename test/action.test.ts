/**
 * The GitHub Action (`action.yml`): valid against the Action metadata schema (SchemaStore's
 * github-action.json, vendored in test/fixtures/schemas), and its scan and fail steps do what
 * they say when bash runs them as a runner would, with the built `podguard` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));

interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as Action;
const step = (name: string) => action.runs.steps.find((s) => s.name === name) as Step;

let bin: string;
beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'podguard-action-'));
  symlinkSync(join(root, 'packages/cli/bin/podguard.mjs'), join(bin, 'podguard'));
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs a step's script with bash, its env filled from `inputs` as the runner would. */
function runStep(target: Step, inputs: Record<string, string>, outputs: Record<string, string> = {}) {
  const githubOutput = join(bin, `output-${Math.random().toString(36).slice(2)}`);
  writeFileSync(githubOutput, '');
  const values = (expression: string) =>
    expression.replace(
      /\$\{\{\s*(inputs|steps\.scan\.outputs)\.([\w-]+)\s*\}\}/g,
      (_, scope: string, name: string) =>
        scope === 'inputs' ? (inputs[name] ?? action.inputs[name]?.default ?? '') : (outputs[name] ?? ''),
    );
  const env = Object.fromEntries(
    Object.entries(target.env ?? {}).map(([key, value]) => [key, values(value)]),
  );
  const run = spawnSync('bash', ['-e', '-c', target.run as string], {
    cwd: root,
    env: {
      PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
      GITHUB_OUTPUT: githubOutput,
      NO_COLOR: '1',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const written = Object.fromEntries(
    readFileSync(githubOutput, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs: written };
}

describe('action.yml', () => {
  it('is valid GitHub Action metadata (SchemaStore github-action.json)', () => {
    const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/schemas/github-action.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(action), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The schema catches what a typo would break.
    expect(validate({ ...action, runs: { ...action.runs, using: 'compsite' } })).toBe(false);
  });

  it('is composite: installs the CLI, uploads SARIF with codeql-action, refers only to declared inputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(step('Install podguard').run).toContain('npm install --global');
    expect(step('Install podguard').run).toContain('@podguard/cli@');
    expect(step('Upload SARIF to code scanning').uses).toMatch(/^github\/codeql-action\/upload-sarif@v\d+$/);
    const text = readFileSync(join(root, 'action.yml'), 'utf8');
    for (const [, name] of text.matchAll(/\binputs\.([\w-]+)/g))
      expect(action.inputs, name).toHaveProperty(name as string);
    // No expression is pasted into a script (script injection): inputs reach run: through env.
    for (const s of action.runs.steps) expect(s.run ?? '', s.name).not.toContain('${{');
  });

  it('scan step: writes SARIF for the given paths and profile, exit code 1 on findings', () => {
    const sarif = join(bin, 'findings.sarif');
    const run = runStep(step('Scan'), {
      paths: 'examples/manifests/api-deployment.yaml\nexamples/manifests/fixed',
      'sarif-file': sarif,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.outputs).toEqual({ 'exit-code': '1', 'sarif-file': sarif, 'sarif-written': 'true' });
    expect(run.stdout).toContain('examples/manifests/api-deployment.yaml:');
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toContain('runAsNonRoot');

    const fail = runStep(step('Fail on findings'), {}, run.outputs);
    expect(fail.status).toBe(1);
    expect(fail.stdout).toContain('::error title=podguard::findings at or above fail-on (error)');
  });

  it('scan step: exit code 0 under fail-on none, and with a profile the manifests pass', () => {
    const none = runStep(step('Scan'), {
      paths: 'examples/manifests/api-deployment.yaml',
      'fail-on': 'none',
      'sarif-file': join(bin, 'none.sarif'),
    });
    expect(none.outputs['exit-code']).toBe('0');
    const baseline = runStep(step('Scan'), {
      paths: 'examples/manifests/api-deployment.yaml',
      profile: 'baseline',
      'sarif-file': join(bin, 'baseline.sarif'),
    });
    expect(baseline.outputs['exit-code']).toBe('0');
  });

  it('scan step: a bad input is exit code 2, and no SARIF upload is attempted without a report', () => {
    const run = runStep(step('Scan'), {
      paths: 'examples/manifests',
      profile: 'strict',
      'sarif-file': join(bin, 'x.sarif'),
    });
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.outputs['sarif-written']).toBeUndefined();
    expect(existsSync(join(bin, 'x.sarif'))).toBe(false);
    expect(step('Upload SARIF to code scanning').if).toContain("steps.scan.outputs.sarif-written == 'true'");
    const fail = runStep(step('Fail on findings'), {}, run.outputs);
    expect(fail.status).toBe(2);
    expect(fail.stdout).toContain('podguard could not scan (exit 2)');
  });
});
