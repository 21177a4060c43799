/**
 * `podguard helm-post-render` driven exactly as Helm drives a post-renderer: Helm execs the
 * command it was given (`--post-renderer podguard --post-renderer-args helm-post-render` since
 * Helm 3.10; an executable without arguments before), writes the rendered release to its stdin,
 * installs what it prints on stdout, and aborts on a non-zero exit. The built bin is put on PATH
 * as `podguard`, as `npm i -g @podguard/cli` does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '@podguard/policy-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));
// What `helm template` prints for a small chart (kept as .txt so no formatter restyles it).
const rendered = readFileSync(join(root, 'test/fixtures/helm/release.rendered.txt'), 'utf8');
let bin: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'podguard-helm-bin-'));
  symlinkSync(join(root, 'packages/cli/bin/podguard.mjs'), join(bin, 'podguard'));
  // `#!/usr/bin/env node` must find this Node; the empty directory stands in for a clean PATH.
  env = { PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter), NO_COLOR: '1' };
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** What Helm does: exec `command args...` with the rendering on stdin. */
const postRender = (command: string, args: string[], input: string, extraEnv: Record<string, string> = {}) =>
  spawnSync(command, args, {
    cwd: tmpdir(), // no podguard.config.yaml found upward: the defaults apply
    env: { ...env, ...extraEnv },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });

/** The documents of a stream, as text, split at `---` lines (the way Helm's output separates them). */
const documents = (text: string) => text.split(/^---\n/m).filter((part) => part !== '');

describe('podguard helm-post-render, as Helm 3.10+ runs it', () => {
  it('fixes the workloads, passes every other document through byte for byte, exit 0', () => {
    const run = postRender('podguard', ['helm-post-render'], rendered);
    expect(run.status, run.stderr).toBe(0);
    const before = documents(rendered);
    const after = documents(run.stdout);
    expect(after).toHaveLength(before.length);
    // CRD, ServiceAccount, ConfigMap (its comment too) and Service: untouched.
    for (const index of [0, 1, 2, 3]) expect(after[index]).toBe(before[index]);
    // Workloads: rewritten, keeping the Source comment, the hook annotations and the author's fields.
    for (const index of [4, 5, 6]) {
      expect(after[index]).not.toBe(before[index]);
      expect(after[index]?.split('\n')[0]).toBe(before[index]?.split('\n')[0]);
    }
    expect(after[4]).toContain('image: "registry.example.com/shop/web:1.4.2" # pinned by the chart');
    expect(after[5]).toContain('"helm.sh/hook": test');
    expect(after[6]).toContain('"helm.sh/hook": pre-install,pre-upgrade');
    expect(after[6]).toContain('runAsUser: 10001');
    expect(run.stdout.endsWith('\n')).toBe(true);

    // What is left is what only an unsafe fix would change: the Deployment's ServiceAccount is in
    // the release, so turning its token off could take API access the chart grants on purpose.
    const objects = parseAllDocuments(run.stdout).map((document) => document.toJS());
    const result = evaluate(objects, { profile: 'hardened' });
    const left = result.findings.filter((finding) => finding.status === 'fail');
    expect(left.map((finding) => [finding.rule, finding.severity, finding.fix?.kind])).toEqual([
      ['automountServiceAccountToken', 'warning', 'unsafe'],
    ]);
    expect(run.stderr).toContain(
      'fix (unsafe): Set automountServiceAccountToken=false on the pod (it loses the API access',
    );

    expect(run.stderr).toContain(
      'podguard: fixed Deployment shop-web (shop/templates/deployment.yaml): Set securityContext.runAsNonRoot=true',
    );
    expect(run.stderr).toContain('podguard: fixed Job shop-migrate (shop/templates/hooks/migrate.yaml):');
    expect(run.stderr).toContain('7 objects scanned in 1 file: 0 failed, 1 with warnings only, 6 passed');
  });

  it('is idempotent: its own output comes back unchanged, with no fix', () => {
    const first = postRender('podguard', ['helm-post-render'], rendered);
    const second = postRender('podguard', ['helm-post-render'], first.stdout);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toContain('podguard: fixed');
  });

  it('aborts the install (exit 1, nothing on stdout) when a blocking finding has no safe fix', () => {
    const agent = `---
# Source: shop/templates/agent.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: agent
        image: registry.example.com/agent:2
        securityContext:
          privileged: true
`;
    const run = postRender('podguard', ['helm-post-render'], `${rendered}${agent}`);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('DaemonSet agent  shop/templates/agent.yaml (shop/templates/agent.yaml:2)');
    expect(run.stderr).toMatch(/ 9:7 +error +host namespaces \(hostNetwork=true\) +hostNamespaces/);
    expect(run.stderr).toMatch(/ 14:11 +error +privileged \(container "agent" must not set securityContext/);
    // The safe fixes cannot make a privileged container secure: dropping privileged is unsafe.
    expect(run.stderr).toContain('not fixed: container "agent": privileged containers cannot set');
    // Nor does any safe fix make it non-root: a privileged agent runs as root on purpose.
    expect(run.stderr).toContain(
      'not fixed: a safe fix would stop what runs as root on purpose: privileged container "agent" would',
    );
    expect(run.stderr).not.toContain(
      'podguard: fixed DaemonSet agent (shop/templates/agent.yaml): Set securityContext.runAs',
    );
    // The warning left on shop-web does not block under the default --fail-on error.
    expect(run.stderr).toContain(
      'podguard: 6 findings at or above --fail-on error remain after the safe fixes: nothing rendered (Helm aborts)',
    );

    const allowed = postRender('podguard', ['helm-post-render', '--fail-on', 'none'], `${rendered}${agent}`);
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain('privileged: true');
  });

  it('applies the profile it is given', () => {
    const run = postRender('podguard', ['helm-post-render', '--profile', 'baseline'], rendered);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(rendered);
    expect(run.stderr).not.toContain('podguard: fixed');
  });

  it('exits 2 naming the line of malformed YAML, and for an unknown option', () => {
    const broken = postRender('podguard', ['helm-post-render'], `${rendered}---\nkind: [\n`);
    expect(broken.status).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/-:\d+:\d+ +invalid YAML/);
    const usage = postRender('podguard', ['helm-post-render', '--fix'], rendered);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown flag --fix for helm-post-render');
  });
});

describe('scripts/helm-post-render.sh, the post-renderer for Helm before 3.10', () => {
  it('runs podguard helm-post-render with PODGUARD_ARGS, as Helm runs it (no arguments)', () => {
    const script = join(root, 'scripts/helm-post-render.sh');
    const run = postRender(script, [], rendered);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(postRender('podguard', ['helm-post-render'], rendered).stdout);
    const baseline = postRender(script, [], rendered, { PODGUARD_ARGS: '--profile baseline' });
    expect(baseline.stdout).toBe(rendered);
  });
});
