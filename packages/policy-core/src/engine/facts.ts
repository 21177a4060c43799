/**
 * Cross-object facts from the same input: the ServiceAccounts it holds (their
 * `automountServiceAccountToken` counts for their pods) and, per namespace, the strictest Pod
 * Security level every pod of that namespace in the input passes after its safe fixes (the level a
 * namespace label fix may add). Facts hold only for objects of the same input: the same files of
 * one scan, the same cdk8s app, the same Pulumi stack. Collected in a first pass, so a
 * ServiceAccount that comes after its pods in a stream still counts.
 */

import type { PssLevel } from '../model/types.js';
import type { InputFacts, ServiceAccountFact } from '../model/views.js';
import { flattenLists, isList, isRecord, POD_KINDS } from '../podspec/extract.js';

/** Facts of an input with no other object: no ServiceAccount known, every namespace `restricted`. */
export const NO_FACTS: InputFacts = Object.freeze({
  serviceAccount: () => undefined,
  namespacePodLevel: (): PssLevel => 'restricted',
});

const POD_KIND_SET: ReadonlySet<string> = new Set(POD_KINDS);
const ENFORCE = 'pod-security.kubernetes.io/enforce';

/**
 * The cross-object facts one session learned from its part of an input (some of the files of a
 * scan), to be joined with those of the sessions evaluating the other parts (worker threads): plain
 * data, which a structured clone carries.
 */
export interface PartFacts {
  /** The ServiceAccounts of the part, in the order learned. */
  readonly serviceAccounts: readonly ServiceAccountFact[];
  /** Namespaces of the part without a `pod-security.kubernetes.io/enforce` label. */
  readonly unlabelledNamespaces: readonly string[];
}

/** The facts of a whole input, joined from its parts' ({@link joinFacts}): what each part's session adopts. */
export interface WholeFacts {
  /** The ServiceAccounts of every part, the parts in input order (a later one of the same name wins). */
  readonly serviceAccounts: readonly ServiceAccountFact[];
  /**
   * For each namespace of the input without an enforce label: the strictest level every pod of it
   * passes after its safe fixes, over all parts (`restricted` when none has a pod of it).
   */
  readonly namespaceLevels: Readonly<Record<string, PssLevel>>;
}

const LEVEL_ORDER: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

/**
 * Joins the facts of the parts of one input, given in input order, into the facts of the whole:
 * what one session would have learned from all of it. `levels` asks every part for the levels its
 * own pods pass in the unlabelled namespaces named ({@link EvaluationSession.namespaceLevels}),
 * one answer per part; it is called only when the input has such a namespace (a part may learn
 * its pods only then: they matter for nothing else).
 */
export async function joinFacts(
  parts: readonly PartFacts[],
  levels: (namespaces: string[]) => Promise<readonly Readonly<Record<string, PssLevel>>[]>,
): Promise<WholeFacts> {
  const accounts = new Map<string, ServiceAccountFact>();
  const unlabelled = new Set<string>();
  for (const part of parts) {
    for (const account of part.serviceAccounts)
      accounts.set(accountKey(account.namespace, account.name), account);
    for (const namespace of part.unlabelledNamespaces) unlabelled.add(namespace);
  }
  const asked = [...unlabelled].sort();
  const namespaceLevels: Record<string, PssLevel> = Object.create(null);
  if (asked.length > 0) {
    for (const namespace of asked) namespaceLevels[namespace] = 'restricted';
    for (const answer of await levels(asked)) {
      for (const namespace of asked) {
        const level = Object.hasOwn(answer, namespace) ? answer[namespace] : undefined;
        if (level === undefined) continue;
        const joined = namespaceLevels[namespace] as PssLevel;
        if (LEVEL_ORDER.indexOf(level) < LEVEL_ORDER.indexOf(joined)) namespaceLevels[namespace] = level;
      }
    }
  }
  return { serviceAccounts: [...accounts.values()], namespaceLevels };
}

/** The facts of an input, filled by {@link InputFactsCollector.learn}. */
export class InputFactsCollector implements InputFacts {
  // Collections made on first use: a session is started per object by some adapters, and most
  // inputs hold no ServiceAccount, no Namespace and no namespaced pod.
  private accounts: Map<string, ServiceAccountFact> | undefined;
  private podObjects: Map<string, unknown[]> | undefined;
  private levels: Map<string, PssLevel> | undefined;
  /** ServiceAccounts and pods learned, each counted once (made on the first: most inputs have none). */
  private seen: WeakSet<object> | undefined;
  /**
   * @param levelOf The strictest level every pod of the objects passes after their safe fixes.
   */
  constructor(private readonly levelOf: (objects: readonly unknown[]) => PssLevel) {}

  /** Namespaces of the input without an enforce label: the only ones whose pods a fix needs. */
  private unlabelled: Set<string> | undefined;
  /** The facts of the whole input were adopted ({@link adopt}): nothing more is learned. */
  private adopted = false;

