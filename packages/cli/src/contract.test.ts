/**
 * The CLI's contract (issue 13): help from the flag declarations, one-line usage errors, checked
 * `--output`, `--fix --dry-run` on unreadable input, colour from the environment, `explain` for
 * the terminal, unrendered templates, compact output, progress by bytes, the config file in use.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { COMMANDS, SCAN, USAGE } from './commands/spec.js';
import { runCli } from './testing.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const directories: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-contract-'));
  directories.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

const ESC = '\u001b[';
const pod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: app:1\n`;
const oneLine = /^podguard: [^\n]+\n$/;

describe('--help', () => {
  it('lists every command and every flag of every command, one line each', async () => {
    const run = await runCli(['--help'], { cwd: root });
    expect(run).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    for (const command of COMMANDS) {
      expect(run.stdout).toContain(`\n  ${command.name}`);
      for (const [name, flag] of Object.entries(command.flags)) {
        const line = run.stdout
          .split('\n')
          .find((l) => l.includes(`--${name}`) && l.includes(flag.description));
        expect(line, `--${name} of ${command.name}`).toBeDefined();
      }
    }
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it.each(COMMANDS.map((command) => [command.name]))('podguard %s --help lists its flags', async (name) => {
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new Error(name);
    const run = await runCli([name, '--help'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout.startsWith(`Usage: podguard ${name}`)).toBe(true);
    for (const [flag, spec] of Object.entries(command.flags))
      expect(run.stdout).toMatch(
        new RegExp(`--${flag}\\b.*${spec.description.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    expect((await runCli(['help', name], { cwd: root })).stdout).toBe(run.stdout);
  });

  it('accepts every flag the help shows (the help cannot drift from the parser)', async () => {
    const help = (await runCli(['scan', '--help'], { cwd: root })).stdout;
    const flags = [...help.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1] as string);
    expect(flags.sort()).toEqual(Object.keys(SCAN.flags).sort());
    for (const flag of flags) {
      const spec = SCAN.flags[flag];
      if (!spec || flag === 'help') continue;
      const value = spec.choices?.[0] ?? (flag === 'image-user' ? 'app=1000' : 'x');
      const args = spec.type === 'string' ? [`--${flag}`, value] : [`--${flag}`];
      const run = await runCli(['scan', ...args, 'no-such-input.yaml'], { cwd: temp() });
      expect(run.stderr, flag).not.toMatch(/unknown flag/);
    }
  });
});

describe('packages/cli/README.md', () => {
  it('shows the real --help and the real usage error', async () => {
    const readme = readFileSync(join(root, 'packages/cli/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Inputs'));
    const [help, error] = [...section.matchAll(/^```\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
    expect(help).toBe((await runCli(['--help'], { cwd: root })).stdout);
    const run = await runCli(['scan', 'k8s/', '--fromat', 'json'], { cwd: root });
    expect(run.code).toBe(2);
    expect(error).toBe(`$ npx podguard scan k8s/ --fromat json\n${run.stderr}`);
  });
});

describe('usage errors: exit 2, one line naming the flag, no stack trace', () => {
  it.each([
    [['scan', '--fromat', 'json', 'x.yaml'], 'unknown flag --fromat for scan (did you mean --format?)'],
    [['scan', 'x.yaml', '--output'], '--output needs a value (FILE)'],
    [['scan', 'x.yaml', '--output', '--format', 'json'], '--output needs a value (FILE)'],
    [['scan', 'x.yaml', '--fix=yes'], '--fix takes no value'],
    [['scan', 'x.yaml', '--fail-on', 'high'], '--fail-on must be one of error, warning, none, got "high"'],
    [['scan', 'x.yaml', '--summary', 'rules'], '--summary must be one of controls, got "rules"'],
    [['scan', 'x.yaml', '--config', 'a.yaml', '--no-config'], '--config and --no-config exclude each other'],
    [['scan', 'x.yaml', '--verbose', '--format', 'json'], '--verbose only goes with --format text'],
    [['scna', 'x.yaml'], 'unknown command "scna" (did you mean scan?)'],
    [['rules', '--format', 'yaml'], '--format must be one of text, json, got "yaml"'],
    [['rules', 'extra'], 'rules takes no arguments'],
    [['rules', '-x'], 'unknown flag -x for rules'],
    [['explain'], 'explain takes exactly one rule id'],
    [['explain', '--verbose', 'runAsNonRoot'], 'unknown flag --verbose for explain'],
  ])('%j', async (args, message) => {
    const run = await runCli(args, { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toMatch(oneLine);
  });
});

describe('--output', () => {
  it('is a usage error when it cannot be written, before anything is scanned', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'out'));
    for (const [output, why] of [
      ['/nonexistent/dir/x.json', 'directory /nonexistent/dir does not exist'],
      ['out', 'is a directory'],
    ] as const) {
      // The input does not exist either: only the --output error shows that nothing was scanned.
      const run = await runCli(['scan', 'missing.yaml', '--format', 'json', '--output', output], {
        cwd: dir,
      });
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `podguard: --output ${output}: cannot write: ${why}\n`,
      });
    }
  });
});

describe('--fix --dry-run', () => {
  it('reports unreadable inputs (a duplicate key, a template) and exits 2 as scan does', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'dup.yaml'), 'apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: p}\n');
    writeFileSync(join(dir, 'chart.yaml'), `${pod('p')}      {{- with .Values.securityContext }}\n`);
    writeFileSync(join(dir, 'ok.yaml'), pod('ok'));
    const run = await runCli(['scan', '.', '--fix', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('podguard: dup.yaml:3:1: invalid YAML: Map keys must be unique');
    expect(run.stderr).toContain('podguard: chart.yaml:9:7: an unrendered Helm/Go template');
    // The readable file is still fixed in the diff.
    expect(run.stdout).toContain('+++ b/ok.yaml');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('colour', () => {
  const file = 'examples/manifests/api-deployment.yaml';
  it.each([
    [{}, false, false],
    [{}, true, true],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ TERM: 'dumb' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
  ] as const)('env %j, terminal %s: colour %s', async (env, tty, colour) => {
    const run = await runCli(['scan', file], { cwd: root, tty, env: { ...env } });
    expect(run.stdout.includes(ESC)).toBe(colour);
    const explain = await runCli(['explain', 'runAsNonRoot'], { cwd: root, tty, env: { ...env } });
    expect(explain.stdout.includes(ESC)).toBe(colour);
  });

  it('never writes colour into --output files', async () => {
    const dir = temp();
    await runCli(['scan', join(root, file), '--output', 'report.txt'], {
      cwd: dir,
      tty: true,
      env: { FORCE_COLOR: '1' },
    });
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).not.toContain(ESC);
  });
});

describe('podguard explain', () => {
  it('renders the Markdown for the terminal: no #, no |---|, no code fences', async () => {
    const run = await runCli(['explain', 'runAsNonRoot'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/^#/m);
    expect(run.stdout).not.toMatch(/\|\s*-{3}/);
    expect(run.stdout).not.toContain('```');
    expect(run.stdout).not.toContain('**');
    expect(run.stdout).toContain('RUNASNONROOT\n════════════');
    // Tables become aligned columns; code blocks are indented.
    expect(run.stdout).toMatch(/^ {2}since {3}what changes$/m);
    expect(run.stdout).toMatch(/^ {2}v1\.35 {3}pods with spec\.hostUsers: false/m);
    expect(run.stdout).toContain(
      '\n    runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)\n',
    );
  });

  it('leaves no heading marks or table rules in any rule page, and keeps tables within reach of 100 columns', async () => {
    const rules = JSON.parse((await runCli(['rules', '--format', 'json'], { cwd: root })).stdout) as {
      id: string;
    }[];
    for (const { id } of rules) {
      const run = await runCli(['explain', id], { cwd: root });
      expect(run.code, id).toBe(0);
      expect(run.stdout, id).not.toMatch(/^#{1,6} /m);
      expect(run.stdout, id).not.toMatch(/^\s*\|.*\|\s*$/m);
      expect(run.stdout, id).not.toMatch(/\|\s*:?-{3}/);
      // Table rows (two-space indent, three-space column gaps) wrap their last column.
      for (const line of run.stdout.split('\n').filter((l) => /^ {2}\S.* {3}\S/.test(l)))
        if (!/^ {2}─/.test(line)) expect(line.length, `${id}: ${line}`).toBeLessThanOrEqual(130);
    }
  });

  it('matches rule ids whatever their case, and suggests the nearest id', async () => {
    const exact = await runCli(['explain', 'runAsNonRoot'], { cwd: root });
    expect(await runCli(['explain', 'RUNASNONROOT'], { cwd: root })).toEqual(exact);
    expect(await runCli(['explain', 'runasnonroot'], { cwd: root })).toEqual(exact);
    const typo = await runCli(['explain', 'runAsNonRot'], { cwd: root });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'podguard: unknown rule "runAsNonRot" (did you mean runAsNonRoot?); podguard rules lists them\n',
    );
    const far = await runCli(['explain', 'zzzzzzzzzzzzzz'], { cwd: root });
    expect(far.stderr).toBe('podguard: unknown rule "zzzzzzzzzzzzzz"; podguard rules lists them\n');
  });
});

describe('unrendered templates', () => {
  it('gets one clear error naming the file and line, whether or not the YAML parses', async () => {
    const dir = temp();
    // Does not parse: a flow collection holding a block one.
    writeFileSync(
      join(dir, 'broken.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    {{- include "shop.labels" . | nindent 4 }}\n',
    );
    // Parses: `{{ .Values.uid }}` reads as a flow mapping.
    writeFileSync(
      join(dir, 'parses.yaml'),
      `${pod('p')}      securityContext:\n        runAsUser: {{ .Values.uid }}\n`,
    );
    const warn = vi.spyOn(process, 'emitWarning');
    const run = await runCli(['scan', '.', '--format', 'json'], { cwd: dir });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(run.code).toBe(2);
    const { inputErrors, findings } = JSON.parse(run.stdout) as {
      inputErrors: unknown[];
      findings: unknown[];
    };
    const message = 'an unrendered Helm/Go template: render it with `helm template` first';
    expect(inputErrors).toEqual([
      { file: 'broken.yaml', line: 5, column: 5, message },
      { file: 'parses.yaml', line: 10, column: 20, message },
    ]);
    expect(findings).toEqual([]);
    expect(run.stderr).toBe(
      `podguard: broken.yaml:5:5: ${message}\npodguard: parses.yaml:10:20: ${message}\n`,
    );
  });

  it('leaves Go templates that are data alone: quoted, block scalars, comments, mid-value', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'rules.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: alerts # {{ not a template }}',
        '  annotations:',
        '    summary: Pod {{ $labels.pod }} is down',
        '    quoted: "{{ .Values.x }}"',
        "    single: '{{ .Values.y }}'",
        'data:',
        '  alertmanager.tmpl: |',
        '    {{ define "slack.title" }}{{ .CommonLabels.alertname }}{{ end }}',
        '',
      ].join('\n'),
    );
    const warn = vi.spyOn(process, 'emitWarning');
    const run = await runCli(['scan', 'rules.yaml'], { cwd: dir });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('keeps the yaml library quiet on keys that are collections', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'odd.yaml'), `${pod('p')}? [a, b]\n: 1\n`);
    const warn = vi.spyOn(process, 'emitWarning');
    const run = await runCli(['scan', 'odd.yaml', '--profile', 'baseline'], { cwd: dir });
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(run.stderr).toBe('');
  });
});

describe('--format compact', () => {
  it('prints one file:line:col: severity rule message line per finding', async () => {
    const run = await runCli(['scan', 'examples/manifests/web/deployment.yaml', '--format', 'compact'], {
      cwd: root,
    });
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines)
      expect(line).toMatch(/^examples\/manifests\/web\/deployment\.yaml:\d+:\d+: (error|warning) \w+ \S/);
    expect(lines).toContain(
      'examples/manifests/web/deployment.yaml:18:5: error automountServiceAccountToken automountServiceAccountToken != false (pod must set automountServiceAccountToken=false)',
    );
  });
});

describe('Helm output in the text report', () => {
  it('names the # Source: template in the object header', async () => {
    const stdin = `---\n# Source: shop/templates/pod.yaml\n${pod('web')}`;
    for (const format of ['text', 'compact']) {
      const run = await runCli(['scan', '-', '--format', format, '--no-config'], { cwd: temp(), stdin });
      expect(run.stdout).toContain('shop/templates/pod.yaml');
    }
    const text = await runCli(['scan', '-', '--no-config'], { cwd: temp(), stdin });
    expect(text.stdout.split('\n')[0]).toBe('Pod web  shop/templates/pod.yaml (-:3)');
  });
});

describe('--verbose', () => {
  it('prints the fix under every finding instead of once per object', async () => {
    const dir = temp();
    const twoContainers = `${pod('p')}    - name: sidecar\n      image: app:1\n`;
    writeFileSync(join(dir, 'pod.yaml'), twoContainers);
    const fix = 'fix: Set securityContext.allowPrivilegeEscalation=false on each container';
    const count = (text: string) => text.split(fix).length - 1;
    const plain = await runCli(['scan', 'pod.yaml', '--profile', 'restricted'], { cwd: dir });
    const verbose = await runCli(['scan', 'pod.yaml', '--profile', 'restricted', '--verbose'], { cwd: dir });
    expect(count(plain.stdout)).toBe(1);
    expect(count(verbose.stdout)).toBe(1);
    // One finding names both containers; runAsNonRoot and others too: verbose repeats per finding.
    const fixes = (text: string) => text.split('\n').filter((line) => line.trim().startsWith('fix:')).length;
    expect(fixes(verbose.stdout)).toBeGreaterThanOrEqual(fixes(plain.stdout));
  });
});

describe('progress', () => {
  it('shows bytes read for a single large input, on a terminal stderr only', async () => {
    const dir = temp();
    const big = Array.from(
      { length: 12 },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  blob: ${'x'.repeat(100_000)}\n`,
    ).join('---\n');
    writeFileSync(join(dir, 'dump.yaml'), big);
    const run = await runCli(['scan', 'dump.yaml'], { cwd: dir, stderrTty: true });
    expect(run.code).toBe(0);
    const percents = [...run.stderr.matchAll(/\rscanning \d+\.\d of 1\.1 MB \((\d+)%\)/g)].map((m) =>
      Number(m[1]),
    );
    // Progress moves while the single file is read.
    expect(percents.some((percent) => percent > 0 && percent < 100)).toBe(true);
    expect(run.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect((await runCli(['scan', 'dump.yaml'], { cwd: dir })).stderr).toBe('');
    expect(
      (await runCli(['scan', 'dump.yaml'], { cwd: dir, stderrTty: true, env: { TERM: 'dumb' } })).stderr,
    ).toBe('');
    // Standard input has no size: the bytes read so far (`kubectl get -A -o yaml | podguard scan -`).
    const piped = await runCli(['scan', '-'], { cwd: dir, stdin: big, stderrTty: true });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toMatch(/\rscanning 1\.1 MB read from standard input/);
    expect(piped.stderr.endsWith('\r\u001b[K')).toBe(true);
  });
});

describe('the configuration file in use', () => {
  it('is named in the summary and the JSON report, and --no-config leaves it out', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(
      join(dir, 'podguard.config.yaml'),
      'rules:\n  automountServiceAccountToken: { severity: warning }\n',
    );
    writeFileSync(join(dir, 'k8s', 'pod.yaml'), pod('p'));
    const here = await runCli(['scan', 'pod.yaml'], { cwd: join(dir, 'k8s') });
    expect(here.stdout.endsWith('config: ../podguard.config.yaml\n')).toBe(true);
    const json = await runCli(['scan', 'pod.yaml', '--format', 'json'], { cwd: join(dir, 'k8s') });
    expect(JSON.parse(json.stdout).config).toBe('../podguard.config.yaml');
    const none = await runCli(['scan', 'pod.yaml', '--no-config', '--format', 'json'], {
      cwd: join(dir, 'k8s'),
    });
    const report = JSON.parse(none.stdout) as {
      config: unknown;
      findings: { rule: string; severity: string }[];
    };
    expect(report.config).toBeNull();
    expect(report.findings.find((f) => f.rule === 'automountServiceAccountToken')?.severity).toBe('error');
    const text = await runCli(['scan', 'pod.yaml', '--no-config'], { cwd: join(dir, 'k8s') });
    expect(text.stdout.endsWith('config: none\n')).toBe(true);
  });
});
