/**
 * Explicit UID/GID fields of a pod as the range rules (runAsUserRange, runAsGroupPolicy) see
 * them: every place a value is written, named the way findings print it.
 */
import type { PodView } from '../engine/rule.js';
import { pointer } from '../podspec/pointer.js';
import type { JsonPointer } from '../types.js';
import { goQuote } from './wording.js';

/** One explicit id field: its value, where it is, and how a message names it. */
export interface ExplicitId {
  readonly value: number;
  readonly path: JsonPointer;
  /** `pod securityContext.runAsUser` / `container "app" securityContext.runAsUser`. */
  readonly field: string;
  readonly container?: string;
}

/**
 * The pod-level and every container-level value of `securityContext.<key>` that `offending`
 * holds for, pod first. Locations and names are built only for those.
 */
export function explicitIds(
  pod: PodView,
  key: 'runAsUser' | 'runAsGroup',
  offending: (id: number) => boolean,
): ExplicitId[] {
  const out: ExplicitId[] = [];
  const podValue = pod.spec.securityContext?.[key];
  if (typeof podValue === 'number' && offending(podValue)) {
    out.push({
      value: podValue,
      path: pointer(pod.specPath, 'securityContext', key),
      field: `pod securityContext.${key}`,
    });
  }
  for (const ref of pod.containers) {
    const value = ref.container.securityContext?.[key];
    if (typeof value === 'number' && offending(value)) {
      out.push({
        value,
        path: pointer(ref.path, 'securityContext', key),
        field: `container ${goQuote(ref.name)} securityContext.${key}`,
        container: ref.name,
      });
    }
  }
  return out;
}

/** `a..b` for messages. */
export function describeRange(range: { readonly min: number; readonly max: number }): string {
  return `${range.min}..${range.max}`;
}