  /**
   * Records the facts of one piece of input: an object, a List, or an array of them. With
   * `allPods` false (a stream evaluated piece by piece), the pods of a namespace are kept only
   * once its unlabelled Namespace has been seen, so memory does not grow with the stream.
   */
  learn(input: unknown, allPods = true): void {
    if (Array.isArray(input)) {
      for (const item of input) this.learn(item, allPods);
      return;
    }
    if (!isList(input)) this.learnObject(input, allPods);
    else for (const { object } of flattenLists(input)) this.learnObject(object, allPods);
  }

  /**
   * Records the facts of a whole input given at once (what evaluate() is given): its Namespaces
   * first, so that only the pods of those without an enforce label are kept, the only pods a fix
   * asks about. The facts are those {@link learn} records, but for pods no fix asks about.
   */
  learnWhole(input: unknown): void {
    if (!Array.isArray(input) && !isList(input)) {
      this.learnObject(input, false);
      return;
    }
    const objects = objectsOf(input);
    for (const object of objects)
      if (isRecord(object) && object.kind === 'Namespace') this.learnObject(object, false);
    // A Namespace learned again changes nothing.
    for (const object of objects) this.learnObject(object, false);
  }

  private learnObject(object: unknown, allPods: boolean): void {
    if (this.adopted) return;
    if (!isRecord(object) || typeof object.kind !== 'string') return;
    const metadata = isRecord(object.metadata) ? object.metadata : undefined;
    const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
    if (object.kind === 'ServiceAccount' && object.apiVersion === 'v1') {
      const name = metadata?.name;
      // Learned again, it would undo a later one of the same name.
      if (typeof name !== 'string' || this.learnedBefore(object)) return;
      const automount = object.automountServiceAccountToken;
      this.accounts ??= new Map();
      this.accounts.set(accountKey(namespace, name), {
        namespace,
        name,
        automountServiceAccountToken: typeof automount === 'boolean' ? automount : undefined,
      });
      return;
    }
    if (object.kind === 'Namespace' && typeof metadata?.name === 'string') {
      const labels = isRecord(metadata.labels) ? metadata.labels : {};
      if (!Object.hasOwn(labels, ENFORCE)) {
        this.unlabelled ??= new Set();
        this.unlabelled.add(metadata.name);
      }
      return;
    }
    // Objects without a namespace are not known to belong to any Namespace of the input.
    if (namespace === undefined || !POD_KIND_SET.has(object.kind)) return;
    if ((!allPods && !this.unlabelled?.has(namespace)) || this.learnedBefore(object)) return;
    this.podObjects ??= new Map();
    let objects = this.podObjects.get(namespace);
    if (!objects) {
      objects = [];
      this.podObjects.set(namespace, objects);
    }
    objects.push(object);
    this.levels?.delete(namespace);
  }

  /**
   * Whether a ServiceAccount or a pod was learned before (and records it now). Learning a Namespace
   * again changes nothing, and other kinds teach nothing: they are not recorded.
   */
  private learnedBefore(object: object): boolean {
    this.seen ??= new WeakSet();
    if (this.seen.has(object)) return true;
    this.seen.add(object);
    return false;
  }

  /** What this part of the input taught: see {@link PartFacts}. */
  share(): PartFacts {
    return {
      serviceAccounts: this.accounts ? [...this.accounts.values()] : [],
      unlabelledNamespaces: this.unlabelled ? [...this.unlabelled] : [],
    };
  }

  /** The strictest level the pods of this part pass in each of `namespaces` that has some. */
  namespaceLevels(namespaces: readonly string[]): Record<string, PssLevel> {
    const levels: Record<string, PssLevel> = Object.create(null);
    for (const namespace of namespaces)
      if (this.podObjects?.has(namespace)) levels[namespace] = this.namespacePodLevel(namespace);
    return levels;
  }

  /**
   * Takes the facts of the whole input for this part's, and learns nothing more. Without them,
   * the facts learned so far are the whole input's.
   */
  adopt(whole?: WholeFacts): void {
    this.adopted = true;
    if (whole === undefined) return;
    this.accounts = new Map();
    for (const account of whole.serviceAccounts)
      this.accounts.set(accountKey(account.namespace, account.name), account);
    this.podObjects = undefined;
    this.levels = new Map(Object.entries(whole.namespaceLevels));
  }

  serviceAccount(namespace: string | undefined, name: string): ServiceAccountFact | undefined {
    return this.accounts?.get(accountKey(namespace, name));
  }

  namespacePodLevel(namespace: string): PssLevel {
    let level = this.levels?.get(namespace);
    if (level === undefined) {
      level = this.levelOf(this.podObjects?.get(namespace) ?? []);
      this.levels ??= new Map();
      this.levels.set(namespace, level);
    }
    return level;
  }
}

/** The objects of an input: an object, a List, or an array of them, Lists flattened. */
function objectsOf(input: unknown): unknown[] {
  return Array.isArray(input)
    ? input.flatMap((item) => objectsOf(item))
    : flattenLists(input).map((entry) => entry.object);
}

function accountKey(namespace: string | undefined, name: string): string {
  return JSON.stringify([namespace ?? null, name]);
}
