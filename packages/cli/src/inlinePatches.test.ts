import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-inline-patches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A kustomization with its patches written inline: a JSON 6902 patch with a target, a strategic-merge
// patch under `patches`, and one under `patchesStrategicMerge`. kubectl applies what they set.
const kustomization = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
patches:
  - target:
      kind: Deployment
      name: web
    patch: |-
      - op: add
        path: /spec/template/spec/hostNetwork
        value: true
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            containers:
              - name: web
                securityContext:
                  privileged: true
  - path: resources.yaml
patchesStrategicMerge:
  - |-
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: agent
    spec:
      template:
        spec:
          hostPID: true
`;
const lines = kustomization.split('\n');
const place = (needle: string) => {
  const index = lines.findIndex((line) => line.includes(needle));
  return `${index + 1}:${(lines[index] as string).indexOf(needle) + 1}`;
};

describe('patches written inside a kustomization', () => {
  it('are judged for what they set, at the line and column of the field in the kustomization', async () => {
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
    writeFileSync(
      join(dir, 'resources.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {limits: {memory: 128Mi}}\n',
    );
    const run = await runCli(['scan', '.', '--format', 'compact', '--profile', 'baseline'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.trimEnd().split('\n')).toEqual([
      `kustomization.yaml:${place('value: true')}: error hostNamespaces host namespaces (hostNetwork=true)`,
      `kustomization.yaml:${place('privileged: true')}: error privileged privileged (container "web" must not set securityContext.privileged=true)`,
      `kustomization.yaml:${place('hostPID: true')}: error hostNamespaces host namespaces (hostPID=true)`,
    ]);
    // What a patch leaves out is not a finding: the patch file listed by path passes restricted too.
    const restricted = await runCli(['scan', 'resources.yaml', 'kustomization.yaml', '--format', 'json'], {
      cwd: dir,
    });
    const report = JSON.parse(restricted.stdout);
    expect(
      report.findings.filter((f: { source: { file: string } }) => f.source.file === 'resources.yaml'),
    ).toEqual([]);
  });

  it('are never rewritten by --fix', async () => {
    const run = await runCli(['scan', '.', '--fix', '--profile', 'baseline'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).toBe(kustomization);
  });

  it('name the entry and the place of malformed YAML in the patch', async () => {
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      'kind: Kustomization\npatches:\n  - patch: |-\n      kind: Deployment\n      spec: [\n',
    );
    const run = await runCli(['scan', 'kustomization.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).inputErrors).toEqual([
      expect.objectContaining({
        file: 'kustomization.yaml',
        line: expect.any(Number),
        message: expect.stringMatching(/^inline patch \/patches\/0\/patch: invalid YAML/),
      }),
    ]);
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
  });
});
