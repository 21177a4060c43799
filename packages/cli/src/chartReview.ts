/**
 * `podguard scan CHART_DIR`: the review of a Helm chart's sources. The verdicts come from the
 * core's `analyzeHelmChart` (string logic over the templates); this file reads the chart, parses
 * values.yaml and places each finding in its file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeHelmChart,
  type CheckedObject,
  HELM_CHART_RULE,
  type HelmChartFinding,
  type LocatedFinding,
} from '@podguard/policy-core';
import { LineCounter, parseDocument } from 'yaml';
import { type ChartDirectory, chartFile, type InputError } from './inputs.js';
import { checkAliasing, KUBERNETES_YAML_OPTIONS, KubernetesYamlError, kubernetesValue } from './kubeYaml.js';
import { offsetOf, positionAt } from './sourceMap.js';

/** Template files: Go templates rendered to YAML, and helpers defining named templates. */
const TEMPLATE_FILE = /\.(ya?ml|tpl)$/i;

function templateFiles(dir: string, prefix: string): string[] {
  let entries: { name: string; isDirectory(): boolean; isFile(): boolean }[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      if (entry.isDirectory()) return templateFiles(join(dir, entry.name), `${prefix}${entry.name}/`);
      return entry.isFile() && TEMPLATE_FILE.test(entry.name) ? [`${prefix}${entry.name}`] : [];
    });
}

/** Reviews one chart; never throws (unreadable files become input errors). */
export function reviewChart(chart: ChartDirectory): {
  findings: LocatedFinding[];
  object: CheckedObject;
  errors: InputError[];
} {
  const errors: InputError[] = [];
  const chartYaml = chartFile(chart.display, 'Chart.yaml');
  let name = chart.display;
  try {
    const meta = parseDocument(readFileSync(join(chart.path, 'Chart.yaml'), 'utf8')).toJS() as unknown;
    const declared = (meta as { name?: unknown } | null)?.name;
    if (typeof declared === 'string') name = declared;
  } catch (error) {
    errors.push({ file: chartYaml, message: `cannot read Chart.yaml: ${(error as Error).message}` });
  }
  const templates: { path: string; text: string }[] = [];
  for (const path of templateFiles(join(chart.path, 'templates'), 'templates/')) {
    try {
      templates.push({
        path: chartFile(chart.display, path),
        text: readFileSync(join(chart.path, path), 'utf8'),
      });
    } catch (error) {
      errors.push({
        file: chartFile(chart.display, path),
        message: `cannot read: ${(error as Error).message}`,
      });
    }
  }

  const valuesFile = chartFile(chart.display, 'values.yaml');
  let values: unknown;
  let locateValue: (pointer: string) => { line: number; column: number } = () => ({ line: 1, column: 1 });
  let text: string | undefined;
  try {
    text = readFileSync(join(chart.path, 'values.yaml'), 'utf8');
  } catch {
    // A chart without values.yaml has no defaults to review.
  }
  if (text !== undefined) {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { ...KUBERNETES_YAML_OPTIONS, lineCounter, prettyErrors: false });
    let problem: { message: string; pos: [number, ...number[]] } | undefined = document.errors[0];
    if (!problem) {
      try {
        checkAliasing(document);
        // Helm reads values.yaml with sigs.k8s.io/yaml too.
        values = kubernetesValue(document);
      } catch (cause) {
        if (!(cause instanceof KubernetesYamlError)) throw cause;
        problem = { message: cause.message, pos: [cause.offset] };
      }
    }
    if (problem) {
      const { line, col } = lineCounter.linePos(problem.pos[0]);
      errors.push({
        file: valuesFile,
        line,
        column: col,
        message: `invalid YAML: ${problem.message.split('\n')[0]}`,
      });
    } else {
      locateValue = (pointer) => positionAt(lineCounter, offsetOf(document, pointer), 1);
    }
  }

  const resource = { apiVersion: '', kind: 'HelmChart', name };
  const located = (finding: HelmChartFinding): LocatedFinding => {
    const position =
      finding.pointer !== undefined
        ? locateValue(finding.pointer)
        : { line: finding.line ?? 1, column: finding.column ?? 1 };
    const path = finding.pointer ?? '';
    return {
      rule: finding.rule,
      status: finding.status,
      level: 'hardened',
      severity: finding.severity,
      resource,
      objectIndex: 0,
      ...(finding.container !== undefined ? { container: finding.container } : {}),
      path,
      locations: [{ path, ...(finding.container !== undefined ? { container: finding.container } : {}) }],
      reason: finding.messageId,
      detail: finding.message,
      message: finding.message,
      messageId: finding.messageId,
      controls: finding.controls,
      // Advice on templates the author wrote: never applied by a fix run.
      fix: { kind: 'unsafe', description: finding.fix.description, patch: [] },
      source: { file: finding.file, line: position.line, column: position.column, document: 0 },
    };
  };
  const findings = analyzeHelmChart({ templates, values, valuesPath: valuesFile }).map(located);
  return {
    findings,
    object: {
      resource,
      source: { file: chartYaml, line: 1, column: 1, document: 0 },
      rules: [HELM_CHART_RULE],
    },
    errors,
  };
}
