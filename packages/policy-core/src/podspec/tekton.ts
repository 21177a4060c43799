/**
 * Tekton Pipelines: no Tekton object holds a PodSpec. The controller builds one pod per TaskRun:
 *
 * - containers: the Task's `steps` (each merged over `stepTemplate`: what the step sets wins,
 *   objects merge field by field, as Tekton's strategic merge does) and its `sidecars`;
 * - volumes: the Task's `volumes`, then the run's `podTemplate.volumes`;
 * - the other pod fields (`securityContext`, `hostNetwork`, `automountServiceAccountToken`...):
 *   the run's `podTemplate` (TaskRun `spec.podTemplate`; PipelineRun `spec.taskRunTemplate.podTemplate`
 *   in v1, `spec.podTemplate` in v1beta1), and the run's `serviceAccountName`.
 *
 * podguard gives rules one assembled pod per task spec (a Task, the `taskSpec` of a TaskRun, each
 * embedded `taskSpec` of a Pipeline or PipelineRun) and maps findings and fixes back to where
 * each value is written ({@link AssembledPod}): a value inherited from `stepTemplate` is reported
 * and fixed there, a pod field of a run in its `podTemplate`. A Task or Pipeline alone has no pod
 * fields: its pod-level `securityContext` fixes go to `stepTemplate` (every step inherits it) and
 * to each sidecar, and rules about fields only a run can set (`automountServiceAccountToken`) are
 * left to the run. A run that only references its Task (`taskRef`, `pipelineRef`) is judged for
 * its pod fields. Tekton's own init containers (set up by the controller) are not in the manifest
 * and are not judged (docs/kinds.md).
 */

import type { Container, ObjectMeta, PodSpec } from '../model/k8s.js';
import type { JsonPatchOperation, JsonPointer, ResourceRef } from '../model/types.js';
import type { AssembledPod, ContainerRef, PodView } from '../model/views.js';
import { describeType } from './describeType.js';
import { parsePointer, pointer } from './pointer.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Tekton kinds podguard reads, by kind (the same at `tekton.dev/v1` and `tekton.dev/v1beta1`). */
export const TEKTON_KINDS: readonly string[] = ['Task', 'ClusterTask', 'TaskRun', 'Pipeline', 'PipelineRun'];

/** Fields of a container's `securityContext`: a pod-level one of these can be set on containers instead. */
const CONTAINER_SECURITY_FIELDS = new Set([
  'capabilities',
  'privileged',
  'seLinuxOptions',
  'windowsOptions',
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'readOnlyRootFilesystem',
  'allowPrivilegeEscalation',
  'procMount',
  'seccompProfile',
  'appArmorProfile',
]);

/** Pod fields a Task cannot hold: its TaskRun (or PipelineRun) sets them. */
const SET_BY_RUN: readonly string[] = ['automountServiceAccountToken', 'serviceAccountName'];

/** Lists Tekton merges by key when a step is merged over `stepTemplate` (strategic merge). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  env: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  volumeDevices: 'devicePath',
};

/** A step merged over the step template: the step's values win; objects merge field by field. */
function mergeOver(
  template: Record<string, unknown>,
  step: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...template };
  for (const [key, value] of Object.entries(step)) {
    const under = out[key];
    const mergeKey = MERGE_KEYS[key];
    if (isRecord(value) && isRecord(under)) out[key] = mergeOver(under, value);
    else if (mergeKey !== undefined && Array.isArray(value) && Array.isArray(under)) {
      const own = new Set(value.map((item) => (isRecord(item) ? item[mergeKey] : undefined)));
      out[key] = [...value, ...under.filter((item) => !(isRecord(item) && own.has(item[mergeKey])))];
    } else out[key] = value;
  }
  return out;
}

