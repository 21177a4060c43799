/**
 * What the range rules (runAsUserRange, runAsGroupPolicy) share: the explicit UID/GID fields of a
 * pod (every place a value is written, named the way findings print it), the ranges they must be
 * in, the failure for containers without one, and the fix that replaces a bad one.
 */

import type { FindingLocation, Fix, JsonPointer } from '../model/types.js';
import type { ContainerRef, PodView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { containersWhere, type Forbidden, NO_CONTAINERS } from './define.js';
import { identityField } from './effectiveSecurityContext.js';
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

const NO_IDS: readonly ExplicitId[] = Object.freeze([]);

/**
 * The pod-level and every container-level value of `securityContext.<key>` that `offending`
 * holds for, pod first. Locations and names are built only for those; when there are none, the
 * result is a shared empty array.
 */
export function explicitIds(
  pod: PodView,
  key: 'runAsUser' | 'runAsGroup',
  offending: (id: number, context: RuleContext) => boolean,
  context: RuleContext,
): readonly ExplicitId[] {
  let out: ExplicitId[] | undefined;
  const podValue = identityField(pod.spec.securityContext, key);
  if (typeof podValue === 'number' && offending(podValue, context)) {
    out ??= [];
    out.push({
      value: podValue,
      path: pointer(pod.specPath, 'securityContext', key),
      field: `pod securityContext.${key}`,
    });
  }
  for (const ref of pod.containers) {
    const value = identityField(ref.container.securityContext, key);
    if (typeof value === 'number' && offending(value, context)) {
      out ??= [];
      out.push({
        value,
        path: pointer(ref.path, 'securityContext', key),
        field: `container ${goQuote(ref.name)} securityContext.${key}`,
        container: ref.name,
      });
    }
  }
  return out ?? NO_IDS;
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

/** Replaces an explicit id with the profile's default user or group: unsafe, the author wrote it. */
export function replaceIdFix(id: ExplicitId, value: number): Fix {
  return {
    kind: 'unsafe',
    description: `Set ${id.field} to ${value} instead of ${id.value}.`,
    patch: [{ op: 'replace', path: id.path, value }],
  };
}

/**
 * The containers that have no effective `securityContext.<key>` (neither their own nor the
 * pod's); a shared empty array when every container has one.
 */
export function missingIds(pod: PodView, key: 'runAsUser' | 'runAsGroup'): readonly ContainerRef[] {
  const podValue = identityField(pod.spec.securityContext, key);
  if (podValue !== undefined && podValue !== null) return NO_CONTAINERS;
  return containersWhere(pod, key === 'runAsUser' ? lacksRunAsUser : lacksRunAsGroup);
}

const lacksRunAsUser = (ref: ContainerRef): boolean => ref.container.securityContext?.runAsUser == null;
const lacksRunAsGroup = (ref: ContainerRef): boolean => ref.container.securityContext?.runAsGroup == null;

/**
 * The one failure for the `missing` containers (see {@link missingIds}). `template` fills
 * `{containers}`.
 */
export function missingIdFailure(
  key: 'runAsUser' | 'runAsGroup',
  missing: readonly ContainerRef[],
  message: { readonly id: string; readonly template: string },
  repair: { readonly fix?: Fix; readonly unfixable?: string },
): Forbidden {
  return {
    allowed: false,
    reason: `${key} unset`,
    detail: renderMessage(message.template, {
      containers: describeContainers(missing.map((ref) => ref.name)),
    }),
    messageId: message.id,
    locations: missing.map((ref) => containerLocation(ref, ['securityContext', key])),
    ...(repair.fix ? { fix: repair.fix } : {}),
    ...(repair.unfixable ? { unfixable: repair.unfixable } : {}),
  };
}
