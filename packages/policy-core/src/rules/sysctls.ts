/**
 * Sysctls can disable security mechanisms or affect every container on a host; only a "safe"
 * subset is allowed: sysctls namespaced in the container or pod and isolated from other pods
 * and processes on the node.
 *
 * Restricted field: `spec.securityContext.sysctls[*].name`. Allowed values grow with the version
 * (see the `SAFE_*` sets). Detail lists the forbidden names in spec order, repeats included.
 *
 * No fix: removing a sysctl changes how the workload behaves; a person has to decide.
 */

import type { FindingLocation } from '../model/types.js';
import type { PodView } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule, type PodCheck } from '../rulekit/define.js';

const SAFE_1_0: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
]);
const SAFE_1_27: ReadonlySet<string> = new Set([...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports']);
const SAFE_1_29: ReadonlySet<string> = new Set([
  ...SAFE_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SAFE_1_32: ReadonlySet<string> = new Set([...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']);
const SAFE_1_37: ReadonlySet<string> = new Set([
  ...SAFE_1_32,
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

function sysctlsCheck(allowed: ReadonlySet<string>): PodCheck {
  const safe = (sysctl: { name?: string | null } | null | undefined): boolean =>
    allowed.has(sysctl?.name ?? '');
  return (pod: PodView): CheckResult => {
    const sysctls = pod.spec.securityContext?.sysctls;
    if (sysctls == null || sysctls.every(safe)) return ALLOWED;
    const forbidden: string[] = [];
    const locations: FindingLocation[] = [];
    sysctls.forEach((sysctl, index) => {
      const name = sysctl?.name ?? '';
      if (allowed.has(name)) return;
      forbidden.push(name);
      locations.push({ path: pointer(pod.specPath, 'securityContext', 'sysctls', index, 'name') });
    });
    return { allowed: false, reason: 'forbidden sysctls', detail: forbidden.join(', '), locations };
  };
}

export const sysctls = definePodRule({
  id: 'sysctls',
  level: 'baseline',
  severity: 'error',
  since: '0.1.0',
  reads: ['securityContext.sysctls'],
  messages: { sysctls: 'forbidden sysctls ({detail})' },
  description: 'Pods may only set sysctls from the safe, namespaced set.',
  controls: ['PSS baseline: Sysctls', 'NSA/CISA: Kubernetes Pod security'],
  fix: 'none',
  admission: {
    check: () => ({
      variables: {
        forbidden: `${cel.valueOr('variables.spec', 'securityContext.sysctls', '[]')}.map(s, ${cel.valueOr('s', 'name', "''")}).filter(n, !(n in ${cel.celStrings(SAFE_1_37)}))`,
      },
      expression: 'size($forbidden) == 0',
      messageExpression: `'forbidden sysctls (' + $forbidden.join(', ') + ')'`,
    }),
  },
  versions: [
    { since: 'v1.0', check: sysctlsCheck(SAFE_1_0) },
    { since: 'v1.27', check: sysctlsCheck(SAFE_1_27) },
    { since: 'v1.29', check: sysctlsCheck(SAFE_1_29) },
    { since: 'v1.32', check: sysctlsCheck(SAFE_1_32) },
    { since: 'v1.37', check: sysctlsCheck(SAFE_1_37) },
  ],
});
