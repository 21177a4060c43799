/**
 * Which objects carry pod templates, by API group/version and kind, and where the templates sit.
 *
 * Built-in workload kinds are recognised only at the group/versions the API server serves them
 * (as upstream Pod Security Admission's extractor is keyed by group and resource): a `Job` of
 * `batch.volcano.sh/v1alpha1` is not a `batch/v1` Job. Custom resources are judged through the
 * built-in knowledge below and the `podTemplates` option, and are otherwise not applicable.
 */

import { PodguardInputError } from '../model/errors.js';
import { parsePointer } from './pointer.js';
import { TEKTON_KINDS } from './tekton.js';

/** Where the pods of each Tekton kind come from, for docs (tekton.ts reads them). */
const TEKTON_PATHS: Readonly<Record<string, string>> = {
  Task: '/spec',
  ClusterTask: '/spec',
  TaskRun: '/spec/taskSpec',
  Pipeline: '/spec/tasks/*/taskSpec',
  PipelineRun: '/spec/pipelineSpec/tasks/*/taskSpec',
};

/** Where the pod templates of one apiVersion/kind sit. */
export interface PodTemplateKind {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * JSON pointers of the pod templates (objects with `spec` and optional `metadata`, as a
   * PodTemplateSpec); `''` is the object itself (a Pod). A `*` token stands for every item of an
   * array, e.g. `/spec/tasks/*\/template`.
   */
  readonly paths: readonly string[];
  /**
   * A layout other than PodTemplateSpecs at `paths`: `argo-workflow` builds one pod per
   * container/script/containerSet template of an Argo WorkflowSpec (see argoWorkflows.ts);
   * `tekton` assembles one pod per task spec from its steps, step template, sidecars and the
   * run's pod template (see tekton.ts).
   */
  readonly layout?: 'argo-workflow' | 'tekton';
}

/** How a kind is known, which decides what a missing template means. */
export type PodTemplateSource =
  /** A built-in workload kind: a missing template is invalid input, as the API server says. */
  | 'builtin'
  /** podguard's knowledge of a custom resource: templates are optional (a Rollout may use `workloadRef`). */
  | 'custom'
  /** The `podTemplates` option: at least one of the declared paths must hold a template. */
  | 'option';

/** A compiled entry: the paths split into tokens. */
export interface PodTemplateEntry extends PodTemplateKind {
  readonly source: PodTemplateSource;
  readonly tokens: readonly (readonly string[])[];
  /** A short name for docs and messages, e.g. `Argo Rollouts`. */
  readonly product?: string;
}

/**
 * The built-in workload kinds at the group/versions the API server serves. One table, for every
 * door (the CLI, cdk8s, Pulumi types): add a served (or long-served legacy) group/version here.
 */
export const BUILTIN_WORKLOAD_KINDS: readonly PodTemplateKind[] = [
  { apiVersion: 'v1', kind: 'Pod', paths: [''] },
  { apiVersion: 'v1', kind: 'PodTemplate', paths: ['/template'] },
  { apiVersion: 'v1', kind: 'ReplicationController', paths: ['/spec/template'] },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', paths: ['/spec/template'] },
  { apiVersion: 'apps/v1', kind: 'Deployment', paths: ['/spec/template'] },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', paths: ['/spec/template'] },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', paths: ['/spec/template'] },
  { apiVersion: 'batch/v1', kind: 'Job', paths: ['/spec/template'] },
  { apiVersion: 'batch/v1', kind: 'CronJob', paths: ['/spec/jobTemplate/spec/template'] },
  // Served until Kubernetes 1.25; old manifests still carry it.
  { apiVersion: 'batch/v1beta1', kind: 'CronJob', paths: ['/spec/jobTemplate/spec/template'] },
  // Legacy group/versions (served until 1.16, batch/v2alpha1 until 1.21) that old manifests and
  // @pulumi/kubernetes' legacy types still carry: the same pod templates as their v1 twins.
  ...['apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1'].flatMap((apiVersion) =>
    ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']
      .filter((kind) => !(apiVersion === 'apps/v1beta1' && (kind === 'DaemonSet' || kind === 'ReplicaSet')))
      .filter((kind) => !(apiVersion === 'extensions/v1beta1' && kind === 'StatefulSet'))
      .map((kind) => ({ apiVersion, kind, paths: ['/spec/template'] })),
  ),
  { apiVersion: 'batch/v2alpha1', kind: 'CronJob', paths: ['/spec/jobTemplate/spec/template'] },
];

