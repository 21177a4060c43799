import { describe, expect, it } from 'vitest';
import { createEvaluation } from '../engine/evaluate.js';
import type { ProfileName } from '../model/options.js';

const DOCKERFILE = `FROM registry.access.redhat.com/ubi9/openjdk-21-runtime
USER 1001
COPY target/orders.jar /deployments/orders.jar
`;

describe('dockerfileGroupZero through the evaluation session', () => {
  it('runs in the openshift profile only, as a warning with a text-edit fix', () => {
    const result = createEvaluation({ profile: 'openshift' }).evaluateDockerfile({
      text: DOCKERFILE,
      name: 'Dockerfile',
    });
    expect(result.objects[0]?.rules).toEqual(['dockerfileUser', 'dockerfileGroupZero']);
    expect(result.findings).toMatchObject([
      {
        rule: 'dockerfileGroupZero',
        status: 'fail',
        level: 'openshift',
        severity: 'warning',
        messageId: 'copyNotGroupZero',
        locations: [{ path: '', line: 3, column: 1 }],
        fix: {
          kind: 'safe',
          patch: [],
          edits: [{ start: { line: 3, column: 5 }, end: { line: 3, column: 5 }, text: ' --chown=1001:0' }],
        },
      },
    ]);
    // A warning does not block under the default failOn.
    expect(result.allowed).toBe(true);
    const rules = (profile: ProfileName) =>
      createEvaluation({ profile })
        .evaluateDockerfile({ text: DOCKERFILE })
        .findings.map((f) => f.rule);
    expect((['hardened', 'restricted', 'openshift:v1'] as const).map(rules)).toEqual([[], [], []]);
  });

  it('checks the build target stage when one is given, else the last stage', () => {
    const text = `FROM registry.access.redhat.com/ubi9/openjdk-21-runtime AS app
USER 1001
COPY target/orders.jar /deployments/orders.jar
FROM registry.access.redhat.com/ubi9/openjdk-21-runtime AS tools
USER 1001
`;
    const session = createEvaluation({ profile: 'openshift' });
    expect(session.evaluateDockerfile({ text }).findings).toEqual([]);
    expect(
      session
        .evaluateDockerfile({ text, target: 'app' })
        .findings.map((f) => [f.rule, f.messageId, f.locations]),
    ).toEqual([['dockerfileGroupZero', 'copyNotGroupZero', [{ path: '', line: 3, column: 1 }]]]);
  });

  it('applies suppressions and rule settings', () => {
    const suppressed = createEvaluation({
      profile: 'openshift',
      suppressions: [
        {
          rule: 'dockerfileGroupZero',
          reason: 'the jar is read-only at run time',
          match: { kind: 'Dockerfile' },
        },
      ],
    });
    expect(suppressed.evaluateDockerfile({ text: DOCKERFILE }).findings.map((f) => f.status)).toEqual([
      'suppressed',
    ]);
    const failing = createEvaluation({
      profile: 'openshift',
      rules: { dockerfileGroupZero: { severity: 'error' } },
    });
    expect(failing.evaluateDockerfile({ text: DOCKERFILE }).allowed).toBe(false);
  });
});
