/**
 * Which suppressions were used, across the whole stack. The core reports a suppression that matched
 * no finding of its input as an `unusedSuppression` warning; in Pulumi each policy sees one
 * resource and only its own config (the policy server keeps config private), so no policy alone can
 * tell. The policies of one engine operation share this analyzer process, and the engine sends
 * Analyze for every resource before AnalyzeStack: each rule policy records here the suppressions of
 * its config and which of them covered a finding; the `podguard-unusedSuppression` stack policy,
 * run last, reports those never used and starts over.
 */
import type { Finding, Suppression } from '@podguard/policy-core';
import { coreSuppression, type IndexedSuppression, type PodguardExemption } from './settings.js';

/** One suppression of one policy's settings, by its place in them. */
interface Recorded {
  readonly suppression: Suppression;
  used: boolean;
  /** A resource it covers waited for values unknown during preview: whether it is used is not known. */
  undecided: boolean;
}

/** A policy's suppressions, under the settings they were read from. */
interface PolicyRecord {
  readonly key: string;
  /** The list recorded: checked settings are cached, so the same config gives the same list. */
  readonly source: readonly PodguardExemption[];
  readonly suppressions: Recorded[];
}

const byPolicy = new Map<string, PolicyRecord>();

/** The suppressions of settings that have none: one list, so that recording them again is free. */
export const NO_SUPPRESSIONS: readonly PodguardExemption[] = Object.freeze([]);

/** Unused `podguard.dev/suppress` annotation entries, as the core reports them, by URN. */
const byResource = new Map<string, readonly Finding[]>();

/**
 * Records the suppressions of a policy's settings (checked, so each names `rule`). The same
 * settings again keep what was recorded; other settings (the config changed) start over.
 */
export function recordSuppressions(
  policy: string,
  rule: string,
  suppressions: readonly PodguardExemption[],
): void {
  const known = byPolicy.get(policy);
  if (known?.source === suppressions) return;
  const key = JSON.stringify(suppressions);
  if (known?.key === key) return;
  byPolicy.set(policy, {
    key,
    source: suppressions,
    suppressions: suppressions.map((exemption) => ({
      suppression: coreSuppression(rule, exemption),
      used: false,
      undecided: false,
    })),
  });
}

function recorded(policy: string, index: number): Recorded | undefined {
  return byPolicy.get(policy)?.suppressions[index];
}

/** The suppression at `index` of the policy's settings covered a finding. */
export function markUsed(policy: string, index: number): void {
  const entry = recorded(policy, index);
  if (entry) entry.used = true;
}

/** The suppressions at these places cover a resource whose verdict waits for unknown values. */
export function markUndecided(policy: string, suppressions: readonly IndexedSuppression[]): void {
  for (const { index } of suppressions) {
    const entry = recorded(policy, index);
    if (entry) entry.undecided = true;
  }
}

/** Separates a reason from the place of its suppression when findings must name it exactly. */
const TAG = '\u0000#';

/**
 * Marks the suppressions that covered `findings` (a used suppression stays on its finding, even
 * expired). `given` are the suppressions the findings were evaluated with, in that order; the
 * core takes the first that matches a finding. A finding names its suppression by reason and
 * expiry; when two given suppressions share both, `retag` evaluates again with one reason per
 * suppression so that each finding names exactly one.
 */
export function markFindings(
  policy: string,
  given: readonly IndexedSuppression[],
  findings: readonly Finding[],
  retag: (suppressions: Suppression[]) => readonly Finding[],
): void {
  const applied = findings.filter((finding) => finding.suppression?.source === 'options');
  if (applied.length === 0) return;
  const identity = (reason: string, expires: string | undefined) => JSON.stringify([reason, expires ?? null]);
  const byIdentity = new Map<string, IndexedSuppression[]>();
  for (const entry of given) {
    const id = identity(entry.suppression.reason, entry.suppression.expires);
    byIdentity.set(id, [...(byIdentity.get(id) ?? []), entry]);
  }
  if ([...byIdentity.values()].every((entries) => entries.length === 1)) {
    for (const finding of applied) {
      const applies = finding.suppression;
      if (!applies) continue;
      const entry = byIdentity.get(identity(applies.reason, applies.expires))?.[0];
      if (entry) markUsed(policy, entry.index);
    }
    return;
  }
  const tagged = given.map((entry, place) => ({
    ...entry.suppression,
    reason: `${entry.suppression.reason}${TAG}${place}`,
  }));
  for (const finding of retag(tagged)) {
    const reason = finding.suppression?.source === 'options' ? finding.suppression.reason : undefined;
    if (reason === undefined || !reason.includes(TAG)) continue;
    const entry = given[Number(reason.slice(reason.lastIndexOf(TAG) + TAG.length))];
    if (entry) markUsed(policy, entry.index);
  }
}

/** Records the unused `podguard.dev/suppress` entries of a resource (replacing what was recorded for it). */
export function recordUnusedAnnotations(urn: string, findings: readonly Finding[]): void {
  if (findings.length > 0) byResource.set(urn, findings);
  else byResource.delete(urn);
}

/** What the operation leaves unused: suppressions of settings, by policy, and annotation entries, by URN. */
export interface UnusedSuppressions {
  readonly settings: readonly { readonly policy: string; readonly suppression: Suppression }[];
  readonly annotations: readonly { readonly urn: string; readonly finding: Finding }[];
}

/**
 * The suppressions no finding of the operation used, leaving out those whose use waits for unknown
 * values; forgets everything recorded, for the next operation.
 */
export function takeUnused(): UnusedSuppressions {
  const settings: { policy: string; suppression: Suppression }[] = [];
  for (const [policy, record] of byPolicy) {
    for (const entry of record.suppressions) {
      if (!entry.used && !entry.undecided) settings.push({ policy, suppression: entry.suppression });
    }
  }
  const annotations = [...byResource].flatMap(([urn, findings]) =>
    findings.map((finding) => ({ urn, finding })),
  );
  byPolicy.clear();
  byResource.clear();
  return { settings, annotations };
}