/** A custom resource podguard knows, with the product it belongs to. */
export interface KnownCustomResource extends PodTemplateKind {
  readonly product: string;
}

/**
 * Custom resources whose pod templates podguard knows. Each path is a PodTemplateSpec (or a Pod)
 * in the resource's schema; a path the object does not have is skipped. docs/kinds.md lists them.
 */
export const KNOWN_CUSTOM_RESOURCES: readonly KnownCustomResource[] = [
  // Argo Rollouts: RolloutSpec.template (absent when spec.workloadRef points at a Deployment).
  {
    product: 'Argo Rollouts',
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    paths: ['/spec/template'],
  },
  // Knative Serving: RevisionTemplateSpec (metadata + RevisionSpec, which inlines PodSpec).
  {
    product: 'Knative Serving',
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    paths: ['/spec/template'],
  },
  {
    product: 'Knative Serving',
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Configuration',
    paths: ['/spec/template'],
  },
  // A Revision's spec is the RevisionSpec itself, with the object's metadata.
  { product: 'Knative Serving', apiVersion: 'serving.knative.dev/v1', kind: 'Revision', paths: [''] },
  // KEDA: ScaledJob.spec.jobTargetRef is a batch/v1 JobSpec.
  {
    product: 'KEDA',
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    paths: ['/spec/jobTargetRef/template'],
  },
  // OpenKruise workloads.
  {
    product: 'OpenKruise',
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'CloneSet',
    paths: ['/spec/template'],
  },
  {
    product: 'OpenKruise',
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'StatefulSet',
    paths: ['/spec/template'],
  },
  {
    product: 'OpenKruise',
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'StatefulSet',
    paths: ['/spec/template'],
  },
  {
    product: 'OpenKruise',
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'DaemonSet',
    paths: ['/spec/template'],
  },
  {
    product: 'OpenKruise',
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'BroadcastJob',
    paths: ['/spec/template'],
  },
  {
    product: 'OpenKruise',
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'AdvancedCronJob',
    paths: ['/spec/template/jobTemplate/spec/template', '/spec/template/broadcastJobTemplate/spec/template'],
  },
  // Argo Workflows: pods are built from the WorkflowSpec's templates (argoWorkflows.ts).
  ...['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow'].map(
    (kind): KnownCustomResource => ({
      product: 'Argo Workflows',
      apiVersion: 'argoproj.io/v1alpha1',
      kind,
      paths: [kind === 'CronWorkflow' ? '/spec/workflowSpec/templates' : '/spec/templates'],
      layout: 'argo-workflow',
    }),
  ),
  // Tekton Pipelines: pods are assembled from task specs and run pod templates (tekton.ts).
  ...['tekton.dev/v1', 'tekton.dev/v1beta1'].flatMap((apiVersion) =>
    TEKTON_KINDS.filter((kind) => !(kind === 'ClusterTask' && apiVersion === 'tekton.dev/v1')).map(
      (kind): KnownCustomResource => ({
        product: 'Tekton Pipelines',
        apiVersion,
        kind,
        paths: [TEKTON_PATHS[kind] as string],
        layout: 'tekton',
      }),
    ),
  ),
  // Volcano: each task of a Job has its own PodTemplateSpec.
  {
    product: 'Volcano',
    apiVersion: 'batch.volcano.sh/v1alpha1',
    kind: 'Job',
    paths: ['/spec/tasks/*/template'],
  },
  // Flink Kubernetes Operator: pod templates are Pods (apiVersion/kind/metadata/spec).
  {
    product: 'Flink Kubernetes Operator',
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    paths: ['/spec/podTemplate', '/spec/jobManager/podTemplate', '/spec/taskManager/podTemplate'],
  },
  // Kubeflow Spark operator (v2): SparkPodSpec.template is a PodTemplateSpec.
  {
    product: 'Spark operator',
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    paths: ['/spec/driver/template', '/spec/executor/template'],
  },
  {
    product: 'Spark operator',
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'ScheduledSparkApplication',
    paths: ['/spec/template/driver/template', '/spec/template/executor/template'],
  },
];

