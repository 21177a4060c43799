/**
 * Runs the real `cdk8s synth` (cdk8s-cli, offline) on this app: the app runs with `node main.ts`,
 * the validation plugin loads from a local path, and the exit code and report are cdk8s-cli's own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const cli = join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

interface SynthRun {
  status: number | null;
  output: string;
  files: string[];
  report:
    | {
        reports: {
          summary: { status: string };
          violations: {
            ruleName: string;
            recommendation: string;
            fix: string;
            violatingConstructs: { constructPath?: string; locations: string[] }[];
          }[];
        }[];
      }
    | undefined;
}

function synth(variant: 'secure' | 'insecure'): SynthRun {
  const work = mkdtempSync(join(tmpdir(), `podguard-cdk8s-${variant}-`));
  const outdir = join(work, 'dist');
  const reportFile = join(work, 'validation-report.json');
  const result = spawnSync(
    process.execPath,
    // --no-check-upgrade: cdk8s-cli would otherwise ask the npm registry for a newer version.
    [cli, 'synth', '--no-check-upgrade', '--output', outdir, '--validation-reports-output-file', reportFile],
    {
      cwd: here,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        EXAMPLE_VARIANT: variant,
        // `app: node main.ts` must find this Node (24), not an older one first on PATH.
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        NO_COLOR: '1',
      },
    },
  );
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`,
    files: existsSync(outdir) ? readdirSync(outdir).sort() : [],
    report: existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined,
  };
}

describe('cdk8s synth with the podguard validation plugin', () => {
  beforeAll(() => {
    for (const built of ['packages/policy-core/dist/index.js', 'packages/cdk8s/dist/index.js']) {
      if (!existsSync(join(root, built))) {
        throw new Error(`${built} is missing: run \`npm run build\` at the repository root first`);
      }
    }
  });

  it('synthesizes the secure app and reports success', () => {
    const run = synth('secure');
    expect(run.output).not.toContain('Installing validation plugin');
    expect(run.status, run.output).toBe(0);
    expect(run.files).toEqual(['construct-metadata.json', 'shop.k8s.yaml', 'vendor.k8s.yaml']);
    expect(run.report?.reports[0]?.summary.status).toBe('success');
    expect(run.output).toContain('Validations ended succesfully');
  });

  it('fails the insecure variant with exit code 2 and podguard messages', () => {
    const run = synth('insecure');
    expect(run.status, run.output).toBe(2);
    const report = run.report?.reports[0];
    expect(report?.summary.status).toBe('failure');
    const rules = new Set(report?.violations.map((violation) => violation.ruleName));
    expect(rules).toContain('kubeletRunAsNonRoot');
    expect(rules).toContain('runAsRoot');
    const kubelet = report?.violations.find((violation) => violation.ruleName === 'kubeletRunAsNonRoot');
    expect(kubelet?.recommendation).toContain('non-numeric user (node)');
    expect(kubelet?.violatingConstructs[0]?.constructPath).toBe('insecure/legacy-worker/Resource');
    expect(run.output).toContain('Validation failed');
  });
});
