/**
 * The built `podguard` bin, as users run it: README's first command, stdin pipes, and a cluster
 * dump scanned with a heap far smaller than the dump parsed whole (documents are streamed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'packages/cli/dist/podguard.mjs');

const podguard = (args: string[], options: { input?: string; heapMb?: number } = {}) =>
  spawnSync(
    process.execPath,
    [...(options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : []), bin, ...args],
    {
      cwd: root,
      encoding: 'utf8',
      input: options.input ?? '',
      maxBuffer: 64 * 1024 * 1024,
    },
  );

describe('the built podguard bin', () => {
  it("runs README's first command: findings in examples/manifests, exit 1", () => {
    const run = podguard(['scan', 'examples/manifests']);
    expect(run.status).toBe(1);
    // The text report wraps messages to 100 columns and names the file once per object.
    expect(run.stdout).toMatch(
      /container has runAsNonRoot and image has non-numeric\s+user \(node\), cannot verify user\s+is non-root/,
    );
    expect(run.stdout).toContain(
      'Deployment shop/web  examples/manifests/web/deployment.yaml:4\n  25:11  error',
    );
    expect(run.stderr).toBe('');
  });

  it('is on PATH through npx after npm ci (workspace bin link)', () => {
    const out = execFileSync('npx', ['--no-install', 'podguard', '--version'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('audits a kubectl get pods,ns -A -o yaml dump from stdin, grouped by control', () => {
    const dump = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: Namespace',
      '  metadata: {name: legacy}',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: root-pod, namespace: legacy}',
      '  spec: {containers: [{name: app, image: "busybox", securityContext: {runAsUser: 0}}]}',
    ].join('\n');
    const run = podguard(['scan', '-', '--summary', 'controls'], { input: dump });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('CIS 5.2.7');
  });

  // 6 MB of YAML parsed whole takes about 200 MB of heap (`yaml.parseAllDocuments`), eight times the
  // 24 MB the scan gets: it passes only if documents are read, evaluated and dropped one at a time.
  it('streams a 6 MB dump through a 24 MB heap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podguard-big-'));
    const file = join(dir, 'dump.yaml');
    const out = createWriteStream(file);
    const pod = (i: number) =>
      `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  namespace: ns-${i % 50}\n  labels: {app: app-${i}, tier: backend, team: platform}\n  annotations:\n    description: "${'x'.repeat(400)}"\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}\n  automountServiceAccountToken: false\n  containers:\n  - name: app\n    image: registry.example/app:${i}\n    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n`;
    let size = 0;
    let i = 0;
    while (size < 6 * 1024 * 1024) {
      const text = pod(i++);
      size += text.length;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const run = podguard(['scan', file, '--format', 'json'], { heapMb: 24 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { documents: number; pods: number } };
    expect(report.summary.documents).toBe(i);
    expect(report.summary.pods).toBe(i);
  }, 60_000);

  // `kubectl get -o json` prints one List document: its items are read one at a time, so 6 MB of
  // JSON (about 200 MB parsed whole with locations) passes through the same 24 MB heap.
  const listItem = (i: number) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${i}`,
      namespace: `ns-${i % 50}`,
      labels: { app: `app-${i}`, tier: 'backend' },
      annotations: { description: 'x'.repeat(400) },
    },
    spec: {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'app',
          image: `registry.example/app:${i}`,
          securityContext:
            i % 1000 === 7
              ? { privileged: true }
              : {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
        },
      ],
    },
  });
  async function writeList(file: string, format: 'json' | 'yaml'): Promise<number> {
    const out = createWriteStream(file);
    const write = async (text: string) => {
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    };
    await write(
      format === 'json' ? '{\n    "apiVersion": "v1",\n    "items": [\n' : 'apiVersion: v1\nitems:\n',
    );
    let size = 0;
    let count = 0;
    while (size < 6 * 1024 * 1024) {
      const item = listItem(count);
      // kubectl's layouts: JSON indented by 4, YAML items at column 0 in flow-free block style.
      const text =
        format === 'json'
          ? `${count === 0 ? '' : ',\n'}${JSON.stringify(item, null, 4).replace(/^/gm, '        ')}`
          : `- ${JSON.stringify(item)}\n`;
      size += text.length;
      count++;
      await write(text);
    }
    await write(
      format === 'json'
        ? '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
        : 'kind: List\nmetadata:\n  resourceVersion: ""\n',
    );
    await new Promise<void>((resolve) => out.end(() => resolve()));
    return count;
  }

  for (const format of ['json', 'yaml'] as const) {
    it(`streams a 6 MB kubectl get -o ${format} List through a 24 MB heap, item by item`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'podguard-list-'));
      const file = join(dir, `dump.${format}`);
      const count = await writeList(file, format);
      const run = podguard(['scan', file, '--format', 'json', '--profile', 'baseline'], { heapMb: 24 });
      rmSync(dir, { recursive: true, force: true });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      const report = JSON.parse(run.stdout) as {
        summary: { documents: number; pods: number; objects: number };
        findings: { path: string; source: { line: number; column: number; document: number } }[];
      };
      expect(report.summary).toMatchObject({ documents: 1, pods: count, objects: count });
      // Item 7 (and every 1000th after it) is privileged: found where the whole List would put it.
      const privileged = report.findings.filter((finding) =>
        finding.path.endsWith('/containers/0/securityContext/privileged'),
      );
      expect(privileged.map((finding) => finding.path)).toEqual(
        Array.from(
          { length: Math.floor((count - 8) / 1000) + 1 },
          (_, k) => `/items/${7 + 1000 * k}/spec/containers/0/securityContext/privileged`,
        ),
      );
      expect(privileged[0]?.source.document).toBe(0);
    }, 60_000);
  }

  // 8,000 failing pods give 64,000 findings: about 100 MB if kept (a report built at the end dies
  // in this heap). Written as they are found (ndjson, json, text), none is kept.
  it('writes the findings of a failing 8,000-pod List through a 32 MB heap as they are found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podguard-findings-'));
    const file = join(dir, 'pods.json');
    const items = Array.from({ length: 8000 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
    }));
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: {} }, null, 4));
    const out = join(dir, 'findings.ndjson');
    const run = podguard(['scan', file, '--format', 'ndjson', '--output', out], { heapMb: 32 });
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    // The default format too: each pod's lines as it is judged, the summary from counts.
    const textOut = join(dir, 'findings.txt');
    const textRun = podguard(['scan', file, '--output', textOut], { heapMb: 32 });
    const text = readFileSync(textOut, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    expect(textRun.stderr).toBe('');
    expect(textRun.status).toBe(1);
    expect(text).toContain('Pod shop/pod-7999  ');
    expect(text).toContain(
      '8000 objects scanned in 1 file: 8000 failed, 0 passed\n64000 findings: 64000 errors, 0 warnings, 0 suppressed\n',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(lines).toHaveLength(64_000);
    expect(JSON.parse(lines[63_999] as string)).toMatchObject({
      path: expect.stringMatching(/^\/items\/7999\//),
      source: { file: expect.stringMatching(/pods\.json$/), document: 0 },
    });
  }, 60_000);

  // SARIF and JUnit of 20,000 failing pods in one List: about 1.3 GB when built in memory (which
  // dies in this heap). SARIF is written as found; JUnit's test cases wait in a temporary file for
  // the counts that go before them.
  it('writes SARIF and JUnit for a failing 20,000-pod List through a 64 MB heap', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podguard-reports-'));
    const file = join(dir, 'pods.json');
    const count = 20_000;
    const items = Array.from({ length: count }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: 'shop' },
      spec: {
        containers: [{ name: 'app', image: 'registry.example/app:1', securityContext: { privileged: true } }],
      },
    }));
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: {} }));
    const scan = (format: string) => {
      const out = join(dir, `report.${format}`);
      const run = podguard(['scan', file, '--profile', 'baseline', '--format', format, '--output', out], {
        heapMb: 64,
      });
      return { run, text: readFileSync(out, 'utf8') };
    };
    const sarif = scan('sarif');
    const junit = scan('junit');
    rmSync(dir, { recursive: true, force: true });

    expect(sarif.run.stderr).toBe('');
    expect(sarif.run.status).toBe(1);
    const log = JSON.parse(sarif.text) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    const results = log.runs[0]?.results ?? [];
    expect(results).toHaveLength(count);
    expect(new Set(results.map((result) => result.ruleId))).toEqual(new Set(['privileged']));
    expect(results[count - 1]?.locations[0]?.physicalLocation.region.startLine).toBe(1);

    expect(junit.run.stderr).toBe('');
    expect(junit.run.status).toBe(1);
    const xml = junit.text;
    const root =
      /^<\?xml [^>]*\?>\n<testsuites name="podguard" tests="(\d+)" failures="(\d+)" errors="0" skipped="0">\n/.exec(
        xml,
      );
    expect(root).not.toBeNull();
    const [tests, failures] = [Number(root?.[1]), Number(root?.[2])];
    expect(failures).toBe(count);
    // Every pod runs the same baseline rules: a test case for each, one of them failing.
    expect(tests % count).toBe(0);
    expect(tests / count).toBeGreaterThan(5);
    expect(xml.match(/<testcase /g)).toHaveLength(tests);
    expect(xml.match(/<failure /g)).toHaveLength(count);
    expect(xml.match(/<\/failure>/g)).toHaveLength(count);
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.endsWith('  </testsuite>\n</testsuites>\n')).toBe(true);
    expect(xml).toContain(`name="Pod/shop/pod-${count - 1} privileged"`);
  }, 120_000);
});