/** The value at `tokens` under `value`, or undefined. */
function at(value: unknown, tokens: readonly string[]): unknown {
  let current = value;
  for (const token of tokens) {
    if (Array.isArray(current)) current = /^\d+$/.test(token) ? current[Number(token)] : undefined;
    else if (isRecord(current)) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

/** Whether `tokens` is relative to `prefix` (returns the rest), for pointers split into tokens. */
function under(tokens: readonly string[], prefix: readonly string[]): string[] | undefined {
  if (tokens.length < prefix.length) return undefined;
  for (let i = 0; i < prefix.length; i++) if (tokens[i] !== prefix[i]) return undefined;
  return tokens.slice(prefix.length);
}

const join = (tokens: readonly string[]): JsonPointer => pointer('', ...tokens);

/** One task spec of an object, and the run that gives its pod fields (if the object is a run). */
interface TaskPlace {
  /** Tokens of the task spec (from the object's root). */
  readonly spec: readonly string[];
  /** Tokens of the run's pod template, when the object is a run. */
  readonly carrier?: readonly string[];
  /** Tokens of the run's `serviceAccountName`, when the object is a run. */
  readonly serviceAccount?: readonly string[];
}

/** The places of an object's task specs and run pod templates. */
function placesOf(
  object: Record<string, unknown>,
  resource: ResourceRef,
): {
  tasks: TaskPlace[];
  /** Pod templates judged on their own: a run that references its Task, per-task overrides. */
  carriers: { carrier: string[]; serviceAccount?: string[]; override?: true }[];
} {
  const v1 = resource.apiVersion === 'tekton.dev/v1';
  const spec = isRecord(object.spec) ? object.spec : {};
  switch (resource.kind) {
    case 'Task':
    case 'ClusterTask':
      return { tasks: [{ spec: ['spec'] }], carriers: [] };
    case 'TaskRun': {
      const run = { carrier: ['spec', 'podTemplate'], serviceAccount: ['spec', 'serviceAccountName'] };
      if (isRecord(spec.taskSpec)) return { tasks: [{ spec: ['spec', 'taskSpec'], ...run }], carriers: [] };
      return { tasks: [], carriers: [run] };
    }
    case 'Pipeline':
      return { tasks: embeddedTasks(spec, ['spec']), carriers: [] };
    default: {
      // PipelineRun.
      const run = v1
        ? {
            carrier: ['spec', 'taskRunTemplate', 'podTemplate'],
            serviceAccount: ['spec', 'taskRunTemplate', 'serviceAccountName'],
          }
        : { carrier: ['spec', 'podTemplate'], serviceAccount: ['spec', 'serviceAccountName'] };
      const pipeline = isRecord(spec.pipelineSpec) ? spec.pipelineSpec : undefined;
      const tasks = pipeline ? embeddedTasks(pipeline, ['spec', 'pipelineSpec']) : [];
      // Per-task pod templates override the run's for that task: judged on their own, for what they set.
      const overrides: { carrier: string[]; override: true }[] = [];
      const key = v1 ? 'podTemplate' : 'taskPodTemplate';
      if (Array.isArray(spec.taskRunSpecs)) {
        spec.taskRunSpecs.forEach((entry, index) => {
          if (isRecord(entry) && isRecord(entry[key]))
            overrides.push({ carrier: ['spec', 'taskRunSpecs', String(index), key], override: true });
        });
      }
      return {
        tasks: tasks.map((task) => ({ ...task, ...run })),
        carriers: tasks.length === 0 ? [run, ...overrides] : overrides,
      };
    }
  }
}

type Problem = { path: JsonPointer; message: string };

/**
 * The first value on the way to a Tekton object's task specs and pod templates that is not what
 * Tekton reads there (a `taskSpec` or `pipelineSpec` that is not an object, `tasks`, `finally` or
 * `taskRunSpecs` that are not lists of objects): such a pod is never skipped in silence.
 */
function shapeProblem(
  object: Record<string, unknown>,
  resource: ResourceRef,
  base: JsonPointer,
): Problem | undefined {
  const spec = isRecord(object.spec) ? object.spec : {};
  const wrong = (tokens: readonly string[], expected: string, value: unknown): Problem => {
    const path = base + join(tokens);
    return { path, message: `${path} must be ${expected}, got ${describeType(value)}` };
  };
  const objectAt = (holder: Record<string, unknown>, key: string, tokens: readonly string[]) =>
    holder[key] != null && !isRecord(holder[key])
      ? wrong([...tokens, key], 'an object', holder[key])
      : undefined;
  /** A list of objects at `holder[key]`, each checked for an object at `inner`. */
  const listAt = (holder: Record<string, unknown>, key: string, tokens: readonly string[], inner: string) => {
    const list = holder[key];
    if (list == null) return undefined;
    if (!Array.isArray(list)) return wrong([...tokens, key], 'an array', list);
    for (let index = 0; index < list.length; index++) {
      const item: unknown = list[index];
      const at = [...tokens, key, String(index)];
      if (!isRecord(item)) return wrong(at, 'an object', item);
      const problem = objectAt(item, inner, at);
      if (problem) return problem;
    }
    return undefined;
  };
  const pipelineTasks = (pipeline: Record<string, unknown>, tokens: readonly string[]) =>
    listAt(pipeline, 'tasks', tokens, 'taskSpec') ?? listAt(pipeline, 'finally', tokens, 'taskSpec');
  switch (resource.kind) {
    case 'TaskRun':
      return objectAt(spec, 'taskSpec', ['spec']);
    case 'Pipeline':
      return pipelineTasks(spec, ['spec']);
    case 'PipelineRun': {
      const templateKey = resource.apiVersion === 'tekton.dev/v1' ? 'podTemplate' : 'taskPodTemplate';
      return (
        objectAt(spec, 'pipelineSpec', ['spec']) ??
        (isRecord(spec.pipelineSpec)
          ? pipelineTasks(spec.pipelineSpec, ['spec', 'pipelineSpec'])
          : undefined) ??
        listAt(spec, 'taskRunSpecs', ['spec'], templateKey)
      );
    }
    default:
      return undefined;
  }
}

/** The embedded task specs (`tasks[*].taskSpec`, `finally[*].taskSpec`) of a PipelineSpec. */
function embeddedTasks(pipeline: Record<string, unknown>, path: readonly string[]): TaskPlace[] {
  const places: TaskPlace[] = [];
  for (const list of ['tasks', 'finally']) {
    const tasks = pipeline[list];
    if (!Array.isArray(tasks)) continue;
    tasks.forEach((task, index) => {
      if (isRecord(task) && isRecord(task.taskSpec))
        places.push({ spec: [...path, list, String(index), 'taskSpec'] });
    });
  }
  return places;
}

/** Builds operations on the object as written, creating each missing parent once. */
class PatchBuilder {
  readonly out: JsonPatchOperation[] = [];
  readonly #created = new Set<string>();

  constructor(private readonly object: unknown) {}

  /** Whether the object (or an operation so far) has a value (not null) at `tokens`. */
  has(tokens: readonly string[]): boolean {
    return at(this.object, tokens) != null || this.#created.has(join(tokens));
  }

  /** Adds `operation` at `tokens`, after the operations that create its missing parents. */
  push(operation: JsonPatchOperation, tokens: readonly string[], base: JsonPointer): void {
    for (let depth = 1; depth < tokens.length; depth++) {
      const parent = tokens.slice(0, depth);
      if (this.has(parent)) continue;
      const next = tokens[depth] as string;
      this.out.push({
        op: 'add',
        path: base + join(parent),
        value: /^(\d+|-)$/.test(next) ? [] : {},
        ifMissing: true,
      });
      this.#created.add(join(parent));
    }
    if (operation.op === 'add' && operation.ifMissing && tokens[tokens.length - 1] !== '-') {
      if (this.has(tokens)) return;
      this.#created.add(join(tokens));
    }
    this.out.push({ ...operation, path: base + join(tokens) });
  }
}

/** The assembled pod of one task spec, or of a run's pod template alone (`place.spec` empty). */
function assemble(
  object: Record<string, unknown>,
  resource: ResourceRef,
  base: JsonPointer,
  place: TaskPlace,
  alone: boolean,
  override = false,
): PodView {
  const task = alone ? {} : (at(object, place.spec) as Record<string, unknown>);
  const carrierValue = place.carrier ? at(object, place.carrier) : undefined;
  const carrier = isRecord(carrierValue) ? carrierValue : {};
  const home = alone ? (place.carrier as readonly string[]) : place.spec;
  const specPath = base + join(home);
  const stepTemplate = isRecord(task.stepTemplate) ? task.stepTemplate : undefined;
  const templateTokens = [...place.spec, 'stepTemplate'];

  // The pod: the run's pod fields, the Task's volumes then the run's, the run's ServiceAccount.
  const taskVolumes = Array.isArray(task.volumes) ? task.volumes : undefined;
  const runVolumes = Array.isArray(carrier.volumes) ? carrier.volumes : undefined;
  const { volumes: _volumes, ...podFields } = carrier;
  const spec: Record<string, unknown> = { ...podFields };
  if (task.volumes != null && taskVolumes === undefined) spec.volumes = task.volumes;
  else if (taskVolumes || runVolumes) spec.volumes = [...(taskVolumes ?? []), ...(runVolumes ?? [])];
  else if (carrier.volumes != null) spec.volumes = carrier.volumes;
  const serviceAccount = place.serviceAccount ? at(object, place.serviceAccount) : undefined;
  if (serviceAccount !== undefined) spec.serviceAccountName = serviceAccount;
  const taskVolumeCount = taskVolumes?.length ?? 0;

  // The containers: steps over the step template, then sidecars, at their own pointers.
  const containers: ContainerRef[] = [];
  const steps = Array.isArray(task.steps) ? task.steps : [];
  steps.forEach((step, index) => {
    if (!isRecord(step)) return;
    const container = (stepTemplate ? mergeOver(stepTemplate, step) : step) as Container;
    containers.push({
      container,
      name: typeof step.name === 'string' && step.name !== '' ? step.name : `unnamed-${index}`,
      group: 'containers',
      index: containers.length,
      path: base + join([...place.spec, 'steps', String(index)]),
    });
  });
  const sidecars = Array.isArray(task.sidecars) ? task.sidecars : [];
  sidecars.forEach((sidecar, index) => {
    if (!isRecord(sidecar)) return;
    containers.push({
      container: sidecar as Container,
      name: typeof sidecar.name === 'string' && sidecar.name !== '' ? sidecar.name : `unnamed-${index}`,
      group: 'containers',
      index: containers.length,
      path: base + join([...place.spec, 'sidecars', String(index)]),
    });
  });

  const baseTokens = parsePointer(base);
  const relative = (path: JsonPointer): string[] | undefined => under(parsePointer(path), baseTokens);

  /** Where a pod field (`rest` below the assembled spec) is written: tokens from the object's root. */
  const podField = (rest: readonly string[]): string[] | undefined => {
    const [key, index, ...tail] = rest;
    if (key === 'volumes' && !alone) {
      if (index !== undefined && /^\d+$/.test(index) && Number(index) >= taskVolumeCount && place.carrier)
        return [...place.carrier, 'volumes', String(Number(index) - taskVolumeCount), ...tail];
      if (task.volumes != null || !place.carrier || runVolumes === undefined) return [...place.spec, ...rest];
      return [...place.carrier, ...rest];
    }
    if (key === 'serviceAccountName' && place.serviceAccount)
      return [...place.serviceAccount, ...rest.slice(1)];
    return place.carrier ? [...place.carrier, ...rest] : undefined;
  };

  /**
   * A step's value that comes from the step template: tokens of it there. `has` says what the
   * object holds (with what a patch has created so far).
   */
  const stepField = (
    tokens: readonly string[],
    has: (tokens: readonly string[]) => boolean = (t) => at(object, t) != null,
  ): string[] | undefined => {
    const rest = under(tokens, [...place.spec, 'steps']);
    if (!rest || rest.length < 2 || steps.length === 0) return undefined;
    const [, ...field] = rest;
    if (has(tokens)) return undefined;
    return has([...templateTokens, ...field]) ? [...templateTokens, ...field] : undefined;
  };

  const assembled: AssembledPod = {
    // A per-task override sets only what it changes: the run's own pod template holds the rest.
    setElsewhere: place.carrier && !override ? [] : SET_BY_RUN,
    locate(path) {
      const tokens = relative(path);
      if (!tokens) return path;
      const rest = under(tokens, home);
      if (rest && rest.length > 0 && !isContainerList(rest[0] as string, alone)) {
        const written = podField(rest);
        return written ? base + join(written) : path;
      }
      // The pod as a whole: a run's pod template, where its pod fields are written.
      if (rest?.length === 0 && place.carrier && !alone && isRecord(carrierValue))
        return base + join(place.carrier);
      const inherited = stepField(tokens);
      return inherited ? base + join(inherited) : path;
    },
    patch(operations) {
      const unplaced = (why: string) => ({ patch: [], unfixable: why });
      const builder = new PatchBuilder(object);
      for (const operation of operations) {
        const tokens = relative(operation.path);
        if (!tokens) return unplaced(`${operation.path} is outside the object`);
        const rest = under(tokens, home);
        if (rest && rest.length > 0 && !isContainerList(rest[0] as string, alone)) {
          const written = podField(rest);
          if (written) {
            builder.push(operation, written, base);
            continue;
          }
          // A Task alone: a pod securityContext field goes on the step template and each sidecar.
          const [key, field] = rest;
          if (key !== 'securityContext' || (field !== undefined && !CONTAINER_SECURITY_FIELDS.has(field))) {
            return unplaced(
              `a Tekton ${resource.kind} has no pod field ${rest.join('.')}: set it in the podTemplate of the TaskRun or PipelineRun that runs it`,
            );
          }
          const targets = [
            ...(steps.length > 0 ? [templateTokens] : []),
            ...sidecars.map((_, index) => [...place.spec, 'sidecars', String(index)]),
          ];
          for (const target of targets) {
            const written = [...target, ...rest];
            // What a container (or the template) sets itself stays: the pod level only fills gaps.
            if (operation.op === 'add' && !operation.ifMissing && builder.has(written)) continue;
            builder.push(operation, written, base);
          }
          continue;
        }
        // A step's field: where the step has it, or where it would go, is the step, unless the
        // value (or, for an addition, its parent) is the step template's.
        const has = (t: readonly string[]) => builder.has(t);
        const target = operation.op === 'add' ? tokens.slice(0, -1) : tokens;
        const inherited = stepField(target, has);
        if (inherited && operation.op === 'add')
          builder.push(operation, [...inherited, tokens[tokens.length - 1] as string], base);
        else builder.push(operation, inherited ?? tokens, base);
      }
      return { patch: builder.out };
    },
  };
  // Tekton copies the labels and annotations of the Task and the run to the pod.
  return {
    object,
    resource,
    metadata: (isRecord(object.metadata) ? object.metadata : {}) as ObjectMeta,
    metadataPath: `${base}/metadata`,
    spec: spec as PodSpec,
    specPath,
    containers,
    assembled,
  };
}

/** Keys below the assembled spec that are the task's containers, not pod fields. */
function isContainerList(key: string, alone: boolean): boolean {
  return !alone && (key === 'steps' || key === 'sidecars' || key === 'stepTemplate');
}

/**
 * The pod views of a Tekton object, or a problem when what holds its task specs and pod templates,
 * or a task spec's steps or sidecars, are not objects and arrays of objects.
 */
export function tektonViews(
  object: Record<string, unknown>,
  resource: ResourceRef,
  base: JsonPointer,
): { views: PodView[] } | { path: JsonPointer; message: string } {
  const problem = shapeProblem(object, resource, base);
  if (problem) return problem;
  const { tasks, carriers } = placesOf(object, resource);
  const views: PodView[] = [];
  for (const place of tasks) {
    const task = at(object, place.spec) as Record<string, unknown>;
    // null is an absent field, as Kubernetes reads JSON.
    for (const list of ['steps', 'sidecars', 'volumes']) {
      const items = task[list];
      if (items != null && !Array.isArray(items)) {
        const path = base + join([...place.spec, list]);
        return { path, message: `${path} must be an array` };
      }
      // A step or sidecar that is not an object holds no container to judge: never skipped in silence.
      const index =
        list === 'volumes' || !Array.isArray(items) ? -1 : items.findIndex((item) => !isRecord(item));
      if (index >= 0) {
        const path = base + join([...place.spec, list, String(index)]);
        return {
          path,
          message: `${path} must be an object, got ${describeType((items as unknown[])[index])}`,
        };
      }
    }
    if (task.stepTemplate != null && !isRecord(task.stepTemplate)) {
      const path = base + join([...place.spec, 'stepTemplate']);
      return { path, message: `${path} must be an object` };
    }
    views.push(assemble(object, resource, base, place, false));
  }
  for (const { carrier, serviceAccount, override } of carriers) {
    const value = at(object, carrier);
    if (value != null && !isRecord(value)) {
      const path = base + join(carrier);
      return { path, message: `${path} must be an object` };
    }
    const place = { spec: [], carrier, ...(serviceAccount ? { serviceAccount } : {}) };
    views.push(assemble(object, resource, base, place, true, override === true));
  }
  return { views };
}