/** The lookup extractObject uses: apiVersion/kind → entry. */
export interface PodTemplateTable {
  get(apiVersion: string, kind: string): PodTemplateEntry | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyOf(apiVersion: string, kind: string): string {
  return `${apiVersion}\n${kind}`;
}

function compile(kind: PodTemplateKind, source: PodTemplateSource, product?: string): PodTemplateEntry {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    paths: [...kind.paths],
    ...(kind.layout !== undefined ? { layout: kind.layout } : {}),
    source,
    tokens: kind.paths.map((path) => parsePointer(path)),
    ...(product !== undefined ? { product } : {}),
  };
}

class Table implements PodTemplateTable {
  readonly #entries = new Map<string, PodTemplateEntry>();
  /** Built-in kinds by kind alone, for objects that omit apiVersion (as tests and generators do). */
  readonly #unversioned = new Map<string, PodTemplateEntry>();

  add(entry: PodTemplateEntry): void {
    this.#entries.set(keyOf(entry.apiVersion, entry.kind), entry);
    if (entry.source === 'builtin' && !this.#unversioned.has(entry.kind))
      this.#unversioned.set(entry.kind, entry);
  }

  get(apiVersion: string, kind: string): PodTemplateEntry | undefined {
    if (apiVersion === '') return this.#unversioned.get(kind);
    return this.#entries.get(keyOf(apiVersion, kind));
  }
}

function baseTable(): Table {
  const table = new Table();
  for (const kind of KNOWN_CUSTOM_RESOURCES) table.add(compile(kind, 'custom', kind.product));
  for (const kind of BUILTIN_WORKLOAD_KINDS) table.add(compile(kind, 'builtin'));
  return table;
}

/** Built-in workload kinds and known custom resources. */
export const DEFAULT_POD_TEMPLATES: PodTemplateTable = baseTable();

/** Whether apiVersion/kind is a built-in workload kind at a served group/version. */
export function isBuiltinWorkload(apiVersion: string, kind: string): boolean {
  return DEFAULT_POD_TEMPLATES.get(apiVersion, kind)?.source === 'builtin';
}

/** Whether podguard finds pod templates in apiVersion/kind (built-in, known, or declared in `podTemplates`). */
export function hasPodTemplates(
  apiVersion: string,
  kind: string,
  table: PodTemplateTable = DEFAULT_POD_TEMPLATES,
): boolean {
  return table.get(apiVersion, kind) !== undefined;
}

function invalid(field: string, message: string): never {
  throw new PodguardInputError(`invalid option ${field}: ${message}`, field);
}

/** Validated `podTemplates` by the array the user passed, so repeated evaluations reuse the table. */
const tables = new WeakMap<object, PodTemplateTable>();

/**
 * Validates the `podTemplates` option and returns the table with the declared kinds added (a
 * declaration replaces podguard's knowledge of the same custom resource; built-in workload kinds
 * cannot be redeclared). Throws {@link PodguardInputError} naming the entry and field.
 */
export function podTemplateTable(value: unknown): PodTemplateTable {
  if (value === undefined) return DEFAULT_POD_TEMPLATES;
  if (!Array.isArray(value))
    invalid('podTemplates', 'expected an array of { apiVersion, kind, paths } entries');
  const cached = tables.get(value);
  if (cached) return cached;
  const table = baseTable();
  value.forEach((entry: unknown, index) => {
    const field = `podTemplates[${index}]`;
    if (!isRecord(entry)) invalid(field, 'expected an object { apiVersion, kind, paths }');
    for (const key of Object.keys(entry)) {
      if (key !== 'apiVersion' && key !== 'kind' && key !== 'paths')
        invalid(`${field}.${key}`, 'unknown key (expected apiVersion, kind, paths)');
    }
    const { apiVersion, kind, paths } = entry;
    if (typeof apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?[a-z0-9]+$/.test(apiVersion))
      invalid(
        `${field}.apiVersion`,
        `expected "group/version" such as "example.com/v1", got ${JSON.stringify(apiVersion)}`,
      );
    if (typeof kind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind))
      invalid(`${field}.kind`, `expected a kind such as "MyApp", got ${JSON.stringify(kind)}`);
    if (isBuiltinWorkload(apiVersion, kind))
      invalid(`${field}`, `${apiVersion} ${kind} is a built-in workload kind; its pod template is known`);
    if (!Array.isArray(paths) || paths.length === 0)
      invalid(`${field}.paths`, 'expected a non-empty array of JSON pointers such as "/spec/template"');
    paths.forEach((path: unknown, pathIndex) => {
      if (typeof path !== 'string' || (path !== '' && !path.startsWith('/')))
        invalid(
          `${field}.paths[${pathIndex}]`,
          `expected a JSON pointer such as "/spec/template", got ${JSON.stringify(path)}`,
        );
    });
    table.add(compile({ apiVersion, kind, paths: paths as string[] }, 'option'));
  });
  tables.set(value, table);
  return table;
}

