/**
 * `podguard scan CHART_DIR`: the chart review, and `--helm` with a stand-in `helm` on PATH (a
 * script that records its arguments and prints a canned rendering; no real helm is needed).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

let work: string;
let fakeBin: string;
let emptyBin: string;

const CHART_YAML = 'apiVersion: v2\nname: shop\nversion: 0.1.0\n';
const VALUES = `image:
  repository: registry.example.com/shop/web
podSecurityContext: {}
securityContext:
  privileged: true
  runAsUser: 0
`;
const HELPERS = `{{- define "shop.labels" -}}
app: shop
{{- end }}
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  template:
    spec:
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: web
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          image: "{{ .Values.image.repository }}:1.0"
`;
const WORKER = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ .Release.Name }}-worker
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: worker
              image: registry.example.com/shop/worker:1.0
`;
/** What `helm template` prints for the chart above with its default values. */
const RENDERED = `---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-name-web
  labels:
    app: shop
spec:
  template:
    spec:
      securityContext:
        {}
      containers:
        - name: web
          securityContext:
            privileged: true
            runAsUser: 0
          image: "registry.example.com/shop/web:1.0"
`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'podguard-chart-'));
  const chart = join(work, 'charts/shop');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), CHART_YAML);
  writeFileSync(join(chart, 'values.yaml'), VALUES);
  writeFileSync(join(chart, 'templates/_helpers.tpl'), HELPERS);
  writeFileSync(join(chart, 'templates/deployment.yaml'), DEPLOYMENT);
  writeFileSync(join(chart, 'templates/worker.yaml'), WORKER);
  writeFileSync(join(chart, 'templates/NOTES.txt'), 'Thanks for installing {{ .Chart.Name }}.\n');
  writeFileSync(join(work, 'prod-values.yaml'), 'securityContext:\n  privileged: false\n');
  writeFileSync(join(work, 'rendered.yaml'), RENDERED);

  fakeBin = join(work, 'bin');
  emptyBin = join(work, 'no-helm');
  mkdirSync(fakeBin);
  mkdirSync(emptyBin);
  writeFileSync(
    join(fakeBin, 'helm'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${work}/helm-args.txt"\nif [ -n "$HELM_FAIL" ]; then echo "Error: $HELM_FAIL" >&2; exit 1; fi\ncat "${work}/rendered.yaml"\n`,
  );
  chmodSync(join(fakeBin, 'helm'), 0o755);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const pathWith = (dir: string) => [dir, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter);

interface JsonFinding {
  rule: string;
  severity: string;
  messageId: string;
  message: string;
  source: { file: string; line: number; column: number; template?: string };
}
const findingsOf = (stdout: string) => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;

describe('podguard scan CHART_DIR: the chart review', () => {
  it('reports unconfigurable securityContexts and insecure defaults as warnings, templates unparsed', async () => {
    const run = await runCli(['scan', 'charts/shop', '--format', 'json'], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const findings = findingsOf(run.stdout);
    expect(
      findings.map((f) => [f.messageId, `${f.source.file}:${f.source.line}:${f.source.column}`]),
    ).toEqual([
      ['podSecurityContextMissing', 'charts/shop/templates/worker.yaml:11:11'],
      ['containerSecurityContextMissing', 'charts/shop/templates/worker.yaml:12:13'],
      ['insecureDefault', 'charts/shop/values.yaml:5:3'],
      ['insecureDefault', 'charts/shop/values.yaml:6:3'],
    ]);
    expect(findings.every((f) => f.rule === 'helmChartSecurityContext' && f.severity === 'warning')).toBe(
      true,
    );
    expect(findings[2]?.message).toBe(
      'values.yaml defaults securityContext.privileged to true: a privileged container has every capability of the host',
    );
    const report = JSON.parse(run.stdout) as { inputErrors: unknown[] };
    expect(report.inputErrors).toEqual([]);
  });

  it('fails with --fail-on warning, and describes the rule in SARIF with its docs page', async () => {
    expect((await runCli(['scan', 'charts/shop', '--fail-on', 'warning'], { cwd: work })).code).toBe(1);
    const sarif = await runCli(['scan', 'charts/shop', '--format', 'sarif'], { cwd: work });
    const log = JSON.parse(sarif.stdout) as {
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string }[] } };
        results: { ruleId: string }[];
      }[];
    };
    const rule = log.runs[0]?.tool.driver.rules.find((r) => r.id === 'helmChartSecurityContext');
    expect(rule?.helpUri).toBe(
      'https://github.com/podguard/podguard/blob/main/docs/rules/helmChartSecurityContext.md',
    );
    expect(log.runs[0]?.results.filter((r) => r.ruleId === 'helmChartSecurityContext')).toHaveLength(4);
  });

  it('reviews the chart when its templates or values are named one by one (as pre-commit passes them)', async () => {
    const run = await runCli(
      [
        'scan',
        'charts/shop/templates/worker.yaml',
        'charts/shop/templates/deployment.yaml',
        'charts/shop/values.yaml',
        '--format',
        'json',
      ],
      { cwd: work },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).inputErrors).toEqual([]);
    expect(findingsOf(run.stdout)).toHaveLength(4);
  });

  it('reviews the chart whatever directory the scan starts from', async () => {
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: join(work, 'charts/shop') });
    expect(findingsOf(run.stdout).map((f) => f.source.file)).toEqual([
      'templates/worker.yaml',
      'templates/worker.yaml',
      'values.yaml',
      'values.yaml',
    ]);
  });
});

