/**
 * The `helmChartSecurityContext` rule: can the users of a Helm chart set the pod and container
 * `securityContext` from values without forking it, and do the chart's default values ask for
 * something insecure? A pure function of the template texts and the already-parsed values: the
 * core parses no YAML (templates are Go templates, not YAML, anyway), and the caller maps a
 * values finding's JSON pointer to its line.
 *
 * The review reads templates the way a person does: it finds each workload document (`kind:` a
 * pod-bearing kind), its `containers:` key (in the document or in a `define` the document
 * `include`s), the pod-level `securityContext:` beside it and each container's own. A
 * securityContext counts as taken from values when its block refers to `.Values` (or renders
 * with `toYaml`, `include` or `tpl`), or when it sits inside `{{- with .Values.… }}`.
 */

import { PodguardInputError } from '../model/errors.js';
import { checkJsonData, describeArgument, requireString } from '../model/inputGuard.js';
import type { Severity } from '../model/types.js';
import { escapePointerToken } from '../podspec/pointer.js';

/** Rule id of Helm chart findings. */
export const HELM_CHART_RULE = 'helmChartSecurityContext';

/** Message templates by message id, as documented in `docs/rules/helmChartSecurityContext.md`. */
export const helmChartMessages = {
  podSecurityContextMissing: 'the pod spec of {kind} sets no securityContext and takes none from values',
  podSecurityContextHardCoded:
    'the pod securityContext of {kind} is written in the template, not taken from values',
  containerSecurityContextMissing: 'container {container} sets no securityContext and takes none from values',
  containerSecurityContextHardCoded:
    'the securityContext of container {container} is written in the template, not taken from values',
  podSpecNotFound:
    'the template renders a {kind} whose pod spec (containers:) is neither in the template nor in a template it includes, so its securityContext cannot be reviewed',
  insecureDefault: 'values.yaml defaults {key} to {value}: {why}',
} as const;

/** Message ids of {@link analyzeHelmChart} findings. */
export type HelmChartMessageId = keyof typeof helmChartMessages;

export const HELM_CHART_CONTROLS: readonly string[] = [
  'PSS restricted: Running as Non-root',
  'CIS 5.2.7',
  'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
];

/** A chart as the analyzer needs it: template texts by path, and the parsed default values. */
export interface HelmChartSources {
  /** Files under `templates/`, with their paths as shown in findings (e.g. `web/templates/deployment.yaml`). */
  templates: readonly { path: string; text: string }[];
  /** `values.yaml`, parsed (undefined when the chart has none). */
  values?: unknown;
  /** How findings name the values file (default `values.yaml`). */
  valuesPath?: string;
}

/** One Helm chart finding; warnings, with advice rather than a patch. */
export interface HelmChartFinding {
  rule: typeof HELM_CHART_RULE;
  status: 'fail';
  severity: Severity;
  messageId: HelmChartMessageId;
  message: string;
  controls: string[];
  /** The template (or values file) at fault. */
  file: string;
  /** 1-based line and column in a template; absent for values findings (see `pointer`). */
  line?: number;
  column?: number;
  /** JSON pointer of the value in the values file, for values findings. */
  pointer?: string;
  /** The workload kind, for template findings. */
  kind?: string;
  /** The container, for container findings. */
  container?: string;
  fix: { description: string };
}

