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
import { flattenLists, isRecord, POD_KINDS } from '../podspec/extract.js';

/** Facts of an input with no other object: no ServiceAccount known, every namespace `restricted`. */
export const NO_FACTS: InputFacts = Object.freeze({
  serviceAccount: () => undefined,
  namespacePodLevel: (): PssLevel => 'restricted',
});

const POD_KIND_SET: ReadonlySet<string> = new Set(POD_KINDS);

/** The facts of an input, filled by {@link InputFactsCollector.learn}. */
export class InputFactsCollector implements InputFacts {
  private readonly accounts = new Map<string, ServiceAccountFact>();
  private readonly podObjects = new Map<string, unknown[]>();
  private readonly levels = new Map<string, PssLevel>();
  private readonly seen = new WeakSet<object>();
  /**
   * @param levelOf The strictest level every pod of the objects passes after their safe fixes.
   */
  constructor(private readonly levelOf: (objects: readonly unknown[]) => PssLevel) {}

  /** Records the facts of one piece of input: an object, a List, or an array of them. */
  learn(input: unknown): void {
    if (Array.isArray(input)) {
      for (const item of input) this.learn(item);
      return;
    }
    for (const { object } of flattenLists(input)) this.learnObject(object);
  }

  private learnObject(object: unknown): void {
    if (!isRecord(object) || typeof object.kind !== 'string' || this.seen.has(object)) return;
    this.seen.add(object);
    const metadata = isRecord(object.metadata) ? object.metadata : undefined;
    const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : undefined;
    if (object.kind === 'ServiceAccount' && object.apiVersion === 'v1') {
      const name = metadata?.name;
      if (typeof name !== 'string') return;
      const automount = object.automountServiceAccountToken;
      this.accounts.set(accountKey(namespace, name), {
        namespace,
        name,
        automountServiceAccountToken: typeof automount === 'boolean' ? automount : undefined,
      });
      return;
    }
    // Objects without a namespace are not known to belong to any Namespace of the input.
    if (namespace === undefined || !POD_KIND_SET.has(object.kind)) return;
    let objects = this.podObjects.get(namespace);
    if (!objects) {
      objects = [];
      this.podObjects.set(namespace, objects);
    }
    objects.push(object);
    this.levels.delete(namespace);
  }

  serviceAccount(namespace: string | undefined, name: string): ServiceAccountFact | undefined {
    return this.accounts.get(accountKey(namespace, name));
  }

  namespacePodLevel(namespace: string): PssLevel {
    let level = this.levels.get(namespace);
    if (level === undefined) {
      level = this.levelOf(this.podObjects.get(namespace) ?? []);
      this.levels.set(namespace, level);
    }
    return level;
  }
}

function accountKey(namespace: string | undefined, name: string): string {
  return JSON.stringify([namespace ?? null, name]);
}
