/**
 * Cross-object facts do not depend on the order of files: a first pass learns the facts of every
 * file read whole before anything is judged, however large the input.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('podguard scan: cross-object facts', () => {
  it("a pod's ServiceAccount in a later file counts, whatever the order of the files", async () => {
    writeFileSync(
      join(dir, 'a-pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: web, image: "registry.example.com/web:1"}]\n',
    );
    writeFileSync(
      join(dir, 'z-account.yaml'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\nautomountServiceAccountToken: false\n',
    );
    const rules = async (args: string[]) => {
      const run = await runCli(['scan', ...args, '--format', 'json'], { cwd: dir });
      return (JSON.parse(run.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    };
    const forward = await rules(['a-pod.yaml', 'z-account.yaml']);
    const backward = await rules(['z-account.yaml', 'a-pod.yaml']);
    expect(forward).not.toContain('automountServiceAccountToken');
    expect(backward).not.toContain('automountServiceAccountToken');
    expect(forward.sort()).toEqual(backward.sort());
  });

  it('counts a later ServiceAccount however large the input (the first pass keeps 8 MB, reads all)', async () => {
    const big = join(dir, 'big');
    mkdirSync(big);
    const configMap = (n: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${n}}\ndata:\n  blob: "${'x'.repeat(100_000)}"\n`;
    for (let file = 0; file < 10; file++)
      writeFileSync(
        join(big, `b-config-${file}.yaml`),
        Array.from({ length: 9 }, (_, n) => configMap(n)).join('---\n'),
      );
    writeFileSync(
      join(big, 'a-pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: web, image: "registry.example.com/web:1"}]\n',
    );
    writeFileSync(
      join(big, 'z-account.yaml'),
      'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\nautomountServiceAccountToken: false\n',
    );
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: big });
    const report = JSON.parse(run.stdout) as { findings: { rule: string }[]; summary: { objects: number } };
    expect(report.summary.objects).toBe(92);
    expect(report.findings.map((f) => f.rule)).not.toContain('automountServiceAccountToken');
  });

  it('labels an unlabelled Namespace at the level its pods in other files pass, before or after it', async () => {
    const level = async (files: Record<string, string>) => {
      const here = mkdtempSync(join(dir, 'ns-'));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(here, name), text);
      const run = await runCli(['scan', '.', '--format', 'json'], { cwd: here });
      const findings = (
        JSON.parse(run.stdout) as { findings: { rule: string; fix?: { description: string } }[] }
      ).findings;
      return findings.find((f) => f.rule === 'namespaceEnforceLabel')?.fix?.description;
    };
    const agent =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: ops}\nspec:\n  hostNetwork: true\n  containers: [{name: agent, image: "registry.example.com/agent:1"}]\n';
    const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ops}\n';
    const before = await level({ 'a-agent.yaml': agent, 'z-namespace.yaml': namespace });
    const after = await level({ 'a-namespace.yaml': namespace, 'z-agent.yaml': agent });
    expect(before).toContain('pod-security.kubernetes.io/enforce=privileged');
    expect(after).toBe(before);
    // A file too large to read whole (kube-prometheus' 1.4 MB grafana-dashboardDefinitions.yaml) is
    // streamed; the others are still read first (restricted here would reject the agent).
    const large = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dashboards, namespace: ops}\ndata:\n  json: "${'x'.repeat(1_100_000)}"\n`;
    expect(
      await level({ 'a-agent.yaml': agent, 'b-dashboards.yaml': large, 'z-namespace.yaml': namespace }),
    ).toBe(before);
  });
});
