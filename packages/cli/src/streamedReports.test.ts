/**
 * `--format sarif`, `junit` and `text` are written as the scan runs (findings and checked objects
 * handed over per document, JUnit's test cases kept in temporary files, the text report's summary
 * kept as counts): the bytes must be those of the whole-report formatters over the same scan kept
 * in memory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { builtinRuleDescriptors, formatJunit, formatSarif, formatText } from '@podguard/policy-core';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from './scan.js';
import { runCli } from './testing.js';
import { cliVersion } from './version.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'podguard-streamed-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (name: string, container: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  containers:\n  - name: app\n    image: x\n${container}`;

// A file of objects with a suppression and a document no rule can read, a List (read item by
// item; two of its items have one kind, namespace and name, as in a dump of two clusters), a file whose only finding no object ran, a file that cannot be parsed, a Dockerfile.
writeFileSync(
  join(dir, 'pods.yaml'),
  [
    pod('a', '    securityContext:\n      privileged: true\n'),
    `${pod('b', '')}`.replace(
      'namespace: shop\n',
      'namespace: shop\n  annotations:\n    podguard.dev/suppress: \'[{"rule":"runAsNonRoot","reason":"legacy image"}]\'\n',
    ),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: half\nspec:\n  containers: 3\n',
  ].join('---\n'),
);
writeFileSync(
  join(dir, 'list.json'),
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: ['x', 'y', 'z', 'x'].map((name, i) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: {
        template: {
          spec: { containers: [{ name: 'app', image: 'x', securityContext: { runAsUser: i } }] },
        },
      },
    })),
  }),
);
writeFileSync(join(dir, 'invalid.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: only\nspec: []\n');
writeFileSync(join(dir, 'broken.yaml'), 'kind: Pod\nmetadata: [\n');
writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3.20\nRUN apk add curl\n');

/** The report the scan keeps in memory when nothing is streamed, with a whole-report formatter. */
async function formatted(paths: string[], cwd: string, profile?: string) {
  const result = await scan({
    paths,
    cwd,
    stdin: Readable.from(['']),
    options: profile ? { profile: profile as 'restricted' } : {},
    imageUsers: {},
    imageConfigs: [],
    imageDockerfiles: {},
    rendered: [],
    keepDocuments: false,
    kustomize: [],
    version: cliVersion(),
  });
  return {
    sarif: formatSarif({ ...result.report, config: null }, builtinRuleDescriptors()),
    junit: formatJunit(result.report),
    text: formatText({ ...result.report, config: null }, { color: false }),
    textWithControls: formatText(
      { ...result.report, config: null },
      { color: false, summaryControls: true, verbose: true },
    ),
  };
}

describe('SARIF, JUnit and text written as the scan runs', () => {
  const inputs: { name: string; cwd: string; paths: string[]; profile?: string }[] = [
    { name: 'mixed files', cwd: dir, paths: readdirSync(dir).sort() },
    { name: 'mixed files, restricted', cwd: dir, paths: ['.'], profile: 'restricted' },
    { name: 'examples/manifests', cwd: root, paths: ['examples/manifests', 'examples/openshift'] },
    { name: 'test/real-world, hardened', cwd: root, paths: ['test/real-world'], profile: 'hardened' },
  ];
  for (const input of inputs) {
    it(`are the bytes of formatSarif, formatJunit and formatText: ${input.name}`, async () => {
      const expected = await formatted(input.paths, input.cwd, input.profile);
      const flags = ['--no-config', ...(input.profile ? ['--profile', input.profile] : [])];
      const sarif = await runCli(['scan', ...input.paths, '--format', 'sarif', ...flags], { cwd: input.cwd });
      const junit = await runCli(['scan', ...input.paths, '--format', 'junit', ...flags], { cwd: input.cwd });
      expect(sarif.stdout).toBe(expected.sarif);
      expect(junit.stdout).toBe(expected.junit);
      expect(junit.code).toBe(sarif.code);
      expect(junit.stderr).toBe(sarif.stderr);
      expect(junit.stdout.match(/<testcase /g)?.length).toBeGreaterThan(4);
      const text = await runCli(['scan', ...input.paths, '--format', 'text', ...flags], { cwd: input.cwd });
      expect(text.stdout).toBe(expected.text);
      expect(text.code).toBe(sarif.code);
      const controls = await runCli(
        ['scan', ...input.paths, '--format', 'text', '--summary', 'controls', '--verbose', ...flags],
        { cwd: input.cwd },
      );
      expect(controls.stdout).toBe(expected.textWithControls);
    });
  }

  it('covers what the formats have to place: input errors, findings no object ran, suppressions', async () => {
    const junit = await runCli(['scan', '.', '--format', 'junit', '--no-config'], { cwd: dir });
    expect(junit.code).toBe(2);
    expect(junit.stderr).toMatch(/^podguard: broken\.yaml:/m);
    expect(junit.stdout).toMatch(/<testsuite name="invalid\.yaml" tests="1" failures="0" errors="1"/);
    expect(junit.stdout).toContain('<testcase classname="broken.yaml" name="read broken.yaml:');
    expect(junit.stdout).toContain('<skipped message="suppressed: legacy image"/>');
    expect(junit.stdout).toContain('name="Deployment/shop/z runAsRoot"');
    // Two items named alike are two objects: each its test cases, whether its List came whole or item by item.
    expect(
      junit.stdout.match(/<testcase classname="list\.json" name="Deployment\/shop\/x runAsRoot"/g),
    ).toHaveLength(2);
    expect(junit.stdout).toContain('<testsuite name="Dockerfile"');
  });

  it('writes --output files with the same bytes as standard output, and leaves no temporary file', async () => {
    // The spool goes to os.tmpdir(): a directory of this test's own, to see it left empty.
    const spoolDir = mkdtempSync(join(tmpdir(), 'podguard-spool-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = spoolDir;
    try {
      const out = await runCli(['scan', '.', '--format', 'junit', '--no-config', '--output', 'report.xml'], {
        cwd: dir,
      });
      const stdout = await runCli(['scan', '.', '--format', 'junit', '--no-config'], { cwd: dir });
      expect(out.stdout).toBe('');
      expect(readFileSync(join(dir, 'report.xml'), 'utf8')).toBe(stdout.stdout);
      expect(readdirSync(spoolDir)).toEqual([]);
    } finally {
      rmSync(join(dir, 'report.xml'), { force: true });
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });

  it('a temporary file that cannot be written is one line naming it, exit 2, not an unreadable input', async () => {
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = join(dir, 'no-such-directory');
    try {
      const run = await runCli(['scan', 'pods.yaml', 'list.json', '--format', 'junit', '--no-config'], {
        cwd: dir,
      });
      expect(run.stderr).toBe(
        `podguard: --format junit: cannot write its temporary files in ${join(dir, 'no-such-directory')}: no such file or directory\n`,
      );
      expect(run.code).toBe(2);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});
