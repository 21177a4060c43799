import { describe, expect, it } from 'vitest';
import { psaRules } from './index.js';

/**
 * Upstream's registration of every check (policy/check_*.go at commit 8f84a87c): level, and per
 * VersionedCheck its MinimumVersion and OverrideCheckIDs.
 */
const UPSTREAM: Readonly<Record<string, { level: string; versions: [string, string[]?][] }>> = {
  allowPrivilegeEscalation: { level: 'restricted', versions: [['v1.8'], ['v1.25']] },
  appArmorProfile: { level: 'baseline', versions: [['v1.0']] },
  capabilities_baseline: { level: 'baseline', versions: [['v1.0']] },
  capabilities_restricted: {
    level: 'restricted',
    versions: [
      ['v1.22', ['capabilities_baseline']],
      ['v1.25', ['capabilities_baseline']],
    ],
  },
  hostNamespaces: { level: 'baseline', versions: [['v1.0']] },
  hostPathVolumes: { level: 'baseline', versions: [['v1.0']] },
  hostPorts: { level: 'baseline', versions: [['v1.0']] },
  hostProbesAndHostLifecycle: { level: 'baseline', versions: [['v1.34']] },
  privileged: { level: 'baseline', versions: [['v1.0']] },
  procMount: { level: 'baseline', versions: [['v1.0'], ['v1.35']] },
  procMount_restricted: { level: 'restricted', versions: [['v1.35', ['procMount']]] },
  restrictedVolumes: { level: 'restricted', versions: [['v1.0', ['hostPathVolumes']]] },
  runAsNonRoot: { level: 'restricted', versions: [['v1.0'], ['v1.35']] },
  runAsUser: { level: 'restricted', versions: [['v1.23'], ['v1.35']] },
  seLinuxOptions: { level: 'baseline', versions: [['v1.0'], ['v1.31']] },
  seccompProfile_baseline: { level: 'baseline', versions: [['v1.0'], ['v1.19']] },
  seccompProfile_restricted: {
    level: 'restricted',
    versions: [
      ['v1.19', ['seccompProfile_baseline']],
      ['v1.25', ['seccompProfile_baseline']],
    ],
  },
  sysctls: { level: 'baseline', versions: [['v1.0'], ['v1.27'], ['v1.29'], ['v1.32'], ['v1.37']] },
  windowsHostProcess: { level: 'baseline', versions: [['v1.0']] },
};

describe('psaRules registration', () => {
  it.each(psaRules.map((rule) => [rule.id, rule] as const))(
    '%s has upstream level, versions and overrides',
    (id, rule) => {
      const upstream = UPSTREAM[id];
      expect(upstream, `unknown upstream check ${id}`).toBeDefined();
      expect(rule.level).toBe(upstream?.level);
      expect(rule.severity).toBe('error');
      expect(rule.versions.map((variant) => [variant.since, variant.overrides ?? []])).toEqual(
        upstream?.versions.map(([since, overrides]) => [since, overrides ?? []]),
      );
    },
  );
});
