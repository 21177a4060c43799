import { describe, it } from 'vitest';
import { type InvalidCase, RuleTester, type ValidCase } from '../testing/index.js';
import { sysctls } from './sysctls.js';

const withSysctl = (name: string, value = '1') => ({ securityContext: { sysctls: [{ name, value }] } });

/** Sysctls added to the safe set, by the version that added them (upstream's tables). */
const ADDED: Readonly<Record<string, readonly string[]>> = {
  'v1.27': ['net.ipv4.ip_local_reserved_ports'],
  'v1.29': [
    'net.ipv4.tcp_keepalive_time',
    'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_keepalive_intvl',
    'net.ipv4.tcp_keepalive_probes',
  ],
  'v1.32': ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'],
  'v1.37': ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'],
};
const previousMinor = (version: string) => `v1.${Number(version.slice(3)) - 1}`;

const valid: ValidCase[] = [
  { name: 'no sysctls', pod: { containers: [{ name: 'a' }] } },
  {
    name: 'v1.0 safe set',
    version: 'v1.0',
    pod: {
      securityContext: {
        sysctls: [
          { name: 'kernel.shm_rmid_forced', value: '0' },
          { name: 'net.ipv4.ip_local_port_range', value: '1024 65535' },
          { name: 'net.ipv4.tcp_syncookies', value: '0' },
          { name: 'net.ipv4.ping_group_range', value: '0 2147483647' },
          { name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' },
        ],
      },
    },
  },
];
const invalid: InvalidCase[] = [
  {
    name: 'upstream: forbidden sysctls',
    pod: { securityContext: { sysctls: [{ name: 'a' }, { name: 'b' }] } },
    reason: 'forbidden sysctls',
    detail: 'a, b',
    locations: ['/spec/securityContext/sysctls/0/name', '/spec/securityContext/sysctls/1/name'],
    fix: null,
  },
  {
    name: 'spec order, repeats kept',
    pod: {
      securityContext: {
        sysctls: [{ name: 'z' }, { name: 'kernel.shm_rmid_forced' }, { name: 'a' }, { name: 'z' }],
      },
    },
    reason: 'forbidden sysctls',
    detail: 'z, a, z',
  },
  {
    name: 'a sysctl without a name is not in the safe set (upstream: the empty name)',
    pod: { securityContext: { sysctls: [{ value: '1' }, { name: 'kernel.shm_rmid_forced' }] } },
    reason: 'forbidden sysctls',
    detail: '',
    locations: ['/spec/securityContext/sysctls/0/name'],
  },
];
for (const [version, names] of Object.entries(ADDED)) {
  for (const name of names) {
    valid.push({ name: `upstream: new supported sysctl ${name}`, version, pod: withSysctl(name) });
    invalid.push({
      name: `upstream: new supported sysctl not supported yet: ${name}`,
      version: previousMinor(version),
      pod: withSysctl(name),
      reason: 'forbidden sysctls',
      detail: name,
    });
  }
}

new RuleTester({ describe, it }).run(sysctls, { valid, invalid });
