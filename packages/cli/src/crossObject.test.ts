/**
 * Cross-object facts do not depend on the order of files: a first pass learns every object of
 * the (small) input before anything is judged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
