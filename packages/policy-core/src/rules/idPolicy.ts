/**
 * What the range rules (runAsUserRange, runAsGroupPolicy) share: the explicit UID/GID fields of a
 * pod (every place a value is written, named the way findings print it), the ranges they must be
 * in, the failure for containers without one, and the fix that replaces a bad one.
 */
import type { Forbidden, PodView } from '../engine/rule.js';
import { pointer } from '../podspec/pointer.js';
import type { FindingLocation, Fix, JsonPointer } from '../types.js';
import { effectiveValue } from './effectiveSecurityContext.js';
import { renderMessage } from './messageTemplate.js';
import { containerLocation } from './patch.js';
import { describeContainers, goQuote } from './wording.js';

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

/** An allowed id range (`uidRange`, `gidRange`), bounds included. */
export interface IdRange {
  readonly min: number;
  readonly max: number;
}

/** True when `id` is inside `range`. */
export function inRange(id: number, range: IdRange): boolean {
  return id >= range.min && id <= range.max;
}

/** `a..b` for messages. */
export function describeRange(range: IdRange): string {
  return `${range.min}..${range.max}`;
}

/** Where an explicit id is written, naming its container when it is a container's. */
export function idLocation(id: ExplicitId): FindingLocation {
  return id.container === undefined ? { path: id.path } : { path: id.path, container: id.container };
}

/** Replaces an explicit id with the profile's default user or group. */
export function replaceIdFix(id: ExplicitId, value: number): Fix {
  return {
    description: `Set ${id.field} to ${value} instead of ${id.value}.`,
    patch: [{ op: 'replace', path: id.path, value }],
  };
}

/**
 * The one failure for the containers that have no effective `securityContext.<key>` (neither
 * their own nor the pod's), or undefined when every container has one. `template` fills
 * `{containers}`; `fix` is asked for only when there is a failure.
 */
export function missingIdFailure(
  pod: PodView,
  key: 'runAsUser' | 'runAsGroup',
  message: { readonly id: string; readonly template: string },
  fix: () => Fix | undefined,
): Forbidden | undefined {
  const missing = pod.containers.filter((ref) => effectiveValue(pod, ref, key) === undefined);
  if (missing.length === 0) return undefined;
  const missingFix = fix();
  return {
    allowed: false,
    reason: `${key} unset`,
    detail: renderMessage(message.template, {
      containers: describeContainers(missing.map((ref) => ref.name)),
    }),
    messageId: message.id,
    locations: missing.map((ref) => containerLocation(ref, ['securityContext', key])),
    ...(missingFix ? { fix: missingFix } : {}),
  };
}
