/**
 * The upstream view: run the Pod Security Admission checks of one level and version on one pod
 * and aggregate them the way the API server does, down to its error and warning text.
 */

import { PodguardInputError } from '../model/errors.js';
import { checkJsonData } from '../model/inputGuard.js';
import type { PssLevel, ResourceRef } from '../model/types.js';
import { parseVersion } from '../model/versions.js';
import type { ResolvedOptions } from '../model/views.js';
import { extractObject, isRecord } from '../podspec/extract.js';
import { validatePodSpec } from '../podspec/validate.js';
import { NO_FACTS } from './facts.js';
import { psaPlan } from './plan.js';
import { resolveEvaluation } from './resolveOptions.js';

/** One failed check, as upstream's `CheckResult`. */
export interface CheckReason {
  check: string;
  reason: string;
  detail: string;
}

/** Upstream's `AggregateCheckResult`, with its `ForbiddenDetail()` as `message`. */
export interface AggregateCheckResult {
  allowed: boolean;
  reasons: CheckReason[];
  /** `reason (detail), reason (detail)`: upstream `ForbiddenDetail()`. */
  message: string;
}

const UNKNOWN_FORBIDDEN_REASON = 'unknown forbidden reason';

/** Options of the pure PSA profiles, resolved once per level: checkPod runs per pod. */
const optionsByLevel = new Map<PssLevel, ResolvedOptions>();

function psaOptions(level: PssLevel): ResolvedOptions {
  let options = optionsByLevel.get(level);
  if (!options) {
    options = resolveEvaluation({ level }).options;
    optionsByLevel.set(level, options);
  }
  return options;
}

/**
 * Checks one pod (a Pod object, a pod template holder, or a bare PodSpec) at a PSS level and
 * version, exactly as Pod Security Admission does.
 *
 * @throws PodguardInputError when the input is not a pod spec, has wrongly typed fields, or the
 *   level or version is unknown.
 */
export function checkPod(podSpecOrPod: unknown, level: PssLevel, version = 'latest'): AggregateCheckResult {
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
    throw new PodguardInputError(
      `invalid level ${JSON.stringify(level)}: expected privileged, baseline or restricted`,
      'level',
    );
  }
  const minor = parseVersion(version);
  checkJsonData(podSpecOrPod, 'input');
  const object =
    isRecord(podSpecOrPod) && podSpecOrPod.kind === undefined && !isRecord(podSpecOrPod.spec)
      ? { apiVersion: 'v1', kind: 'Pod', spec: podSpecOrPod }
      : podSpecOrPod;
  const extracted = extractObject(object);
  if (extracted.kind !== 'pod') {
    if (extracted.kind === 'invalid') throw new PodguardInputError(extracted.message, extracted.path);
    // extractObject has already refused an object without a non-empty kind as invalid.
    const kind = extracted.kind === 'namespace' ? 'Namespace' : extracted.resource.kind;
    throw new PodguardInputError(`${kind} has no pod spec`, '');
  }
  const view = extracted.view;
  const problems = validatePodSpec(view.spec, view.specPath, view.metadata, view.metadataPath);
  const first = problems[0];
  if (first) throw new PodguardInputError(problems.map((problem) => problem.message).join('; '), first.path);
  const context = { options: psaOptions(level), version: minor, facts: NO_FACTS };
  const reasons: CheckReason[] = [];
  for (const { rule, check } of psaPlan(level, minor)) {
    const results = check(view, context);
    for (const result of Array.isArray(results) ? results : [results]) {
      if (!result.allowed) {
        reasons.push({
          check: rule.id,
          reason: result.reason || UNKNOWN_FORBIDDEN_REASON,
          detail: result.detail,
        });
      }
    }
  }
  return { allowed: reasons.length === 0, reasons, message: forbiddenDetail(reasons) };
}

/** Upstream `ForbiddenDetail()`: `reason (detail)` joined with `, `. */
export function forbiddenDetail(reasons: readonly { reason: string; detail: string }[]): string {
  return reasons.map(({ reason, detail }) => (detail ? `${reason} (${detail})` : reason)).join(', ');
}

/** The API group's resource name per kind, as in `pods "x" is forbidden` / `deployments.apps`. */
const GROUP_RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  PodTemplate: 'podtemplates',
  ReplicationController: 'replicationcontrollers',
  ReplicaSet: 'replicasets.apps',
  Deployment: 'deployments.apps',
  StatefulSet: 'statefulsets.apps',
  DaemonSet: 'daemonsets.apps',
  Job: 'jobs.batch',
  CronJob: 'cronjobs.batch',
};

/** How the message is delivered: enforce denies the request; warn and audit say "would violate". */
export type PodSecurityMode = 'enforce' | 'warn' | 'audit';

/**
 * The API server's text for a policy verdict.
 * - enforce: `pods "x" is forbidden: violates PodSecurity "restricted:latest": <detail>`
 * - warn / audit: `would violate PodSecurity "restricted:latest": <detail>`
 */
export function formatForbiddenMessage(
  resource: Pick<ResourceRef, 'kind' | 'name'>,
  levelVersion: { level: PssLevel; version: string },
  reasons: readonly { reason: string; detail: string }[],
  mode: PodSecurityMode = 'enforce',
): string {
  const policy = `"${levelVersion.level}:${levelVersion.version}"`;
  const detail = forbiddenDetail(reasons);
  if (mode !== 'enforce') return `would violate PodSecurity ${policy}: ${detail}`;
  const groupResource = GROUP_RESOURCES[resource.kind] ?? `${resource.kind.toLowerCase()}s`;
  // apierrors.NewForbidden: the name is quoted with %q, and left out when empty.
  const subject = resource.name ? `${groupResource} ${JSON.stringify(resource.name)}` : groupResource;
  return `${subject} is forbidden: violates PodSecurity ${policy}: ${detail}`;
}
