/**
 * Docs that run. Every TypeScript or JavaScript block of every README is either
 * - a snippet: the line before its fence is `<!-- snippet: PATH -->`, the block stands verbatim in
 *   that file of the repository, the file is type-checked with the project (`npm run typecheck`
 *   covers `test/**`) and run here with Node, from an empty directory; or
 * - a fragment: the line before its fence is `<!-- fragment -->` (an object's shape, a line that
 *   continues the block above it), which the reader is told is not a whole program.
 * A block with neither fails this test, so no README example can silently stop working.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const CODE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs', 'cjs', 'tsx']);

/**
 * Snippet files that only type-check: they need a runtime this machine does not have. Each says why.
 */
const TYPECHECK_ONLY: Record<string, string> = {
  'test/snippets/pulumi/secure-deployment.ts': 'a Pulumi program: it runs under the Pulumi engine',
  'test/snippets/pulumi/policy-pack.ts': 'a policy pack: `pulumi preview` starts it with the engine address',
};

interface Block {
  readme: string;
  line: number;
  lang: string;
  body: string;
  marker: { kind: 'snippet'; path: string } | { kind: 'fragment' } | undefined;
}

function readmes(): string[] {
  const out = ['README.md', 'CONTRIBUTING.md'];
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, group))) {
      if (existsSync(join(root, group, name, 'README.md'))) out.push(`${group}/${name}/README.md`);
    }
  }
  for (const name of readdirSync(join(root, 'docs'))) if (name.endsWith('.md')) out.push(`docs/${name}`);
  return out;
}

function blocks(readme: string): Block[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)/.exec(lines[i] as string);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```');
    if (end < 0) throw new Error(`${readme}:${i + 1}: unclosed code fence`);
    const previous = (lines[i - 1] ?? '').trim();
    const snippet = /^<!-- snippet: (\S+) -->$/.exec(previous);
    out.push({
      readme,
      line: i + 1,
      lang: open[2] ?? '',
      body: lines.slice(i + 1, end).join('\n'),
      marker: snippet
        ? { kind: 'snippet', path: snippet[1] as string }
        : previous === '<!-- fragment -->'
          ? { kind: 'fragment' }
          : undefined,
    });
    i = end;
  }
  return out;
}

const code = readmes()
  .flatMap(blocks)
  .filter((block) => CODE.has(block.lang));
const snippetFiles = [
  ...new Set(code.flatMap((block) => (block.marker?.kind === 'snippet' ? [block.marker.path] : []))),
];

const scratch = mkdtempSync(join(tmpdir(), 'podguard-snippets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README code blocks', () => {
  it('finds the code blocks (the scanner itself)', () => {
    expect(code.length).toBeGreaterThan(10);
    expect(snippetFiles.length).toBeGreaterThan(3);
  });

  it('every TypeScript/JavaScript block is a snippet that runs or a marked fragment', () => {
    const unmarked = code
      .filter((block) => block.marker === undefined)
      .map((block) => `${block.readme}:${block.line} (\`\`\`${block.lang})`);
    expect(unmarked).toEqual([]);
  });

  it('every snippet stands verbatim in its file', () => {
    const wrong: string[] = [];
    for (const block of code) {
      if (block.marker?.kind !== 'snippet') continue;
      const file = join(root, block.marker.path);
      if (!existsSync(file)) wrong.push(`${block.readme}:${block.line}: ${block.marker.path} does not exist`);
      else if (!readFileSync(file, 'utf8').includes(block.body)) {
        wrong.push(`${block.readme}:${block.line}: the block is not verbatim in ${block.marker.path}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every snippet file is type-checked with the project or is plain JavaScript', () => {
    const tsconfig = readFileSync(join(root, 'tsconfig.json'), 'utf8');
    expect(tsconfig).toContain('"test/**/*.ts"');
    for (const file of snippetFiles) expect(file, file).toMatch(/^test\/snippets\/.+\.(ts|mjs|cjs)$|\.mjs$/);
  });

  it('snippet test files sit where the e2e project runs them', () => {
    for (const file of snippetFiles.filter((f) => f.endsWith('.test.ts'))) expect(file).toMatch(/^test\//);
  });

  for (const file of snippetFiles) {
    // A `.test.ts` snippet is a vitest file: `npm test` runs it as a test of its own.
    if (TYPECHECK_ONLY[file] || file.endsWith('.test.ts')) continue;
    it(`runs ${file} with Node from an empty directory`, () => {
      const cwd = mkdtempSync(join(scratch, 'run-'));
      const run = spawnSync(process.execPath, [join(root, file)], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, NODE_NO_WARNINGS: '1', FORCE_COLOR: '0' },
        timeout: 60_000,
      });
      expect(run.stderr, file).toBe('');
      expect(run.status, `${file}\n${run.stdout}`).toBe(0);
    }, 90_000);
  }

  it('typecheck-only snippets are referenced and say why', () => {
    for (const file of Object.keys(TYPECHECK_ONLY)) expect(snippetFiles, file).toContain(file);
  });
});

describe('docs that stay true', () => {
  it('no example date expires: every `expires` in the docs and examples is far in the future', () => {
    const files = [...readmes(), 'podguard.config.yaml', 'examples/pulumi-app/policy-config.json'];
    const stale: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/expires["']?\s*:\s*["']?(\d{4}-\d{2}-\d{2})/g)) {
        if ((match[1] as string) < '2090-01-01') stale.push(`${file}: expires ${match[1]}`);
      }
    }
    expect(stale).toEqual([]);
  });

  for (const name of ['policy-core', 'cli', 'cdk8s', 'pulumi']) {
    it(`@podguard/${name}: the manifest links the repository and the README links work on the registry page`, () => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as {
        repository?: { url?: string; directory?: string };
        homepage?: string;
        bugs?: { url?: string };
      };
      expect(manifest.repository?.url).toMatch(/^git\+https:\/\/github\.com\//);
      expect(manifest.repository?.directory).toBe(`packages/${name}`);
      expect(manifest.homepage).toMatch(/^https:\/\//);
      expect(manifest.bugs?.url).toMatch(/^https:\/\//);
      // The registry shows the README alone: a relative link that leaves the package is dead there.
      const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8');
      expect(readme.match(/\]\(\.\.\/[^)]*\)/g) ?? []).toEqual([]);
    });
  }
});
