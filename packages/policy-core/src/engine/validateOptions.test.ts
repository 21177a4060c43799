import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { hardenedProfile, hardenedV1Profile, profiles } from '../profiles/index.js';
import { createEvaluation, evaluate, isBlocking } from './evaluate.js';
import { validateOptions } from './resolveOptions.js';

const rootPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'app' }] },
};

describe('validateOptions', () => {
  it('rejects unknown keys at every level, naming the key', () => {
    expect(() => validateOptions({ uidrange: {} })).toThrow('invalid option uidrange: unknown option');
    expect(() => validateOptions({ uidRange: { mn: 1 } })).toThrow('invalid option uidRange.mn');
    expect(() => validateOptions({ rules: { privileged: { enable: false } } })).toThrow(
      'invalid option rules.privileged.enable',
    );
    expect(() =>
      validateOptions({ profile: { name: 'x', level: 'baseline', rules: [], extra: 1 } as never }),
    ).toThrow('invalid option profile.extra');
    expect(() =>
      validateOptions({ profile: { name: 'x', level: 'baseline', rules: [], options: { uidrange: {} } } }),
    ).toThrow('invalid option profile.options.uidrange');
  });

  it('is safe against prototype keys', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const options = JSON.parse(`{"${key}": {"polluted": true}}`);
      expect(() => validateOptions(options), key).toThrow(`invalid option ${key}`);
      const rules = JSON.parse(`{"rules": {"${key}": {"enabled": false}}}`);
      expect(() => validateOptions(rules), key).toThrow(`invalid option rules.${key}`);
    }
    expect(() => validateOptions({ profile: 'constructor' as never })).toThrow(
      'unknown profile "constructor"',
    );
    const imageUsers = JSON.parse('{"imageUsers": {"__proto__": "0"}}');
    expect(() => validateOptions(imageUsers)).not.toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('suggests the rule id a misspelled one meant', () => {
    expect(() => validateOptions({ rules: { runAsNonroot: { enabled: false } } })).toThrow(
      'unknown rule id (did you mean runAsNonRoot?)',
    );
  });

  it('accepts the deprecated names with a deprecation warning', () => {
    const session = createEvaluation({
      pssVersion: 'v1.30',
      exemptions: [{ rule: 'runAsUserRange', reason: 'legacy UID until migrated' }],
      warnings: 'fail',
    });
    expect(session.failOn).toBe('warning');
    expect(session.settings.map((f) => [f.rule, f.severity, f.detail])).toEqual([
      [
        'deprecatedOption',
        'warning',
        'option pssVersion is deprecated and will be removed in 0.2.0: use version',
      ],
      [
        'deprecatedOption',
        'warning',
        'option exemptions is deprecated and will be removed in 0.2.0: use suppressions',
      ],
      [
        'deprecatedOption',
        'warning',
        'option warnings is deprecated and will be removed in 0.2.0: use failOn',
      ],
    ]);
    // The notice never blocks, even under failOn: warning (the old name still works).
    expect(session.settings.some((finding) => session.isBlocking(finding))).toBe(false);
    expect(evaluate([], { pssVersion: 'latest', failOn: 'warning' }).allowed).toBe(true);
    expect(validateOptions({ warnings: 'print' }).options).toEqual({ failOn: 'error' });
    expect(() => validateOptions({ version: 'v1.30', pssVersion: 'v1.29' })).toThrow('not both');
  });
});

describe('failOn and isBlocking', () => {
  const warning = { status: 'fail', severity: 'warning' } as Finding;
  const error = { status: 'fail', severity: 'error' } as Finding;
  const inputError = { status: 'error', severity: 'error' } as Finding;
  const suppressed = { status: 'suppressed', severity: 'error' } as Finding;

  it('decides blocking the same way for every door', () => {
    expect([warning, error, inputError, suppressed].map((f) => isBlocking(f))).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([warning, error, inputError, suppressed].map((f) => isBlocking(f, 'warning'))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect([warning, error, inputError].map((f) => isBlocking(f, 'none'))).toEqual([false, false, false]);
  });

  it('evaluate() uses failOn for allowed', () => {
    const pod = {
      ...rootPod,
      spec: {
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'c',
            image: 'app',
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
          },
        ],
      },
    };
    const options = { rules: { readOnlyRootFilesystem: { severity: 'warning' as const } } };
    const broken = {
      ...pod,
      spec: {
        ...pod.spec,
        containers: [
          {
            name: 'c',
            image: 'app',
            securityContext: { ...pod.spec.containers[0]?.securityContext, readOnlyRootFilesystem: false },
          },
        ],
      },
    };
    expect(evaluate(broken, options).allowed).toBe(true);
    expect(evaluate(broken, { ...options, failOn: 'warning' }).allowed).toBe(false);
  });
});

describe('versioned hardened profile', () => {
  it('hardened:v1 holds the rules of podguard 0.1.0; hardened is the latest set', () => {
    expect(hardenedV1Profile.rules).toEqual([
      'kubeletRunAsNonRoot',
      'runAsRoot',
      'runAsUserRange',
      'runAsGroupPolicy',
      'readOnlyRootFilesystem',
      'automountServiceAccountToken',
      'namespaceEnforceLabel',
      'dockerfileUser',
    ]);
    // Rules that came later (the Jib user) join the latest set only: a pinned pipeline keeps its checks.
    expect(hardenedProfile.rules).toEqual([...hardenedV1Profile.rules, 'jibUser']);
    expect(profiles.openshift.rules).toEqual([...hardenedV1Profile.rules, 'jibUser', 'dockerfileGroupZero']);
    expect(profiles['openshift:v1'].rules).toEqual(hardenedV1Profile.rules);
    expect(profiles['hardened:v1']).toBe(hardenedV1Profile);
    expect(evaluate(rootPod, { profile: 'hardened:v1' }).findings.map((f) => f.rule)).toEqual(
      evaluate(rootPod, { profile: 'hardened' }).findings.map((f) => f.rule),
    );
  });

  it('the pure PSA profiles run no podguard rule, Dockerfiles included', () => {
    expect(profiles.baseline.rules).toEqual([]);
    expect(profiles.restricted.rules).toEqual([]);
    const session = createEvaluation({ profile: 'restricted' });
    expect(session.evaluateDockerfile({ text: 'FROM alpine\n' }).findings).toEqual([]);
  });
});
