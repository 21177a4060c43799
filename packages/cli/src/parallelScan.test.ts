/**
 * `--jobs N`: files scanned on worker threads give the report of one thread, byte for byte, in
 * every format: the same findings in the same order, the same summary, the same cross-object
 * verdicts (facts in files another worker scans) and unused suppressions. The workers run the
 * built CLI (dist/scan-worker.mjs), as `npm test` builds it first.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { InputFile } from './inputs.js';
import { blocksOf } from './parallelScan.js';
import { runCli } from './testing.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-jobs-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const deployment = (name: string, namespace: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      serviceAccountName: quiet
      containers:
        - name: app
          image: registry.example/${name}:1.0
${extra}`;

/**
 * A repository's worth of input: the real-world corpus and the examples, and files whose verdicts
 * hang on other files (a Namespace and a ServiceAccount first, their pods in files far after, a
 * later ServiceAccount of the same name that wins), a kustomize overlay, a broken file, a
 * Dockerfile, a configuration whose suppressions match in one file only, or nowhere.
 */
function repository(): string {
  const files: Record<string, string> = {
    'podguard.config.yaml': `suppressions:
  - rule: privileged
    reason: node agent, ticket OPS-7
    match: {name: agent-*}
  - rule: hostNamespaces
    reason: never matches here, ticket OPS-8
    match: {name: nothing}
`,
    '00-namespaces.yaml':
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ops}\n',
    '01-accounts.yaml':
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: quiet, namespace: shop}\nautomountServiceAccountToken: true\n',
    'zz-accounts.yaml':
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: quiet, namespace: shop}\nautomountServiceAccountToken: false\n',
    'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: broken\nspec: [\n',
    'base/kustomization.yaml': 'resources:\n  - ../apps/web-000.yaml\n',
    'overlay/kustomization.yaml': 'resources:\n  - ../base\npatchesStrategicMerge:\n  - privileged.yaml\n',
    'overlay/privileged.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web-000, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext: {privileged: true}
`,
    'images/Dockerfile': 'FROM node:22\nUSER node\nCMD ["node", "server.js"]\n',
  };
  for (let i = 0; i < 40; i++) {
    const name = `web-${String(i).padStart(3, '0')}`;
    files[`apps/${name}.yaml`] = deployment(name, i % 2 ? 'shop' : 'ops');
  }
  files['apps/agent-001.yaml'] = deployment(
    'agent-001',
    'ops',
    '          securityContext: {privileged: true}\n      hostNetwork: true\n',
  );
  const dir = tree(files);
  cpSync(join(root, 'test/real-world'), join(dir, 'real-world'), { recursive: true });
  cpSync(join(root, 'examples/manifests'), join(dir, 'examples'), { recursive: true });
  return dir;
}

describe('podguard scan --jobs N', () => {
  const dir = repository();

  it.each(['json', 'sarif', 'junit', 'ndjson', 'compact', 'text'])(
    'writes the report of one thread in --format %s',
    async (format) => {
      const one = await runCli(['scan', '.', '--format', format, '--jobs', '1'], { cwd: dir, workers: true });
      expect(one.code).toBe(2); // broken.yaml
      for (const jobs of ['2', '3', '7']) {
        const many = await runCli(['scan', '.', '--format', format, '--jobs', jobs], {
          cwd: dir,
          workers: true,
        });
        expect({ jobs, ...many }).toEqual({ jobs, ...one });
      }
    },
  );

  it('judges with the facts of files that other workers scan', async () => {
    const { stdout } = await runCli(['scan', '.', '--format', 'json', '--jobs', '3'], {
      cwd: dir,
      workers: true,
    });
    const report = JSON.parse(stdout) as {
      findings: {
        rule: string;
        status: string;
        message: string;
        resource: { name: string; namespace?: string };
        fix?: { description: string };
      }[];
      summary: Record<string, number>;
    };
    // `quiet` mounts no token as zz-accounts.yaml (the last file) says: no shop pod is flagged.
    const automount = report.findings.filter((f) => f.rule === 'automountServiceAccountToken');
    expect(automount.some((f) => f.resource.namespace === 'shop')).toBe(false);
    expect(automount.some((f) => f.resource.namespace === 'ops')).toBe(true);
    // The agent in ops is privileged: its namespace can only be labelled privileged.
    const label = report.findings.find(
      (f) => f.rule === 'namespaceEnforceLabel' && f.resource.name === 'ops',
    );
    expect(label?.fix?.description).toContain('pod-security.kubernetes.io/enforce=privileged');
    // One suppression covered the agent, the other nothing.
    expect(report.findings.filter((f) => f.status === 'suppressed').map((f) => f.resource.name)).toEqual([
      'agent-001',
    ]);
    expect(report.findings.filter((f) => f.rule === 'unusedSuppression').map((f) => f.message)).toEqual([
      expect.stringContaining('hostNamespaces'),
    ]);
    expect(report.summary.files).toBe(readdirTree(dir).length - 1); // all but the config file
  });

  it('ends with exit 2 and one line when a worker fails, never a hang or a stack trace', async () => {
    const script = join(tree({ 'failing.mjs': "throw new Error('out of luck');\n" }), 'failing.mjs');
    const run = await runCli(['scan', '.', '--jobs', '2'], { cwd: dir, workers: script });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^podguard: .*out of luck\n$/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a --jobs that is not a number of threads', async () => {
    for (const value of ['0', '-1', 'two', '1.5', '1000']) {
      const run = await runCli(['scan', '.', `--jobs=${value}`], { cwd: dir, workers: true });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--jobs must be a number of threads from 1 to 999, got "${value}"`);
    }
  });
});

function readdirTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('blocksOf', () => {
  const file = (size: number, n: number): InputFile => ({
    display: `f${n}`,
    path: `/f${n}`,
    kind: 'manifest',
    size,
  });

  it('splits files into contiguous blocks of about equal size, each file once, in order', () => {
    const files = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100].map(file);
    const blocks = blocksOf(files, 3);
    expect(blocks.map((block) => block.positions)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(blocks.flatMap((block) => block.files)).toEqual(files);
  });

  it('makes the first block the given share of the others', () => {
    const files = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100].map(file);
    expect(blocksOf(files, 2, 0.5).map((block) => block.positions)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8, 9],
    ]);
  });

  it('never makes more blocks than jobs or files, nor an empty one', () => {
    expect(blocksOf([file(5, 0)], 4).map((block) => block.positions)).toEqual([[0]]);
    const uneven = blocksOf([10_000, 1, 1, 1, 1].map(file), 2);
    expect(uneven.map((block) => block.positions)).toEqual([[0], [1, 2, 3, 4]]);
    for (let jobs = 1; jobs <= 6; jobs++) {
      const blocks = blocksOf([3, 1, 4, 1, 5, 9, 2, 6].map(file), jobs, 0.75);
      expect(blocks.length).toBeLessThanOrEqual(jobs);
      expect(blocks.every((block) => block.files.length > 0)).toBe(true);
      expect(blocks.flatMap((block) => block.positions)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });
});
