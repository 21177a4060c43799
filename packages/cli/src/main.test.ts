import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { USAGE } from './commands/spec.js';
import { runCli } from './testing.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const temporaryDirectories: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-cli-'));
  temporaryDirectories.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporaryDirectories) rmSync(dir, { recursive: true, force: true });
});

interface JsonReport {
  version: number;
  findings: {
    rule: string;
    status: string;
    severity: string;
    message: string;
    path: string;
    messageId?: string;
    source?: { file: string; line: number; column: number; document: number; template?: string };
  }[];
  summary: Record<string, number>;
  inputErrors: { file: string; line?: number; column?: number; message: string }[];
}
const json = (stdout: string) => JSON.parse(stdout) as JsonReport;

describe('podguard --version, --help and usage errors', () => {
  it('prints the version from package.json', async () => {
    const run = await runCli(['--version'], { cwd: root });
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints usage with --help', async () => {
    expect(await runCli(['--help'], { cwd: root })).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it.each([
    [['scan', '--colour', 'x.yaml'], 'unknown flag --colour for scan; podguard scan --help lists the flags'],
    [['scan'], 'no input'],
    [['deploy'], 'unknown command "deploy"'],
    [[], 'no command given'],
    [
      ['scan', '--format', 'xml', 'x.yaml'],
      '--format must be one of text, compact, json, ndjson, sarif, junit, got "xml"',
    ],
    [
      ['scan', '--profile', 'strict', 'x.yaml'],
      '--profile must be one of baseline, restricted, hardened, hardened:v1, openshift, openshift:v1',
    ],
    [['scan', '--dry-run', 'x.yaml'], '--dry-run only goes with --fix'],
    [['scan', '--image-user', 'nginx', 'x.yaml'], '--image-user must be IMAGE=USER'],
  ])('exits 2 with one line for %j', async (args, message) => {
    const run = await runCli(args, { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toMatch(/^podguard: [^\n]+\n$/);
  });

  it('exits 2 for an unknown Pod Security version, naming it', async () => {
    const run = await runCli(['scan', '--pss-version', 'v2.0', 'examples/manifests'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'podguard: --pss-version: invalid Pod Security version "v2.0": expected "latest" or "v1.<minor>" (e.g. "v1.25")\n',
    );
  });
});

describe('podguard scan examples/manifests', () => {
  it('finds the forgotten root and the kubelet start-up failure, with file:line:col', async () => {
    const run = await runCli(['scan', 'examples/manifests', '--format', 'json'], { cwd: root });
    expect(run.code).toBe(1);
    const report = json(run.stdout);
    const kubelet = report.findings.find((f) => f.rule === 'kubeletRunAsNonRoot');
    expect(kubelet?.message).toBe(
      'container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root (pod: "web_shop()", container: web)',
    );
    expect(kubelet?.source).toMatchObject({ file: 'examples/manifests/web/deployment.yaml', document: 0 });
    const dockerfile = report.findings.find(
      (f) => f.rule === 'dockerfileUser' && f.source?.file === 'examples/manifests/web/Dockerfile',
    );
    expect(dockerfile?.source).toMatchObject({ line: 11, column: 1 });
    const api = report.findings
      .filter((f) => f.source?.file === 'examples/manifests/api-deployment.yaml')
      .map((f) => f.rule);
    expect(api).toEqual(
      expect.arrayContaining([
        'allowPrivilegeEscalation',
        'runAsNonRoot',
        'runAsUserRange',
        'capabilities_restricted',
      ]),
    );
    expect(report.findings.filter((f) => f.source?.file.includes('/fixed/'))).toEqual([]);
    expect(report.summary).toMatchObject({ files: 7, documents: 7, pods: 4, errors: 0 });
  });

  it('passes the fixed versions', async () => {
    const run = await runCli(['scan', 'examples/manifests/fixed', 'examples/manifests/namespace.yaml'], {
      cwd: root,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('points a finding at the line of the field in the YAML source', async () => {
    const run = await runCli(
      ['scan', 'examples/manifests/api-deployment.yaml', '--format', 'json', '--profile', 'restricted'],
      { cwd: root },
    );
    const report = json(run.stdout);
    const ape = report.findings.find((f) => f.rule === 'allowPrivilegeEscalation');
    // The container has no securityContext: the finding points at the container (its nearest existing ancestor).
    const lines = readFileSync(join(root, 'examples/manifests/api-deployment.yaml'), 'utf8').split('\n');
    expect(lines[(ape?.source?.line ?? 0) - 1]).toContain('- name: api');
  });
});

describe('inputs', () => {
  const deployment = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1${extra}
`;

  it('reads a kubectl List dump from stdin and points into items', async () => {
    const list = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } },
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p', namespace: 'team' },
            spec: { containers: [{ name: 'c', image: 'x' }] },
          },
        ],
      },
      null,
      2,
    );
    const run = await runCli(['scan', '-', '--format', 'json'], { cwd: temp(), stdin: list });
    const report = json(run.stdout);
    expect(run.code).toBe(1);
    expect(report.findings.find((f) => f.rule === 'namespaceEnforceLabel')?.source).toMatchObject({
      file: '-',
    });
    expect(report.findings.find((f) => f.rule === 'runAsNonRoot')?.path.startsWith('/items/1/spec')).toBe(
      true,
    );
    expect(report.summary).toMatchObject({ objects: 2, pods: 1 });
  });

  it('names the Helm template in findings and never rewrites Helm output', async () => {
    const dir = temp();
    const helm = `---\n# Source: shop/templates/web.yaml\n${deployment('web')}---\n# Source: shop/templates/values.yaml\nreplicas: 3\n`;
    writeFileSync(join(dir, 'rendered.yaml'), helm);
    const run = await runCli(['scan', 'rendered.yaml', '--format', 'json'], { cwd: dir });
    const report = json(run.stdout);
    expect(report.findings[0]?.source).toMatchObject({
      file: 'rendered.yaml',
      template: 'shop/templates/web.yaml',
      document: 0,
    });
    expect(report.summary).toMatchObject({ documents: 2, objects: 1 });
    const fix = await runCli(['scan', 'rendered.yaml', '--fix'], { cwd: dir });
    expect(fix.stderr).toContain(
      'generated input (Helm output (# Source: shop/templates/web.yaml)) is never rewritten',
    );
    expect(readFileSync(join(dir, 'rendered.yaml'), 'utf8')).toBe(helm);
  });

  it('skips non-Kubernetes documents without an error and counts them', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'values.yaml'), 'replicas: 3\nimage:\n  tag: "1.0"\n');
    writeFileSync(join(dir, 'empty.yaml'), '');
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(json(run.stdout).summary).toMatchObject({ files: 2, documents: 1, objects: 0, errors: 0 });
  });

  it('reports malformed YAML with file:line:col, exits 2, and still scans the other files', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a-bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n');
    writeFileSync(join(dir, 'b-good.yaml'), deployment('good'));
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(2);
    const report = json(run.stdout);
    expect(report.inputErrors).toEqual([
      expect.objectContaining({ file: 'a-bad.yaml', line: expect.any(Number), column: expect.any(Number) }),
    ]);
    expect(report.inputErrors[0]?.message).toMatch(/^invalid YAML: /);
    expect(run.stderr).toMatch(/^podguard: a-bad\.yaml:\d+:\d+: invalid YAML/);
    expect(report.findings.some((f) => f.source?.file === 'b-good.yaml')).toBe(true);
  });

  it('bounds YAML alias expansion (billion laughs)', async () => {
    const dir = temp();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(join(dir, 'bomb.yaml'), `${levels.join('\n')}\n`);
    const run = await runCli(['scan', 'bomb.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/bomb\.yaml.*(alias|Excessive)/i);
  });

  it('handles 200 levels of nesting', async () => {
    const dir = temp();
    let nested = '{}';
    for (let i = 0; i < 200; i++) nested = `{"a": ${nested}}`;
    writeFileSync(
      join(dir, 'deep.json'),
      `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": ${nested}}`,
    );
    const run = await runCli(['scan', 'deep.json', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(json(run.stdout).summary).toMatchObject({ objects: 1, errors: 0 });
  });

  it('treats __proto__ and constructor keys as data (no prototype pollution)', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'proto.yaml'),
      `${deployment('p')}          securityContext:\n            __proto__:\n              polluted: true\n            constructor:\n              prototype:\n                polluted: true\n`,
    );
    const run = await runCli(['scan', 'proto.yaml', '--format', 'json'], { cwd: dir });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(run.code).toBe(1);
    expect(json(run.stdout).findings.some((f) => f.rule === 'allowPrivilegeEscalation')).toBe(true);
  });

  it('reports wrongly typed fields as error findings, never a pass', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'types.yaml'),
      `${deployment('t')}          securityContext:\n            runAsUser: "0"\n`,
    );
    const run = await runCli(['scan', 'types.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const error = json(run.stdout).findings.find((f) => f.status === 'error');
    expect(error).toMatchObject({
      rule: 'invalidInput',
      message:
        '/spec/template/spec/containers/0/securityContext/runAsUser must be an integer, got a string ("0")',
    });
    expect(error?.source?.line).toBe(12);
  });

  it('reports containers that are not a list as an error finding', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'list.yaml'),
      'apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: q}\n  spec:\n    containers: {}\n',
    );
    const run = await runCli(['scan', 'list.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const error = json(run.stdout).findings.find((f) => f.status === 'error');
    expect(error?.message).toBe('/items/0/spec/containers must be an array, got an object');
    expect(error?.source).toMatchObject({ line: 8, column: 5 });
  });

  it('reports a path that is not a regular file (a FIFO) instead of blocking on it', async () => {
    const dir = temp();
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const run = await runCli(['scan', 'pipe.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/pipe\.yaml\s+not a regular file/);
  });

  it('scans empty standard input as nothing to report', async () => {
    const run = await runCli(['scan', '-', '--format', 'json'], { cwd: temp(), stdin: '' });
    expect(run.code).toBe(0);
    expect(json(run.stdout).summary).toMatchObject({ files: 1, documents: 0, objects: 0 });
  });

  it('streams files over 1 MB a document at a time, with the same line numbers', async () => {
    const dir = temp();
    const good = (i: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c-${i}\ndata:\n  blob: "${'x'.repeat(600)}"\n---\n`;
    const documents = Array.from({ length: 2000 }, (_, i) => good(i)).join('');
    const bad =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: last}\nspec:\n  containers:\n    - name: c\n      securityContext: {privileged: true}\n';
    writeFileSync(join(dir, 'dump.yaml'), documents + bad);
    const run = await runCli(['scan', 'dump.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const report = json(run.stdout);
    expect(report.summary).toMatchObject({ documents: 2001, objects: 2001, pods: 1 });
    expect(report.findings.find((f) => f.rule === 'privileged')?.source).toMatchObject({
      line: 2000 * 7 + 7,
      document: 2000,
    });
  });

  it('reports binary files and unreadable paths, exit 2', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02]));
    const run = await runCli(['scan', 'binary.yaml', 'missing.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(json(run.stdout).inputErrors.map((e) => [e.file, e.message])).toEqual([
      ['missing.yaml', 'cannot read: no such file or directory'],
      ['binary.yaml', 'binary file: not YAML, JSON or a Dockerfile'],
    ]);
  });

  it('survives symlink loops', async () => {
    const dir = temp();
    const { mkdirSync, symlinkSync } = await import('node:fs');
    mkdirSync(join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'loop'));
    symlinkSync(join(dir, 'self.yaml'), join(dir, 'self.yaml'));
    writeFileSync(join(dir, 'a', 'pod.yaml'), deployment('x'));
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(2);
    const report = json(run.stdout);
    expect(report.inputErrors).toEqual([
      { file: 'self.yaml', message: 'cannot read: too many levels of symbolic links (a symlink loop)' },
    ]);
    expect(report.summary.files).toBe(1);
  });
});

describe('configuration', () => {
  it('finds podguard.config.yaml upward and applies it', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'podguard.config.yaml'), 'profile: baseline\n');
    writeFileSync(
      join(dir, 'sub', 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n',
    );
    expect((await runCli(['scan', 'pod.yaml'], { cwd: join(dir, 'sub') })).code).toBe(0);
    expect(
      (await runCli(['scan', 'pod.yaml', '--profile', 'restricted'], { cwd: join(dir, 'sub') })).code,
    ).toBe(1);
  });

  it.each([
    ['profiel: hardened\n', 'podguard.config.yaml: invalid option profiel: unknown option'],
    ['uidRange: 1000\n', 'invalid option uidRange: expected { min, max }, got 1000'],
    ['uidRange: {min: "a"}\n', 'invalid option uidRange.min'],
    ['rules: {noSuchRule: {enabled: false}}\n', 'invalid option rules.noSuchRule: unknown rule id'],
  ])('rejects %j naming the key', async (text, message) => {
    const dir = temp();
    writeFileSync(join(dir, 'podguard.config.yaml'), text);
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
    );
    const run = await runCli(['scan', 'pod.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('applies suppressions with a reason from the config file', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'podguard.config.json'),
      JSON.stringify({
        profile: 'restricted',
        suppressions: [{ rule: 'runAsNonRoot', reason: 'vendor image, ticket SEC-42' }],
      }),
    );
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
    );
    const report = json((await runCli(['scan', 'pod.yaml', '--format', 'json'], { cwd: dir })).stdout);
    expect(report.findings.find((f) => f.rule === 'runAsNonRoot')?.status).toBe('suppressed');
    expect(report.summary.suppressed).toBe(1);
  });

  it('takes image users from --image-user and from docker inspect output', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {securityContext: {runAsNonRoot: true}, containers: [{name: c, image: "app:1"}]}\n',
    );
    writeFileSync(join(dir, 'inspect.json'), JSON.stringify([{ RepoTags: ['app:1'], Config: { User: '' } }]));
    const byFlag = json(
      (await runCli(['scan', 'pod.yaml', '--format', 'json', '--image-user', 'app:1=node'], { cwd: dir }))
        .stdout,
    );
    expect(byFlag.findings.find((f) => f.rule === 'kubeletRunAsNonRoot')?.message).toContain(
      'image has non-numeric user (node)',
    );
    const byInspect = json(
      (await runCli(['scan', 'pod.yaml', '--format', 'json', '--image-config', 'inspect.json'], { cwd: dir }))
        .stdout,
    );
    expect(byInspect.findings.find((f) => f.rule === 'kubeletRunAsNonRoot')?.message).toContain(
      'image will run as root',
    );
  });
});

describe('--config, --image-config IMAGE=FILE and --pss-version', () => {
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {securityContext: {runAsNonRoot: true}, containers: [{name: c, image: "app:2"}]}\n';

  it('reads the configuration given with --config, and names a missing one', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'pod.yaml'), pod);
    writeFileSync(join(dir, 'ci.yaml'), 'profile: baseline\nversion: v1.24\n');
    expect((await runCli(['scan', 'pod.yaml', '--config', 'ci.yaml'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['scan', 'pod.yaml'], { cwd: dir })).code).toBe(1);
    const missing = await runCli(['scan', 'pod.yaml', '--config', 'nope.yaml'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: configuration file not found');
  });

  it('reads an OCI image config named by IMAGE=FILE, and reports an unreadable one', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'pod.yaml'), pod);
    writeFileSync(join(dir, 'oci.json'), JSON.stringify({ architecture: 'amd64', config: { User: 'app' } }));
    const run = await runCli(['scan', 'pod.yaml', '--format', 'json', '--image-config', 'app:2=oci.json'], {
      cwd: dir,
    });
    expect(json(run.stdout).findings.find((f) => f.rule === 'kubeletRunAsNonRoot')?.message).toContain(
      'image has non-numeric user (app)',
    );
    const bad = await runCli(['scan', 'pod.yaml', '--image-config', 'oci.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('an OCI image config does not name its image');
  });

  it('checks against an older Pod Security version with --pss-version', async () => {
    const dir = temp();
    // Seccomp became part of restricted in v1.19; v1.18 does not require it.
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n    - name: c\n      securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n',
    );
    const rules = async (version: string) =>
      json(
        (
          await runCli(
            ['scan', 'pod.yaml', '--profile', 'restricted', '--pss-version', version, '--format', 'json'],
            {
              cwd: dir,
            },
          )
        ).stdout,
      ).findings.map((f) => f.rule);
    expect(await rules('latest')).toEqual(['seccompProfile_restricted']);
    expect(await rules('v1.18')).toEqual([]);
  });
});

describe('--fail-on', () => {
  it('exits 0 with --fail-on none and 1 on warnings with --fail-on warning', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
    );
    expect((await runCli(['scan', 'pod.yaml', '--fail-on', 'none'], { cwd: dir })).code).toBe(0);
    writeFileSync(
      join(dir, 'podguard.config.yaml'),
      'profile: restricted\nrules: {runAsNonRoot: {severity: warning}, allowPrivilegeEscalation: {enabled: false}, capabilities_restricted: {enabled: false}, seccompProfile_restricted: {enabled: false}}\n',
    );
    expect((await runCli(['scan', 'pod.yaml'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['scan', 'pod.yaml', '--fail-on', 'warning'], { cwd: dir })).code).toBe(1);
  });
});

describe('--fix', () => {
  const source = `# The API deployment.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api # keep this comment
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example/api:2.3
---
apiVersion: v1
kind: ConfigMap
metadata: {name: untouched}
data: {a: "1"}
`;

  it('rewrites the file in place, keeping comments, key order and the other documents', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'app.yaml'), source);
    const run = await runCli(['scan', 'app.yaml', '--fix'], { cwd: dir });
    expect(run.stderr).toMatch(/app\.yaml: applied \d+ fixes/);
    expect(run.code).toBe(0);
    const fixed = readFileSync(join(dir, 'app.yaml'), 'utf8');
    expect(
      fixed.startsWith(
        '# The API deployment.\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api # keep this comment\n',
      ),
    ).toBe(true);
    expect(
      fixed.endsWith('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: untouched}\ndata: {a: "1"}\n'),
    ).toBe(true);
    expect(fixed).toContain('runAsNonRoot: true');
    expect(fixed).toContain('allowPrivilegeEscalation: false');
    expect((await runCli(['scan', 'app.yaml'], { cwd: dir })).code).toBe(0);
  });

  it('prints a unified diff with --dry-run and leaves the file alone', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'app.yaml'), source);
    const run = await runCli(['scan', 'app.yaml', '--fix', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.startsWith('--- a/app.yaml\n+++ b/app.yaml\n@@ ')).toBe(true);
    expect(run.stdout).toMatch(/^\+\s+allowPrivilegeEscalation: false$/m);
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe(source);
  });

  it("rewrites JSON as JSON, with the file's indentation", async () => {
    const dir = temp();
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c' }] },
    };
    writeFileSync(join(dir, 'pod.json'), `${JSON.stringify(pod, null, 4)}\n`);
    const run = await runCli(['scan', 'pod.json', '--fix'], { cwd: dir });
    expect(run.code).toBe(0);
    const text = readFileSync(join(dir, 'pod.json'), 'utf8');
    expect(text.startsWith('{\n    "apiVersion": "v1",\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false } }],
      },
    });
  });

  it('keeps the source style of untouched lines: unindented sequences, compact flow maps', async () => {
    const dir = temp();
    const list =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: q}\n  spec:\n    containers:\n    - name: c\n      image: x\n';
    writeFileSync(join(dir, 'list.yaml'), list);
    const run = await runCli(['scan', 'list.yaml', '--fix', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(1);
    // Only additions: every original line is kept as it was.
    expect(run.stdout).not.toMatch(/^-[^-]/m);
    expect(run.stdout).toMatch(/^\+ {6}securityContext:$/m);
    expect(run.stdout).toMatch(/^\+ {10}- ALL$/m);
  });

  it('keeps CRLF line endings', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'app.yaml'), source.replaceAll('\n', '\r\n'));
    expect((await runCli(['scan', 'app.yaml', '--fix'], { cwd: dir })).code).toBe(0);
    const fixed = readFileSync(join(dir, 'app.yaml'), 'utf8');
    expect(fixed).toContain('runAsNonRoot: true\r\n');
    expect(fixed.replaceAll('\r\n', '')).not.toContain('\n');
    expect(fixed.endsWith('data: {a: "1"}\r\n')).toBe(true);
  });

  it('fixes a document that starts on its --- line, in its flow style', async () => {
    const dir = temp();
    const text = '--- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c}]}}\n';
    writeFileSync(join(dir, 'inline.yaml'), text);
    const run = await runCli(['scan', 'inline.yaml', '--fix'], { cwd: dir });
    expect(run.stderr).toMatch(/inline\.yaml: applied \d+ fixes/);
    const fixed = readFileSync(join(dir, 'inline.yaml'), 'utf8');
    expect(fixed).toMatch(
      /^--- \{apiVersion: v1, kind: Pod, metadata: \{name: p\}, spec: \{containers: \[\{name: c, securityContext: \{/,
    );
    expect(fixed.split('\n')).toHaveLength(2);
    expect((await runCli(['scan', 'inline.yaml', '--fix', '--dry-run'], { cwd: dir })).stdout).toBe('');
  });

  it('fixes a kind: List of 70 Deployments (no internal error), the diff per changed region', async () => {
    const dir = temp();
    const item = (i: number) =>
      `- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d${i}\n  spec:\n    template:\n      spec:\n        containers:\n        - name: c\n          image: registry.example/d${i}:1\n`;
    const text = `apiVersion: v1\nkind: List\nitems:\n${Array.from({ length: 70 }, (_, i) => item(i)).join('')}`;
    writeFileSync(join(dir, 'list.yaml'), text);
    const dry = await runCli(['scan', 'list.yaml', '--fix', '--dry-run'], { cwd: dir });
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(1);
    expect(dry.stdout.match(/^@@ /gm)).toHaveLength(70);
    expect(dry.stdout).not.toMatch(/^-[^-]/m);
    const fix = await runCli(['scan', 'list.yaml', '--fix', '--format', 'json'], { cwd: dir });
    expect(fix.stderr).toMatch(/list\.yaml: applied \d+ fixes/);
    const left = json(fix.stdout).findings.filter((f) => f.status === 'fail' && 'fix' in f);
    expect(left).toEqual([]);
  });

  it('fixes a JSON List item by item, pretty-printed or on one line, and the rest of the file stays', async () => {
    const dir = temp();
    const deployment = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image: `registry.example/${name}:1` }] },
        },
      },
    });
    const list = {
      apiVersion: 'v1',
      items: [
        deployment('cart'),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
        deployment('web'),
      ],
      kind: 'List',
      metadata: { resourceVersion: '' },
    };
    const files = {
      'pretty.json': `${JSON.stringify(list, null, 4)}\n`,
      'line.json': `${JSON.stringify(list)}\n`,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const fix = await runCli(['scan', ...Object.keys(files), '--fix', '--format', 'json'], { cwd: dir });
    expect(fix.stderr).toMatch(/pretty\.json: applied \d+ fixes/);
    expect(fix.stderr).toMatch(/line\.json: applied \d+ fixes/);
    for (const [name, before] of Object.entries(files)) {
      const after = readFileSync(join(dir, name), 'utf8');
      const fixed = JSON.parse(after);
      // The envelope and the ConfigMap are as they were; both Deployments got the fixes.
      expect({ ...fixed, items: undefined }, name).toEqual({ ...list, items: undefined });
      expect(fixed.items[1], name).toEqual(list.items[1]);
      for (const index of [0, 2]) {
        expect(fixed.items[index].spec.template.spec.securityContext.runAsNonRoot, name).toBe(true);
      }
      // Pretty-printed: only lines inside the Deployments change; the text before the first item stays.
      const head = before.slice(0, before.indexOf('"cart"'));
      expect(after.startsWith(head), name).toBe(true);
      // The envelope after the items (its kind, its metadata) is byte for byte as it was.
      expect(after.endsWith(before.slice(before.lastIndexOf('"kind"'))), name).toBe(true);
    }
    const again = await runCli(['scan', ...Object.keys(files), '--fix', '--dry-run'], { cwd: dir });
    expect(again.stdout).toBe('');
  });

  it('fixes the good items of a YAML List and names the item it cannot read', async () => {
    const dir = temp();
    const item = (name: string, image: string) =>
      `- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: ${name}\n  spec:\n    containers:\n    - name: c\n      image: ${image}\n`;
    const text = `apiVersion: v1\nitems:\n${item('a', 'x:1')}${item('b', '[unclosed')}${item('c', 'x:1')}kind: List\n`;
    writeFileSync(join(dir, 'list.yaml'), text);
    const fix = await runCli(['scan', 'list.yaml', '--fix', '--format', 'json'], { cwd: dir });
    expect(fix.code).toBe(2);
    const after = readFileSync(join(dir, 'list.yaml'), 'utf8');
    // The report is the re-scan of the fixed file: the broken item, at its line there.
    const line = after.split('\n').findIndex((text) => text.includes('[unclosed')) + 1;
    expect(json(fix.stdout).inputErrors).toEqual([
      expect.objectContaining({
        file: 'list.yaml',
        line,
        message: expect.stringMatching(/^items\[1\]: invalid YAML/),
      }),
    ]);
    expect(fix.stderr).toMatch(/list\.yaml: applied \d+ fixes/);
    // The broken item is byte for byte as written; the two others are fixed.
    expect(after).toContain(item('b', '[unclosed'));
    expect(after.match(/runAsNonRoot: true/g)).toHaveLength(2);
  });

  it('runs no Dockerfile rule under the pure PSA profiles', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\n');
    for (const profile of ['baseline', 'restricted']) {
      const run = await runCli(['scan', 'Dockerfile', '--profile', profile, '--format', 'json'], {
        cwd: dir,
      });
      expect(run.code, profile).toBe(0);
      expect(JSON.parse(run.stdout).findings, profile).toEqual([]);
    }
    const hardened = await runCli(['scan', 'Dockerfile'], { cwd: dir });
    expect(hardened.code).toBe(1);
  });

  it('applies a dockerfileUser suppression from the config file, and does not call it unused', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\n');
    writeFileSync(
      join(dir, 'podguard.config.yaml'),
      'suppressions:\n  - rule: dockerfileUser\n    reason: base image runs its own user switch\n',
    );
    const run = await runCli(['scan', 'Dockerfile', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    const findings = JSON.parse(run.stdout).findings;
    expect(findings.map((f: { rule: string; status: string }) => [f.rule, f.status])).toEqual([
      ['dockerfileUser', 'suppressed'],
    ]);
  });

  it('says a base image from an ARG without a value is unknown, never root', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'Dockerfile'), 'ARG BASE_IMAGE\nFROM $BASE_IMAGE\n');
    const run = await runCli(['scan', 'Dockerfile', '--format', 'json'], { cwd: dir });
    const [finding] = JSON.parse(run.stdout).findings;
    expect(finding).toMatchObject({ rule: 'dockerfileUser', messageId: 'unknownBase', severity: 'warning' });
    expect(finding.message).toContain('BASE_IMAGE');
    expect(finding.message).not.toContain('runs as root');
    expect(run.code).toBe(0);
  });

  it('says that Dockerfiles are not rewritten', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22\nUSER node\n');
    const run = await runCli(['scan', 'Dockerfile', '--fix'], { cwd: dir });
    expect(run.stderr).toContain('podguard: Dockerfile:2: not fixed: Dockerfiles are not rewritten by --fix');
    expect(run.code).toBe(1);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe('FROM node:22\nUSER node\n');
  });

  it('picks up pom.xml, build.gradle and build.gradle.kts in directories, with parent POMs', async () => {
    const dir = temp();
    for (const sub of ['orders', 'billing', 'gateway', 'docs']) mkdirSync(join(dir, sub));
    // A multi-module build: the parent configures Jib with a user; one module sets root.
    writeFileSync(
      join(dir, 'pom.xml'),
      `<project><artifactId>shop</artifactId><packaging>pom</packaging>
  <build><pluginManagement><plugins><plugin>
    <artifactId>jib-maven-plugin</artifactId>
    <configuration><container><user>10001:0</user></container></configuration>
  </plugin></plugins></pluginManagement></build>
</project>
`,
    );
    const module = (user: string) => `<project>
  <parent><artifactId>shop</artifactId></parent>
  <artifactId>orders</artifactId>
  <build><plugins><plugin>
    <artifactId>jib-maven-plugin</artifactId>${user}
  </plugin></plugins></build>
</project>
`;
    writeFileSync(join(dir, 'orders', 'pom.xml'), module(''));
    writeFileSync(
      join(dir, 'billing', 'pom.xml'),
      module('\n    <configuration><container><user>root</user></container></configuration>'),
    );
    writeFileSync(
      join(dir, 'gateway', 'build.gradle.kts'),
      'plugins {\n    id("com.google.cloud.tools.jib")\n}\n',
    );
    writeFileSync(join(dir, 'docs', 'build.gradle'), "plugins { id 'java' }\n");
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const report = json(run.stdout);
    expect(
      report.findings.map(
        (f) => `${f.source?.file}:${f.source?.line}:${f.source?.column} ${f.rule} ${f.messageId}`,
      ),
    ).toEqual(['billing/pom.xml:6:37 jibUser rootUser', 'gateway/build.gradle.kts:2:8 jibUser noUser']);
    const compact = await runCli(['scan', '.', '--format', 'compact'], { cwd: dir });
    expect(compact.stdout).toContain(
      'gateway/build.gradle.kts:2:8: error jibUser Jib sets no container user',
    );
    const junit = await runCli(['scan', '.', '--format', 'junit'], { cwd: dir });
    expect(junit.stdout).toContain('name="Jib/billing/pom.xml jibUser"');
    const sarif = await runCli(['scan', '.', '--format', 'sarif'], { cwd: dir });
    const result = JSON.parse(sarif.stdout).runs[0].results.find(
      (r: { ruleId: string }) => r.ruleId === 'jibUser',
    );
    expect(result.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'billing/pom.xml' },
      region: { startLine: 6, startColumn: 37 },
    });
    const text = await runCli(['scan', '.'], { cwd: dir });
    expect(text.stdout).toContain('Jib gateway/build.gradle.kts');
  });

  it('gives Jib builds the -D values and -P profiles of the configuration file', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'pom.xml'),
      `<project><build><plugins><plugin>
  <artifactId>jib-maven-plugin</artifactId>
  <configuration><container><user>\${app.uid}</user></container></configuration>
</plugin></plugins></build>
<profiles><profile><id>debug</id><properties><app.uid>0</app.uid></properties></profile></profiles>
</project>
`,
    );
    const unknown = await runCli(['scan', 'pom.xml', '--format', 'json'], { cwd: dir });
    expect(json(unknown.stdout).findings.map((f) => [f.messageId, f.severity])).toEqual([
      ['unknownUser', 'warning'],
    ]);
    expect(unknown.code).toBe(0);
    writeFileSync(join(dir, 'podguard.config.yaml'), 'jibProperties: { app.uid: "10001" }\n');
    const given = await runCli(['scan', 'pom.xml', '--format', 'json'], { cwd: dir });
    expect(json(given.stdout).findings).toEqual([]);
    writeFileSync(join(dir, 'podguard.config.yaml'), 'mavenProfiles: [debug]\n');
    const profile = await runCli(['scan', 'pom.xml', '--format', 'json'], { cwd: dir });
    expect(json(profile.stdout).findings.map((f) => f.messageId)).toEqual(['rootUser']);
    writeFileSync(join(dir, 'podguard.config.yaml'), 'mavenProfiles: debug\n');
    const wrong = await runCli(['scan', 'pom.xml'], { cwd: dir });
    expect(wrong.stderr).toContain('mavenProfiles');
    expect(wrong.code).toBe(2);
  });

  it('says that build files are not rewritten, and runs the OpenShift image check in the openshift profile', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'build.gradle'),
      "plugins { id 'com.google.cloud.tools.jib' }\njib.container.user = 'app'\n",
    );
    const fix = await runCli(['scan', 'build.gradle', '--fix'], { cwd: dir });
    expect(fix.stderr).toContain(
      'podguard: build.gradle:2: not fixed: Maven and Gradle build files are not rewritten by --fix',
    );
    writeFileSync(join(dir, 'Dockerfile'), 'FROM ubi9/ubi-minimal\nUSER 1001\nCOPY app /opt/app\n');
    const hardened = await runCli(['scan', 'Dockerfile', '--format', 'json'], { cwd: dir });
    expect(json(hardened.stdout).findings).toEqual([]);
    const openshift = await runCli(['scan', 'Dockerfile', '--profile', 'openshift', '--format', 'compact'], {
      cwd: dir,
    });
    expect(openshift.stdout).toContain(
      'Dockerfile:3:1: warning dockerfileGroupZero COPY to /opt/app after USER 1001',
    );
    expect(openshift.code).toBe(0);
  });

  it('never rewrites standard input', async () => {
    const run = await runCli(['scan', '-', '--fix'], { cwd: temp(), stdin: source });
    expect(run.stderr).toContain('generated input (standard input) is never rewritten');
    expect(run.code).toBe(1);
  });
});

describe('podguard rules and explain', () => {
  it('lists every rule as JSON with level, severity, description and controls', async () => {
    const run = await runCli(['rules', '--format', 'json'], { cwd: root });
    const rules = JSON.parse(run.stdout) as { id: string; controls: string[] }[];
    expect(rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['runAsNonRoot', 'kubeletRunAsNonRoot', 'dockerfileUser', 'privileged']),
    );
    expect(rules.find((r) => r.id === 'runAsRoot')?.controls).toContain('CIS 5.2.7');
  });

  it('lists rules as text', async () => {
    const run = await runCli(['rules'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^kubeletRunAsNonRoot\s+hardened\s+error\s+/m);
  });

  it('explains a rule with its docs page', async () => {
    const run = await runCli(['explain', 'runAsNonRoot'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('RUNASNONROOT');
    const unknown = await runCli(['explain', 'nope'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule "nope"');
  });
});

describe('formats and --output', () => {
  it('writes SARIF 2.1.0 with physical locations to --output', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x\n',
    );
    const run = await runCli(['scan', 'pod.yaml', '--format', 'sarif', '--output', 'out.sarif'], {
      cwd: dir,
    });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as {
      version: string;
      runs: {
        tool: { driver: { name: string } };
        results: {
          ruleId: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.name).toBe('podguard');
    const result = sarif.runs[0]?.results.find((r) => r.ruleId === 'allowPrivilegeEscalation');
    expect(result?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'pod.yaml', uriBaseId: '%SRCROOT%' },
      region: expect.objectContaining({ startLine: 6 }),
    });
  });

  it('prints SARIF valid against the official 2.1.0 schema, input errors included', async () => {
    const require = createRequire(import.meta.url);
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8'));
    // Draft-04 schema read as draft-07 (same keywords here); its language pattern needs no `u` flag.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile({ $id: id, ...schema });
    const dir = temp();
    writeFileSync(join(dir, 'bad.yaml'), 'kind: [\n');
    const run = await runCli(
      ['scan', 'examples/manifests', join(dir, 'bad.yaml'), '--format', 'sarif', '--pss-version', 'v1.30'],
      { cwd: root },
    );
    expect(run.code).toBe(2);
    const log = JSON.parse(run.stdout) as { runs: { results: unknown[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]?.results.length).toBeGreaterThan(10);
  });

  it('prints JUnit XML with one test case per object and rule', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n',
    );
    const run = await runCli(['scan', 'pod.yaml', '--format', 'junit', '--profile', 'baseline'], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    // The 12 baseline checks at latest, each a test case.
    expect(run.stdout.match(/<testcase /g)?.length).toBe(12);
  });

  it('groups findings by control with --summary controls', async () => {
    const run = await runCli(['scan', 'examples/manifests', '--summary', 'controls'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/CIS 5\.2\.7/);
    expect(run.stdout).toMatch(/ISO 27001:2013 A\.9\.4\.4/);
  });

  it("shows progress on a terminal's stderr for long scans, and clears it", async () => {
    const dir = temp();
    for (let i = 0; i < 25; i++)
      writeFileSync(join(dir, `cm-${i}.yaml`), `kind: ConfigMap\napiVersion: v1\n`);
    const run = await runCli(['scan', '.'], { cwd: dir, stderrTty: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('\rscanning 24/25 files');
    expect(run.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect((await runCli(['scan', '.'], { cwd: dir })).stderr).toBe('');
  });

  it('colours text only on a terminal, and never with NO_COLOR', async () => {
    const file = 'examples/manifests/api-deployment.yaml';
    expect((await runCli(['scan', file], { cwd: root })).stdout).not.toContain('\u001b[');
    expect((await runCli(['scan', file], { cwd: root, tty: true })).stdout).toContain('\u001b[');
    expect(
      (await runCli(['scan', file], { cwd: root, tty: true, env: { NO_COLOR: '1' } })).stdout,
    ).not.toContain('\u001b[');
  });
});
