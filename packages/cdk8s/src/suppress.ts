/**
 * Suppressions, cdk-nag style: attached to a construct in code, each with a reason, written to
 * the `podguard.dev/suppress` annotation of the objects they cover (so the core applies them,
 * and anyone reading the YAML sees them), and listed in the synth report.
 */

import {
  hasPodTemplates,
  MIN_REASON_LENGTH,
  parseSuppressAnnotation,
  ruleRegistry,
  SUPPRESS_ANNOTATION,
  type Suppression,
} from '@podguard/policy-core';
import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** A suppression attached to a construct: the rule, why, and optionally until when. */
export type ConstructSuppression = Pick<Suppression, 'rule' | 'reason' | 'expires'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const suppressed = new WeakMap<IConstruct, ConstructSuppression[]>();
const hooked = new WeakSet<IConstruct>();

/** Throws a clear error for a malformed suppression, at the line that wrote it. */
function checkSuppression(construct: IConstruct, value: ConstructSuppression, index: number): void {
  const where = `PodSecurity.suppress(${construct.node.path || '<app>'}) entry ${index}`;
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: expected { rule, reason }`);
  for (const key of Object.keys(value)) {
    if (!['rule', 'reason', 'expires'].includes(key)) throw new Error(`${where}: unknown key "${key}"`);
  }
  if (typeof value.rule !== 'string' || value.rule === '') throw new Error(`${where}: rule is required`);
  if (!ruleRegistry.has(value.rule)) {
    throw new Error(`${where}: unknown rule "${value.rule}"`);
  }
  if (typeof value.reason !== 'string' || value.reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `${where}: suppressing ${value.rule} needs a reason of at least ${MIN_REASON_LENGTH} characters saying why`,
    );
  }
  if (value.expires !== undefined) {
    const day =
      typeof value.expires === 'string' && DATE.test(value.expires) ? new Date(value.expires) : null;
    if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value.expires) {
      throw new Error(`${where}: expires must be a date YYYY-MM-DD, got ${JSON.stringify(value.expires)}`);
    }
  }
}

/**
 * Records suppressions on a construct. They apply to the construct's own ApiObject when it is
 * one, and otherwise to every workload (pod-carrying ApiObject) under it, including objects added
 * later and `Include`/`Helm` output.
 */
export function suppress(construct: IConstruct, suppressions: readonly ConstructSuppression[]): void {
  if (!Array.isArray(suppressions) || suppressions.length === 0) {
    throw new Error(
      `PodSecurity.suppress(${construct.node.path || '<app>'}): expected a non-empty list of { rule, reason }`,
    );
  }
  suppressions.forEach((value, index) => {
    checkSuppression(construct, value, index);
  });
  const list = suppressed.get(construct) ?? [];
  for (const value of suppressions) {
    const copy: ConstructSuppression = { rule: value.rule, reason: value.reason };
    if (value.expires !== undefined) copy.expires = value.expires;
    list.push(copy);
  }
  suppressed.set(construct, list);
  if (!hooked.has(construct)) {
    hooked.add(construct);
    // cdk8s has no "prepare" phase; validations run before any object is rendered.
    construct.node.addValidation({
      validate: () => {
        writeSuppressions(construct);
        return [];
      },
    });
  }
  writeSuppressions(construct);
}

/** The suppressions recorded on these constructs, by construct path. */
export function suppressionsOf(
  constructs: readonly IConstruct[],
): { path: string; suppressions: ConstructSuppression[] }[] {
  return constructs
    .filter((construct) => suppressed.has(construct))
    .map((construct) => ({
      path: construct.node.path,
      suppressions: [...(suppressed.get(construct) ?? [])],
    }));
}

/** Writes the annotations of the suppressions recorded on these constructs (idempotent). */
export function writeSuppressionsOf(constructs: readonly IConstruct[]): void {
  for (const construct of constructs) if (suppressed.has(construct)) writeSuppressions(construct);
}

function targetsOf(construct: IConstruct): ApiObject[] {
  if (ApiObject.isApiObject(construct)) return [construct];
  return construct.node
    .findAll()
    .filter(
      (child): child is ApiObject =>
        ApiObject.isApiObject(child) && hasPodTemplates(child.apiVersion, child.kind),
    );
}

function writeSuppressions(construct: IConstruct): void {
  const list = suppressed.get(construct) ?? [];
  for (const apiObject of targetsOf(construct)) {
    const annotations = (apiObject.metadata.toJson() as { annotations?: Record<string, unknown> })
      .annotations;
    const existing = annotations?.[SUPPRESS_ANNOTATION];
    const merged: unknown[] = [];
    if (typeof existing === 'string') {
      const parsed = parseSuppressAnnotation(existing);
      // A malformed annotation is left for evaluate() to report; overwriting it would hide it.
      if ('error' in parsed) continue;
      merged.push(...parsed.suppressions);
    }
    for (const entry of list) {
      if (!merged.some((other) => sameSuppression(other, entry))) merged.push(entry);
    }
    const text = JSON.stringify(merged);
    if (text !== existing) apiObject.metadata.addAnnotation(SUPPRESS_ANNOTATION, text);
  }
}

function sameSuppression(a: unknown, b: ConstructSuppression): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const other = a as Record<string, unknown>;
  return other.rule === b.rule && other.reason === b.reason && other.expires === b.expires;
}