describe('podguard scan CHART_DIR --helm', () => {
  it('says to install helm when it is not on PATH (exit 2)', async () => {
    const run = await runCli(['scan', 'charts/shop', '--helm'], { cwd: work, env: { PATH: emptyBin } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "podguard: --helm renders the chart with the helm command, which is not on PATH: install Helm 3 (https://helm.sh/docs/intro/install/), or drop --helm to review the chart's templates and values without rendering them\n",
    );
  });

  it('runs helm template with the values files and scans the rendering, located in its templates', async () => {
    const run = await runCli(
      ['scan', 'charts/shop', '--helm', '--values', 'prod-values.yaml', '--format', 'json'],
      { cwd: work, env: { PATH: pathWith(fakeBin) } },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(readFileSync(join(work, 'helm-args.txt'), 'utf8')).toBe(
      'template\ncharts/shop\n--values\nprod-values.yaml\n',
    );
    const findings = findingsOf(run.stdout);
    const privileged = findings.find((f) => f.rule === 'privileged');
    expect(privileged?.source).toEqual({
      file: 'charts/shop/templates/deployment.yaml',
      line: 16,
      column: 13,
      document: 0,
      template: 'shop/templates/deployment.yaml',
    });
    // The review of the sources runs too.
    expect(findings.filter((f) => f.rule === 'helmChartSecurityContext')).toHaveLength(4);
  });

  it("reports helm's own failure (exit 2), and refuses --helm on a directory that is no chart", async () => {
    const failed = await runCli(['scan', 'charts/shop', '--helm'], {
      cwd: work,
      env: { PATH: pathWith(fakeBin), HELM_FAIL: 'template: shop/templates/x.yaml:3: bad' },
    });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe(
      'podguard: helm template charts/shop failed: Error: template: shop/templates/x.yaml:3: bad\n',
    );
    const notChart = await runCli(['scan', 'charts', '--helm'], {
      cwd: work,
      env: { PATH: pathWith(fakeBin) },
    });
    expect(notChart.code).toBe(2);
    expect(notChart.stderr).toContain('--helm renders Helm charts, and charts has no Chart.yaml');
    const values = await runCli(['scan', 'charts/shop', '--values', 'prod-values.yaml'], { cwd: work });
    expect(values.code).toBe(2);
    expect(values.stderr).toContain('--values only goes with --helm');
  });
});
