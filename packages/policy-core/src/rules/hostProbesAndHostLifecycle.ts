/**
 * The host field of probes and lifecycle handlers is restricted (from v1.34): a probe or hook
 * with an explicit host can make the kubelet reach other endpoints on the node's network.
 *
 * Restricted fields, for init, regular and ephemeral containers:
 * `{livenessProbe,readinessProbe,startupProbe}.{httpGet,tcpSocket}.host` and
 * `lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host` (tcpSocket is deprecated as a
 * lifecycle handler and checked for backward compatibility).
 * Allowed values: "", undefined/null (the kubelet then uses the pod IP).
 *
 * No fix: removing the host changes what is probed; a person has to decide.
 */

import type { FindingLocation } from '../model/types.js';
import type { ContainerRef, PodView } from '../model/views.js';
import { isRecord } from '../podspec/extract.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, containersWhere, definePodRule } from '../rulekit/define.js';
import { joinQuote, pluralize, sortedSet } from '../rulekit/wording.js';

/** Handlers in upstream's visiting order, as paths below the container. */
const HANDLERS: readonly (readonly string[])[] = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

function handlerAt(ref: ContainerRef, keys: readonly string[]): Record<string, unknown> | undefined {
  let current: unknown = ref.container;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : undefined;
}

/** The host a handler's action sets, when it sets one (a non-empty string). */
function hostOf(handler: Record<string, unknown>, action: (typeof ACTIONS)[number]): string | undefined {
  const target = handler[action];
  const host = isRecord(target) ? target.host : undefined;
  return typeof host === 'string' && host !== '' ? host : undefined;
}

function setsHost(ref: ContainerRef): boolean {
  const { container } = ref;
  // Most containers have a probe or two at most; many have none.
  if (
    container.livenessProbe == null &&
    container.readinessProbe == null &&
    container.startupProbe == null &&
    container.lifecycle == null
  ) {
    return false;
  }
  for (const keys of HANDLERS) {
    const handler = handlerAt(ref, keys);
    if (handler === undefined) continue;
    for (const action of ACTIONS) if (hostOf(handler, action) !== undefined) return true;
  }
  return false;
}

function hostProbesAndHostLifecycle_1_34(pod: PodView): CheckResult {
  const offending = containersWhere(pod, setsHost);
  if (offending.length === 0) return ALLOWED;
  const badContainers: string[] = [];
  const hosts: string[] = [];
  const locations: FindingLocation[] = [];
  for (const ref of offending) {
    for (const keys of HANDLERS) {
      const handler = handlerAt(ref, keys);
      if (!handler) continue;
      for (const action of ACTIONS) {
        const host = hostOf(handler, action);
        if (host !== undefined) {
          badContainers.push(ref.name);
          hosts.push(host);
          locations.push({ path: pointer(ref.path, ...keys, action, 'host'), container: ref.name });
        }
      }
    }
  }
  // Upstream collects both containers and hosts in sets: sorted and unique.
  const containers = sortedSet(badContainers);
  const forbidden = sortedSet(hosts);
  return {
    allowed: false,
    reason: 'probe or lifecycle host',
    detail: `${pluralize('container', 'containers', containers.length)} ${joinQuote(containers)} ${pluralize('uses', 'use', containers.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', forbidden.length)} ${joinQuote(forbidden)}`,
    locations,
  };
}

export const hostProbesAndHostLifecycle = definePodRule({
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: [
    'containers[].livenessProbe',
    'containers[].readinessProbe',
    'containers[].startupProbe',
    'containers[].lifecycle',
  ],
  messages: { hostProbesAndHostLifecycle: 'probe or lifecycle host ({detail})' },
  description: 'Probes and lifecycle handlers must not set an explicit host.',
  controls: ['PSS baseline: Host Probes / Lifecycle Hooks', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => {
      const hosts = `[${HANDLERS.flatMap((keys) => ACTIONS.map((action) => cel.valueOr('c', [...keys, action, 'host'].join('.'), "''"))).join(', ')}].filter(h, h != '')`;
      return {
        variables: {
          hosts: `variables.containers.map(c, ${hosts})`,
          ...cel.sortedSetVariables(
            'containers',
            `[variables.containers.filter(c, size(${hosts}) > 0).map(c, c.name)]`,
          ),
          ...cel.sortedSetVariables('forbidden', '$hosts'),
        },
        expression: '!$hosts.exists(h, size(h) > 0)',
        messageExpression: `'probe or lifecycle host (' + ${cel.pluralize('container', 'containers', 'size($containers)')} + ' ' + ${cel.joinQuote('$containers')} + ' ' + ${cel.pluralize('uses', 'use', 'size($containers)')} + ' ' + ${cel.pluralize('probe or lifecycle host', 'probe or lifecycle hosts', 'size($forbidden)')} + ' ' + ${cel.joinQuote('$forbidden')} + ')'`,
      };
    },
  },
  versions: [{ since: 'v1.34', check: hostProbesAndHostLifecycle_1_34 }],
});