const WORKLOAD_KIND =
  /^kind:\s*["']?(Deployment|StatefulSet|DaemonSet|Job|CronJob|Pod|ReplicaSet|ReplicationController)["']?\s*(#.*)?$/;
const DEFINE = /\{\{-?\s*define\s+"([^"]+)"\s*-?\}\}/;
const END_AT_COLUMN_0 = /^\{\{-?\s*end\s*-?\}\}\s*$/;
const INCLUDE = /\b(?:include|template)\s+"([^"]+)"/g;
/** A reference that makes a block configurable. */
const FROM_VALUES = /\.Values\b|\btoYaml\b|\binclude\b|\btpl\b|\btemplate\b/;
const WITH_VALUES = /^\{\{-?\s*with\s+.*\.Values\b/;

interface Line {
  text: string;
  /** 1-based line in its file. */
  number: number;
  indent: number;
  /** Blank, a comment, or template actions only: not a YAML line of its own. */
  filler: boolean;
}

interface TemplateText {
  file: string;
  lines: Line[];
}

function linesOf(text: string, firstLine = 1): Line[] {
  return text.split(/\r?\n/).map((raw, index) => {
    const trimmed = raw.trim();
    return {
      text: raw,
      number: firstLine + index,
      indent: raw.length - raw.trimStart().length,
      filler: trimmed === '' || trimmed.startsWith('#') || /^(\{\{.*?\}\}\s*)+$/.test(trimmed),
    };
  });
}

const keyOf = (line: Line): string => line.text.trim();

function format(id: HelmChartMessageId, values: Record<string, string>): string {
  return helmChartMessages[id].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

/** The lines of the block under a key line: until a YAML line indented no deeper than the key. */
function blockAfter(lines: readonly Line[], index: number): Line[] {
  const key = lines[index] as Line;
  const block: Line[] = [];
  for (let i = index + 1; i < lines.length; i++) {
    const line = lines[i] as Line;
    if (!line.filler && line.indent <= key.indent) break;
    block.push(line);
  }
  return block;
}

/** Whether a `securityContext:` key at `index` takes its content from values. */
function takenFromValues(lines: readonly Line[], index: number): boolean {
  const key = lines[index] as Line;
  const rest = key.text.slice(key.text.indexOf('securityContext:') + 'securityContext:'.length);
  if (rest.includes('{{') && FROM_VALUES.test(rest)) return true;
  if (blockAfter(lines, index).some((line) => line.text.includes('{{') && FROM_VALUES.test(line.text)))
    return true;
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i] as Line;
    if (line.text.trim() === '') continue;
    return WITH_VALUES.test(line.text.trim());
  }
  return false;
}

/** Splits a template into its YAML documents (at `---` lines). */
function documentsOf(lines: readonly Line[]): Line[][] {
  const documents: Line[][] = [[]];
  for (const line of lines) {
    if (/^---(\s|$)/.test(line.text)) documents.push([]);
    else documents[documents.length - 1]?.push(line);
  }
  return documents;
}

/** `define`d templates of the chart (usually in `_helpers.tpl`), by name. */
function definesOf(templates: readonly TemplateText[]): Map<string, TemplateText> {
  const defines = new Map<string, TemplateText>();
  for (const template of templates) {
    const { lines } = template;
    for (let i = 0; i < lines.length; i++) {
      const name = DEFINE.exec((lines[i] as Line).text)?.[1];
      if (name === undefined) continue;
      const body: Line[] = [];
      for (let j = i + 1; j < lines.length && !END_AT_COLUMN_0.test((lines[j] as Line).text); j++) {
        body.push(lines[j] as Line);
      }
      defines.set(name, { file: template.file, lines: body });
    }
  }
  return defines;
}

const CONTAINERS_KEY = /^(containers|initContainers):(\s*(\{\{.*|#.*)?)?$/;

/** Where the pod spec is: the text (the document, or an included define) holding `containers:`. */
function podSpecSource(
  document: TemplateText,
  defines: ReadonlyMap<string, TemplateText>,
): TemplateText | undefined {
  const queue = [document];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const source = queue.shift() as TemplateText;
    if (source.lines.some((line) => !line.filler && /^containers:/.test(keyOf(line)))) return source;
    for (const line of source.lines) {
      for (const match of line.text.matchAll(INCLUDE)) {
        const name = match[1] as string;
        const define = defines.get(name);
        if (define && !seen.has(name)) {
          seen.add(name);
          queue.push(define);
        }
      }
    }
  }
  return undefined;
}

function templateFinding(
  id: HelmChartMessageId,
  file: string,
  line: Line,
  kind: string,
  fix: string,
  container?: string,
): HelmChartFinding {
  return {
    rule: HELM_CHART_RULE,
    status: 'fail',
    severity: 'warning',
    messageId: id,
    message: format(id, { kind, container: JSON.stringify(container ?? '') }),
    controls: [...HELM_CHART_CONTROLS],
    file,
    line: line.number,
    column: line.indent + 1,
    kind,
    ...(container !== undefined ? { container } : {}),
    fix: { description: fix },
  };
}

const podFix = (indent: number) =>
  `Take it from values: "securityContext: {{- toYaml .Values.podSecurityContext | nindent ${indent + 2} }}", with safe defaults for podSecurityContext in values.yaml (runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}).`;
const containerFix = (indent: number) =>
  `Take it from values: "securityContext: {{- toYaml .Values.securityContext | nindent ${indent + 2} }}", with safe defaults for securityContext in values.yaml (allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true).`;

/** Reviews one workload document whose pod spec is in `source`. */
function reviewPodSpec(source: TemplateText, kind: string, findings: HelmChartFinding[]): void {
  const { lines, file } = source;
  const containersAt = lines.findIndex((line) => !line.filler && /^containers:/.test(keyOf(line)));
  const podIndent = (lines[containersAt] as Line).indent;
  const podContext = lines.findIndex(
    (line) => !line.filler && line.indent === podIndent && /^securityContext:/.test(keyOf(line)),
  );
  if (podContext < 0) {
    findings.push(
      templateFinding(
        'podSecurityContextMissing',
        file,
        lines[containersAt] as Line,
        kind,
        podFix(podIndent),
      ),
    );
  } else if (!takenFromValues(lines, podContext)) {
    findings.push(
      templateFinding(
        'podSecurityContextHardCoded',
        file,
        lines[podContext] as Line,
        kind,
        podFix(podIndent),
      ),
    );
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    if (line.filler || line.indent !== podIndent || !CONTAINERS_KEY.test(keyOf(line))) continue;
    // Containers rendered whole from values (`containers: {{- toYaml .Values.containers ...}}`) are the user's.
    const block = blockAfter(lines, i);
    const items = block.filter((item) => !item.filler && keyOf(item).startsWith('- '));
    const itemIndent = items[0]?.indent;
    const starts = items.filter((item) => item.indent === itemIndent);
    for (const [n, start] of starts.entries()) {
      const from = lines.indexOf(start);
      const next = starts[n + 1];
      const to = next ? lines.indexOf(next) : lines.indexOf(block[block.length - 1] as Line) + 1;
      const item = lines.slice(from, to);
      const nameLine = item.find((entry) => /^(- )?name:/.test(keyOf(entry)));
      const name = nameLine
        ? keyOf(nameLine)
            .replace(/^(- )?name:\s*/, '')
            .replace(/^["']|["']$/g, '')
        : `#${n + 1}`;
      const context = item.findIndex((entry) => !entry.filler && /^(- )?securityContext:/.test(keyOf(entry)));
      if (context < 0) {
        findings.push(
          templateFinding(
            'containerSecurityContextMissing',
            file,
            start,
            kind,
            containerFix(start.indent + 2),
            name,
          ),
        );
      } else if (!takenFromValues(lines, from + context)) {
        const at = item[context] as Line;
        findings.push(
          templateFinding('containerSecurityContextHardCoded', file, at, kind, containerFix(at.indent), name),
        );
      }
    }
  }
}

interface InsecureValue {
  /** Key names the value is found under, and the test of an insecure value. */
  readonly key: string;
  readonly insecure: (value: unknown, parent: Record<string, unknown>) => boolean;
  readonly safe: string;
  readonly why: string;
}

const INSECURE_VALUES: readonly InsecureValue[] = [
  {
    key: 'privileged',
    insecure: (v) => v === true,
    safe: 'false',
    why: 'a privileged container has every capability of the host',
  },
  {
    key: 'allowPrivilegeEscalation',
    insecure: (v) => v === true,
    safe: 'false',
    why: 'a process can gain more privileges than its parent (setuid binaries)',
  },
  {
    key: 'runAsNonRoot',
    insecure: (v) => v === false,
    safe: 'true',
    why: 'containers may run as root',
  },
  { key: 'runAsUser', insecure: (v) => v === 0, safe: '1000', why: 'containers run as root' },
  {
    key: 'hostNetwork',
    insecure: (v) => v === true,
    safe: 'false',
    why: "pods share the host's network namespace",
  },
  { key: 'hostPID', insecure: (v) => v === true, safe: 'false', why: "pods see the host's processes" },
  { key: 'hostIPC', insecure: (v) => v === true, safe: 'false', why: "pods share the host's IPC namespace" },
  {
    key: 'readOnlyRootFilesystem',
    insecure: (v) => v === false,
    safe: 'true',
    why: 'the root filesystem is writable',
  },
  {
    key: 'type',
    insecure: (v, parent) =>
      v === 'Unconfined' && 'type' in parent && parentKey.get(parent) === 'seccompProfile',
    safe: 'RuntimeDefault',
    why: 'no seccomp filter limits the system calls',
  },
  {
    key: 'add',
    insecure: (v, parent) =>
      parentKey.get(parent) === 'capabilities' &&
      Array.isArray(v) &&
      v.some((name) => typeof name === 'string' && name.replace(/^CAP_/, '') !== 'NET_BIND_SERVICE'),
    safe: '[] (at most NET_BIND_SERVICE)',
    why: 'capabilities beyond NET_BIND_SERVICE fail the restricted Pod Security Standard',
  },
];

/** The key each values mapping sits under, for the two checks that depend on it. */
const parentKey = new WeakMap<object, string>();

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function reviewValues(values: unknown, file: string, findings: HelmChartFinding[]): void {
  const walk = (node: unknown, pointer: string, keys: string[]) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        walk(item, `${pointer}/${index}`, [...keys, String(index)]);
      });
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (isRecord(value)) parentKey.set(value, key);
    }
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointerToken(key)}`;
      const check = INSECURE_VALUES.find((entry) => entry.key === key && entry.insecure(value, node));
      if (check) {
        const dotted = [...keys, key].join('.');
        findings.push({
          rule: HELM_CHART_RULE,
          status: 'fail',
          severity: 'warning',
          messageId: 'insecureDefault',
          message: format('insecureDefault', { key: dotted, value: JSON.stringify(value), why: check.why }),
          controls: [...HELM_CHART_CONTROLS],
          file,
          pointer: at,
          fix: {
            description: `Default ${dotted} to ${check.safe}; users who need otherwise can still set it.`,
          },
        });
      }
      walk(value, at, [...keys, key]);
    }
  };
  walk(values, '', []);
}

function checkChartSources(chart: unknown): asserts chart is HelmChartSources {
  const record = chart as Record<string, unknown> | null;
  if (typeof chart !== 'object' || chart === null || !Array.isArray(record?.templates)) {
    throw new PodguardInputError(
      `chart must be an object with a templates array, got ${describeArgument(chart)}`,
      'chart',
    );
  }
  (record.templates as unknown[]).forEach((template, index) => {
    const entry = template as Record<string, unknown> | null;
    if (typeof entry?.path !== 'string' || typeof entry.text !== 'string') {
      throw new PodguardInputError(
        `chart.templates[${index}] must have string path and text`,
        `templates[${index}]`,
      );
    }
  });
  if (record.valuesPath !== undefined) requireString(record.valuesPath, 'valuesPath');
  checkJsonData(record.values, 'chart values');
}

/**
 * Reviews a Helm chart: workload templates whose pod or container securityContext is not taken
 * from values, and values that default to something insecure. Template findings come first, in
 * template order, then values findings in document order.
 */
export function analyzeHelmChart(chart: HelmChartSources): HelmChartFinding[] {
  checkChartSources(chart);
  const findings: HelmChartFinding[] = [];
  const templates = chart.templates.map(
    (template): TemplateText => ({ file: template.path, lines: linesOf(template.text) }),
  );
  const defines = definesOf(templates);
  for (const template of templates) {
    // Helpers (`_helpers.tpl`) and NOTES.txt render nothing on their own.
    if (!/\.ya?ml$/i.test(template.file)) continue;
    for (const lines of documentsOf(template.lines)) {
      const kindLine = lines.find((line) => WORKLOAD_KIND.test(line.text));
      if (!kindLine) continue;
      const kind = WORKLOAD_KIND.exec(kindLine.text)?.[1] as string;
      const source = podSpecSource({ file: template.file, lines }, defines);
      if (!source) {
        findings.push(
          templateFinding(
            'podSpecNotFound',
            template.file,
            kindLine,
            kind,
            'Review the pod spec where it is rendered, or render the chart (podguard scan CHART --helm).',
          ),
        );
        continue;
      }
      reviewPodSpec(source, kind, findings);
    }
  }
  if (chart.values !== undefined) reviewValues(chart.values, chart.valuesPath ?? 'values.yaml', findings);
  return findings;
}
