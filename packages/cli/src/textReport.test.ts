/**
 * The text report at scale (issue 13): a generated scan of 500 objects in 50 files, compared with a
 * golden file, and checked for what makes it readable: every line within 100 columns, one group
 * per failing object, each fix once per object, and a summary that counts objects and findings
 * apart.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-text-500-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pod spec that passes the hardened profile. */
const HARDENED_POD = `      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: registry.example/app:1.0
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`;

/** Ten shapes of object: five pass, five fail in different ways (shape 3 only in every fifth file). */
const SHAPES: ((name: string, namespace: string) => string)[] = [
  (name, ns) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n    spec:\n${HARDENED_POD}`,
  (name, ns) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  ports: [{port: 80}]\n`,
  (name, ns) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: {a: b}\n`,
  // No security context at all, two containers: every fix applies to both.
  (name, ns) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example/app:1.0\n        - name: sidecar\n          image: registry.example/proxy:2.1\n`,
  (name, ns) =>
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n    spec:\n${HARDENED_POD}`,
  // Runs as root explicitly, with two containers: one fix for two runAsRoot findings.
  (name, ns) =>
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n    spec:\n${HARDENED_POD.replace('runAsUser: 10001', 'runAsUser: 0').replace('runAsNonRoot: true', 'runAsNonRoot: false')}${HARDENED_POD.slice(HARDENED_POD.indexOf('        - name: app')).replace('name: app', 'name: worker')}`,
  // Privileged with a hostPath volume.
  (name, ns) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${HARDENED_POD.replace(
      /^ {4}/gm,
      '',
    )
      .replace('allowPrivilegeEscalation: false', 'privileged: true')
      .concat('  volumes: [{name: host, hostPath: {path: /var/run}}]\n')}`,
  (name, ns) =>
    `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${HARDENED_POD.replace(/^/gm, '    ').replace(/^ +$/gm, '')}`,
  // Only the hardened extras are missing: warnings-free but errors on UID/GID policy.
  (name, ns) =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  template:\n    spec:\n${HARDENED_POD.replace('        runAsUser: 10001\n        runAsGroup: 10001\n', '')}`,
  (name) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`,
];

describe('the text report of a 500-object scan', () => {
  // 50 files of 10 documents, in 5 directories.
  for (let file = 0; file < 50; file++) {
    const team = `team-${file % 5}`;
    mkdirSync(join(dir, 'clusters', 'production', team), { recursive: true });
    const documents = SHAPES.map((shape, i) =>
      (i === 3 && file % 5 !== 0 ? (SHAPES[0] as (typeof SHAPES)[0]) : shape)(`svc-${file}-${i}`, team),
    );
    writeFileSync(join(dir, 'clusters', 'production', team, `app-${file}.yaml`), documents.join('---\n'));
  }

  // One scan serves the checks below (a 500-object scan takes a second or two on a shared CI core).
  let scanned: ReturnType<typeof runCli> | undefined;
  const scan = () => {
    scanned ??= runCli(['scan', '.', '--no-config'], { cwd: dir });
    return scanned;
  };

  it('matches the golden file', async () => {
    const run = await scan();
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    await expect(run.stdout).toMatchFileSnapshot('./__golden__/scan-500.txt');
  });

  it('fits 100 columns, groups by object, prints each fix once per object, and sums up', async () => {
    const run = await scan();
    const lines = run.stdout.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);

    // One group per failing object: 4 failing shapes in each of the 50 files, and 10 more.
    const headers = lines.filter((line) =>
      /^[A-Z]\w+ \S+ {2}clusters\/production\/team-\d\/app-\d+\.yaml:\d+$/.test(line),
    );
    expect(headers).toHaveLength(210);
    expect(new Set(headers).size).toBe(210);

    // Within a group, no fix is printed twice (the two-container Deployment has two findings each).
    const groups = run.stdout.split('\n\n').filter((group) => /^[A-Z]\w+ /.test(group));
    for (const group of groups) {
      const fixes = group.split('\n').filter((line) => line.startsWith('  fix: '));
      expect(new Set(fixes).size).toBe(fixes.length);
    }

    // The summary counts objects and findings apart.
    expect(run.stdout).toMatch(
      /\n500 objects scanned in 50 files: 210 failed, 290 passed\n\d+ findings: \d+ errors, 50 warnings, 0 suppressed\nconfig: none\n$/,
    );
    expect(run.stdout).toMatch(/\nrule {2,}errors {2}warnings {2}suppressed {2}objects\n/);
    expect(run.stdout).toMatch(/\nprivileged {2,}50 {9}0 {11}0 {7}50\n/);
  });

  it('shows every fix under every finding with --verbose', async () => {
    const plain = await scan();
    const verbose = await runCli(['scan', '.', '--no-config', '--verbose'], { cwd: dir });
    const fixLines = (text: string) =>
      text.split('\n').filter((line) => /^(fix|fix \(unsafe\)|not fixed):/.test(line.trimStart())).length;
    expect(fixLines(verbose.stdout)).toBeGreaterThan(fixLines(plain.stdout));
  });
});
