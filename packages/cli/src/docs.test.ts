/** The output shown in the docs is the CLI's real output: these tests re-run each example. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The fenced code blocks of a Markdown file after `heading`, in order. */
function blocksAfter(file: string, heading: string): string[] {
  const text = readFileSync(new URL(file, `file://${root}`), 'utf8');
  const start = text.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  return [...text.slice(start).matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

describe('docs/cis-5.2.7-audit.md', () => {
  it('shows the real output of the recipe on its example dump', async () => {
    const [dump, output] = blocksAfter('docs/cis-5.2.7-audit.md', '## An example');
    const run = await runCli(['scan', '-', '--summary', 'controls'], { cwd: root, stdin: dump });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(output);
  });
});

describe('packages/cli/README.md', () => {
  it('shows the real output of scanning the Jib and OpenShift examples', async () => {
    const [output] = blocksAfter('packages/cli/README.md', '## Images built without a Dockerfile');
    const run = await runCli(['scan', 'examples/jib', 'examples/openshift', '--profile', 'openshift'], {
      cwd: root,
    });
    expect(run.code).toBe(1);
    expect(`$ npx podguard scan examples/jib examples/openshift --profile openshift\n${run.stdout}`).toBe(
      output,
    );
  });

  it('shows the real output of scanning examples/manifests', async () => {
    const [output] = blocksAfter('packages/cli/README.md', '## Example output');
    const run = await runCli(['scan', 'examples/manifests'], { cwd: root });
    expect(`$ npx podguard scan examples/manifests\n${run.stdout}`).toBe(output);
  });

  it('shows the real diff of --fix --dry-run', async () => {
    const [, diff] = blocksAfter('packages/cli/README.md', '## Example output');
    const run = await runCli(['scan', 'examples/manifests/api-deployment.yaml', '--fix', '--dry-run'], {
      cwd: root,
    });
    expect(`$ npx podguard scan examples/manifests/api-deployment.yaml --fix --dry-run\n${run.stdout}`).toBe(
      diff,
    );
  });
});
