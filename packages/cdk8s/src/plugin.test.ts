import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Validation, ValidationContext } from 'cdk8s-cli/plugins';
import { describe, expect, it } from 'vitest';
import { PodSecurityValidation } from './index.js';

const image = 'registry.example.com/app:1.2.3';

function manifestFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'podguard-plugin-')), 'app.k8s.yaml');
  writeFileSync(file, yaml);
  return file;
}

const insecure = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy
spec:
  selector: { matchLabels: { app: legacy } }
  template:
    metadata: { labels: { app: legacy } }
    spec:
      containers:
        - name: worker
          image: ${image}
          securityContext:
            runAsNonRoot: true
---
apiVersion: v1
kind: Service
metadata:
  name: legacy
spec:
  ports: [{ port: 80 }]
`;

const secure = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    seccompProfile: { type: RuntimeDefault }
  containers:
    - name: web
      image: ${image}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
`;

async function run(properties: Record<string, unknown>, ...yaml: string[]) {
  const plugin: Validation = new PodSecurityValidation(properties);
  const context = new ValidationContext(yaml.map(manifestFile), '@podguard/cdk8s', '0.1.0', {
    legacy: { path: 'app/legacy/Resource' },
  });
  await plugin.validate(context);
  return context.report;
}

describe('PodSecurityValidation (cdk8s-cli plugin)', () => {
  it('reports each blocking finding as a violation, with construct path, pointer and fix', async () => {
    const report = await run({ imageUsers: { [image]: 'node' } }, insecure);
    expect(report.success).toBe(false);
    const json = report.toJson();
    expect(json.summary).toMatchObject({ status: 'failure', plugin: '@podguard/cdk8s', version: '0.1.0' });
    expect(json.summary.metadata).toMatchObject({ profile: 'hardened', objects: '2' });
    const kubelet = json.violations.find((v) => v.ruleName === 'kubeletRunAsNonRoot');
    expect(kubelet?.recommendation).toContain('Deployment legacy: ');
    expect(kubelet?.recommendation).toContain('non-numeric user (node)');
    expect(kubelet?.fix).toMatch(/\[\{"op":/);
    expect(kubelet?.violatingConstructs[0]).toMatchObject({
      constructPath: 'app/legacy/Resource',
      resourceName: 'legacy',
      locations: [expect.stringContaining('/spec/template/spec/containers/0')],
    });
    expect(report.toString()).toContain('Construct Path: app/legacy/Resource');
  });

  it('submits success when every object passes', async () => {
    const report = await run({}, secure);
    expect(report.success).toBe(true);
    expect(report.toJson().violations).toEqual([]);
  });

  it('honours the profile property', async () => {
    const report = await run({ profile: 'baseline' }, insecure);
    expect(report.success).toBe(true);
  });

  it('rejects unknown or invalid properties with the name of the property', () => {
    // cdk8s-cli passes whatever cdk8s.yaml holds.
    const typo: Record<string, unknown> = { profle: 'hardened' };
    const loud: Record<string, unknown> = { warnings: 'loud' };
    expect(() => new PodSecurityValidation(typo)).toThrow(
      /@podguard\/cdk8s plugin: invalid property in cdk8s.yaml: .*profle/,
    );
    expect(() => new PodSecurityValidation(loud)).toThrow(
      /invalid property in cdk8s.yaml: invalid option warnings: expected print, ignore, report or fail/,
    );
    const failOn: Record<string, unknown> = { failOn: 'warnings' };
    expect(() => new PodSecurityValidation(failOn)).toThrow(
      /invalid property in cdk8s.yaml: invalid option failOn: expected error, warning or none/,
    );
  });

  it('evaluates all manifests of a synthesis in one session: an options suppression used by chart A is not unused in chart B', async () => {
    // Issue 12: each manifest had its own evaluation, so chart B reported the suppression as
    // unused and failOn: warning failed the synthesis.
    const suppressions = [
      {
        rule: 'kubeletRunAsNonRoot',
        reason: 'legacy image, rebuilt in SHOP-42',
        match: { kind: 'Deployment', name: 'legacy' },
      },
    ];
    const chartA = insecure.replace(/---[\s\S]*$/, '');
    const profile = { name: 'startup', level: 'baseline', rules: ['kubeletRunAsNonRoot'] };
    const report = await run(
      { profile, imageUsers: { [image]: 'node' }, suppressions, failOn: 'warning' },
      chartA,
      secure,
    );
    expect(report.toJson().violations).toEqual([]);
    expect(report.success).toBe(true);
    expect(report.toJson().summary.metadata).toMatchObject({ objects: '2', suppressed: '1' });
  });

  it('reports an options suppression that matches nothing in any manifest once, and failOn: warning fails on it', async () => {
    const suppressions = [{ rule: 'privileged', reason: 'the GPU driver needs it (OPS-7)' }];
    const report = await run({ suppressions, failOn: 'warning' }, secure, secure);
    const unused = report.toJson().violations.filter((v) => v.ruleName === 'unusedSuppression');
    expect(unused).toHaveLength(1);
    expect(report.success).toBe(false);
  });

  it('still accepts the deprecated warnings property, with a deprecation warning', async () => {
    const profile = { name: 'startup', level: 'baseline', rules: ['kubeletRunAsNonRoot'] };
    const plugin: Validation = new PodSecurityValidation({ profile, warnings: 'fail' } as Record<
      string,
      unknown
    >);
    const context = new ValidationContext([manifestFile(insecure)], '@podguard/cdk8s', '0.1.0', {});
    const logged: string[] = [];
    context.logger.log = (message: string) => {
      logged.push(message);
    };
    await plugin.validate(context);
    const report = context.report;
    expect(report.success).toBe(false);
    const rules = report.toJson().violations.map((violation) => violation.ruleName);
    expect(rules).toEqual(['kubeletRunAsNonRoot']);
    // The core's deprecatedOption warning, as at every door: printed, and never blocking (even
    // under warnings: fail, which is failOn: warning).
    expect(logged.some((line) => line.startsWith('[podguard] warning deprecatedOption'))).toBe(true);
  });
});
