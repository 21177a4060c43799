/**
 * What rules and the engine see of the input: a pod spec found in some object, its containers, a
 * Namespace, and the resolved options.
 */
import type { Container, ObjectMeta, PodSpec } from './k8s.js';
import type { JsonPatchOperation, JsonPointer, PssLevel, ResourceRef } from './types.js';

/** Where a container sits in the pod spec. */
export type ContainerGroup = 'initContainers' | 'containers' | 'ephemeralContainers';

/** A container as the visitor hands it to rules: the container, where it is, and its name. */
export interface ContainerRef {
  readonly container: Container;
  readonly name: string;
  readonly group: ContainerGroup;
  readonly index: number;
  /** JSON pointer of the container in the original object. */
  readonly path: JsonPointer;
}

/** A pod spec found in some object (Pod, Deployment template, CronJob job template...). */
export interface PodView {
  /** The whole original object the pod spec was found in. */
  readonly object: Readonly<Record<string, unknown>>;
  readonly resource: ResourceRef;
  /** The pod (template) metadata; `{}` when absent. */
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
  /** JSON pointer of the pod (template) metadata, e.g. `/spec/template/metadata`. */
  readonly metadataPath: JsonPointer;
  /** JSON pointer of the pod spec, e.g. `/spec/template/spec`. */
  readonly specPath: JsonPointer;
  /** Containers in upstream visiting order: init, regular, ephemeral. */
  readonly containers: readonly ContainerRef[];
  /**
   * For a pod the object does not hold as one PodSpec but that its controller assembles from
   * several places (Tekton: steps merged with their `stepTemplate`, pod fields from a run's
   * `podTemplate`): how findings and fixes about the assembled pod map back onto the object.
   */
  readonly assembled?: AssembledPod;
}

/** Maps what rules say about an assembled pod ({@link PodView.assembled}) onto the object as written. */
export interface AssembledPod {
  /** The pointer where the value that rules read at `path` is written in the object. */
  locate(path: JsonPointer): JsonPointer;
  /**
   * A fix's operations as operations on the object as written: those that have a place (none:
   * the fix is dropped), and why the others were left out (it joins the finding's `unfixable`).
   */
  patch(operations: readonly JsonPatchOperation[]): { patch: JsonPatchOperation[]; unfixable?: string };
  /**
   * How a validation message names the value rules read at `path`, when not by `locate(path)`
   * (an Argo podSpecPatch names the string that sets it).
   */
  name?(path: JsonPointer): string;
  /** Fields of the object that cannot be judged as written (reported as `unjudgedField`). */
  readonly unjudged?: readonly { readonly path: JsonPointer; readonly message: string }[];
  /**
   * Pod fields (as rules name them in `reads`) the object cannot hold, because what runs it sets
   * them (a Tekton Task's pod fields come from its TaskRun): a rule reading only these is not run.
   */
  readonly setElsewhere: readonly string[];
}

/** A Namespace object, for namespace rules. */
export interface NamespaceView {
  readonly object: Readonly<Record<string, unknown>>;
  readonly resource: ResourceRef;
  readonly metadata: ObjectMeta;
  /** JSON pointer of the Namespace object in the input (`''`, or `/items/3` inside a List). */
  readonly path: JsonPointer;
}

/** A Dockerfile, for Dockerfile rules. */
export interface DockerfileView {
  readonly text: string;
  readonly resource: ResourceRef;
  /** `--build-arg` values; they override ARG defaults. */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Build target stage name (default: the last stage). */
  readonly target?: string;
}

/** The build file formats Jib is configured in: `pom.xml`, `build.gradle`, `build.gradle.kts`. */
export type JibBuildFormat = 'maven' | 'gradle' | 'gradle-kotlin';

/** A Maven or Gradle build file, for Jib rules. */
export interface JibView {
  readonly text: string;
  readonly resource: ResourceRef;
  readonly format: JibBuildFormat;
  /** `-D` values: Maven user properties, Gradle system and project properties. */
  readonly properties: Readonly<Record<string, string>>;
  /** Maven profiles activated with `-P`; undefined: those active by default. */
  readonly profiles?: readonly string[];
  /** The texts of the parent POMs, nearest first. */
  readonly parents: readonly string[];
}

/** Options after defaults and validation, as rules see them. */
export interface ResolvedOptions {
  /** PSS level the profile enforces. */
  readonly level: PssLevel;
  /** Image reference to OCI config `User` string, e.g. `{ "registry/app:1.2": "1000:0" }`. */
  readonly imageUsers: Readonly<Record<string, string>>;
  /** Allowed runAsUser range, inclusive. */
  readonly uidRange: { readonly min: number; readonly max: number };
  /** UIDs never allowed even inside the range (default 65534, 65535). */
  readonly denyUids: readonly number[];
  /** Allowed runAsGroup / fsGroup / supplementalGroups range, inclusive. */
  readonly gidRange: { readonly min: number; readonly max: number };
  /** Whether gid 0 is allowed (default true: OpenShift runs images with gid 0). */
  readonly allowRootGroup: boolean;
  /** Whether an explicit runAsUser is required (hardened: true; openshift: false). */
  readonly requireRunAsUser: boolean;
  /** Level a namespace's `pod-security.kubernetes.io/enforce` label must have. */
  readonly namespaceLevel: PssLevel;
  /** The values harden() writes. */
  readonly defaultUser: number | undefined;
  readonly defaultGroup: number | undefined;
  /** Base images known to run as non-root, for Dockerfiles. */
  readonly nonRootBases: readonly string[];
  /** Evaluation time, for suppression expiry. */
  readonly now: Date;
}

/** A ServiceAccount found in the same input. */
export interface ServiceAccountFact {
  readonly namespace: string | undefined;
  readonly name: string;
  /** Its `automountServiceAccountToken`, undefined when unset. */
  readonly automountServiceAccountToken: boolean | undefined;
}

/**
 * Facts about other objects of the same input (the same files of one scan, cdk8s app or Pulumi
 * stack) that some rules use. They hold only for objects in that input: an object that is not in
 * it is unknown, never assumed.
 */
export interface InputFacts {
  /** The ServiceAccount `name` in `namespace` when the input holds it. */
  serviceAccount(namespace: string | undefined, name: string): ServiceAccountFact | undefined;
  /**
   * The strictest Pod Security level that every pod of `namespace` in the input passes once its
   * safe fixes are applied (`restricted` when the input has none of its pods).
   */
  namespacePodLevel(namespace: string): PssLevel;
}

/** What a rule sees besides the object. */
export interface RuleContext {
  readonly options: ResolvedOptions;
  /** Facts from the other objects of the same input. */
  readonly facts: InputFacts;
  /** Policy minor version (`v1.25` -> 25; `latest` -> Infinity). */
  readonly version: number;
}
