import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, toAdmissionPolicies } from '@podguard/policy-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../testing.js';

const directories: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-admission-'));
  directories.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

/** The generated objects without the day they were generated on (the core is called at another instant). */
const undated = (objects: unknown) =>
  JSON.parse(
    JSON.stringify(objects).replace(
      /"podguard\.dev\/suppressions-checked-on":"[^"]*"/g,
      '"podguard.dev/suppressions-checked-on":""',
    ),
  );

describe('podguard admission', () => {
  it('prints the core objects for the configuration file, as YAML documents', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'podguard.config.yaml'), 'profile: restricted\ndenyUids: [65534, 1001]\n');
    const run = await runCli(['admission', '--exempt-namespace', 'kube-system'], { cwd: dir });
    expect(run.code).toBe(0);
    const printed = parseAllDocuments(run.stdout).map((document) => document.toJS());
    const expected = toAdmissionPolicies(
      { profile: 'restricted', denyUids: [65534, 1001] },
      { exemptNamespaces: ['kube-system'] },
    ).objects;
    expect(undated(printed)).toEqual(undated(expected));
    expect(run.stderr).toBe('');
  });

  it('takes --profile, --fail-on, --name and --format json', async () => {
    const run = await runCli(
      [
        'admission',
        '--no-config',
        '--profile',
        'hardened',
        '--fail-on',
        'none',
        '--name',
        'guard',
        '--format',
        'json',
      ],
      { cwd: temp() },
    );
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as {
      kind: string;
      items: { kind: string; metadata: { name: string } }[];
    };
    expect(list.kind).toBe('List');
    expect(list.items.map((item) => item.metadata.name)).toContain('guard-pods-warn');
    expect(list.items.map((item) => item.metadata.name)).not.toContain('guard-pods');
    // The rules the API server cannot check are said, not dropped.
    expect(run.stderr).toContain('podguard: kubeletRunAsNonRoot is not enforced at admission: ');
    expect(run.stderr).toContain('podguard: runAsRoot is enforced only in part at admission: ');
  });

  it('refuses options as scan does: exit 2, the core words', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'podguard.config.json'), JSON.stringify({ uidRange: { min: 5, max: 1 } }));
    const run = await runCli(['admission'], { cwd: dir });
    expect(run.code).toBe(2);
    let expected = '';
    try {
      evaluate([], { uidRange: { min: 5, max: 1 } });
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(run.stderr).toContain(expected);
    expect((await runCli(['admission', 'extra'], { cwd: dir })).stderr).toContain(
      'admission takes no arguments',
    );
  });
});