/** One pod template found in an object: its tokens from the object's root. */
export type TemplateTokens = readonly (string | number)[];

/**
 * The templates a path pattern matches in an object: `*` expands over array items. A pattern
 * whose fixed part is missing matches nothing; a missing last token still yields the path (so
 * a built-in kind can report "no pod template at ...").
 */
export function expandTemplatePath(object: unknown, tokens: readonly string[]): TemplateTokens[] {
  // Built-in kinds name one place (`/spec/template`): no frontier to grow, and nothing to copy.
  if (!tokens.includes('*')) return expandPlainPath(object, tokens);
  let frontier: { value: unknown; path: (string | number)[] }[] = [{ value: object, path: [] }];
  for (const token of tokens) {
    const next: typeof frontier = [];
    for (const { value, path } of frontier) {
      if (token === '*') {
        if (Array.isArray(value))
          for (let index = 0; index < value.length; index++)
            next.push({ value: value[index], path: [...path, index] });
      } else if (isRecord(value)) next.push({ value: value[token], path: [...path, token] });
      else if (Array.isArray(value) && /^(0|[1-9][0-9]*)$/.test(token))
        next.push({ value: value[Number(token)], path: [...path, Number(token)] });
    }
    frontier = next;
  }
  return frontier.map((entry) => entry.path);
}

/** {@link expandTemplatePath} of a path without `*`: the path itself, numeric where it indexes an array. */
function expandPlainPath(object: unknown, tokens: readonly string[]): TemplateTokens[] {
  let value = object;
  let numeric = false;
  for (const token of tokens) {
    if (isRecord(value)) value = value[token];
    else if (Array.isArray(value) && /^(0|[1-9][0-9]*)$/.test(token)) {
      value = value[Number(token)];
      numeric = true;
    } else return [];
  }
  if (!numeric) return [tokens];
  let at: unknown = object;
  return [
    tokens.map((token) => {
      const index = Array.isArray(at) ? Number(token) : undefined;
      at = index === undefined ? (at as Record<string, unknown>)[token] : (at as unknown[])[index];
      return index ?? token;
    }),
  ];
}
