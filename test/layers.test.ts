/**
 * The import layering of the packages, read from the sources (tests and fixtures excepted):
 * - in the core, each folder imports only the folders below it (model at the bottom; the report
 *   formatters import only the model), and no rule imports another rule;
 * - adapters import the core through its public entries only;
 * - no package has an import cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every non-test source file under `dir`, as paths relative to `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__fixtures__' && entry.name !== 'node_modules') walk(path);
      } else if (
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !entry.name.endsWith('.d.ts')
      ) {
        out.push(relative(dir, path));
      }
    }
  };
  walk(dir);
  return out.sort();
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm;

/** The specifiers a file imports (static, re-exports and dynamic). */
function specifiers(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1] as string);
}

/** Relative imports of every source file of a package, resolved to paths relative to `src`. */
function graph(src: string): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(src)) {
    const targets = specifiers(join(src, file))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(src, resolve(dirname(join(src, file)), spec)).replace(/\.js$/, '.ts'));
    edges.set(file, targets);
  }
  return edges;
}

/** One import cycle of the graph, as a list of files, or undefined. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const target of edges.get(file) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of edges.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

/** What each folder of the core may import, besides itself. `index.ts` (the entry) and `testing/` may import anything. */
const CORE_LAYERS: Record<string, readonly string[]> = {
  model: [],
  podspec: ['model'],
  image: ['model', 'podspec'],
  dockerfile: ['model', 'podspec', 'image'],
  helmchart: ['model', 'podspec'],
  jib: ['model', 'podspec', 'image', 'dockerfile'],
  rulekit: ['model', 'podspec', 'image'],
  rules: ['model', 'podspec', 'image', 'dockerfile', 'jib', 'rulekit'],
  profiles: ['model', 'podspec', 'image', 'dockerfile', 'jib', 'rulekit', 'rules'],
  engine: ['model', 'podspec', 'image', 'dockerfile', 'jib', 'helmchart', 'rulekit', 'rules', 'profiles'],
  report: ['model'],
  // Beside report: it wraps the rules' declared CEL with the engine's options and plans.
  admission: ['model', 'podspec', 'rulekit', 'rules', 'profiles', 'engine'],
};

describe('import layering', () => {
  const coreSrc = join(root, 'packages/policy-core/src');
  const core = graph(coreSrc);

  it('the core: every folder imports only the folders below it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of core) {
      const folder = file.includes('/') ? (file.split('/')[0] as string) : '';
      if (folder === '' || folder === 'testing') continue;
      const allowed = CORE_LAYERS[folder];
      if (!allowed) {
        wrong.push(`${file}: folder "${folder}" has no layer; add it to CORE_LAYERS`);
        continue;
      }
      for (const target of targets) {
        const to = target.split('/')[0] as string;
        if (to !== folder && !allowed.includes(to)) wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the core: no rule imports another rule (shared pieces live in rulekit/)', () => {
    const wrong: string[] = [];
    for (const [file, targets] of core) {
      if (!file.startsWith('rules/') || file === 'rules/index.ts') continue;
      for (const target of targets) if (target.startsWith('rules/')) wrong.push(`${file} imports ${target}`);
    }
    expect(wrong).toEqual([]);
  });

  for (const name of ['policy-core', 'cli', 'cdk8s', 'pulumi']) {
    it(`${name}: no import cycle`, () => {
      expect(findCycle(graph(join(root, 'packages', name, 'src')))).toBeUndefined();
    });
  }

  for (const name of ['cli', 'cdk8s', 'pulumi']) {
    it(`${name}: imports the core through its public entries only`, () => {
      const src = join(root, 'packages', name, 'src');
      const deep: string[] = [];
      for (const file of sources(src)) {
        for (const spec of specifiers(join(src, file))) {
          if (spec.includes('policy-core/src') || spec.includes('policy-core/dist'))
            deep.push(`${file}: ${spec}`);
          if (spec.startsWith('@podguard/policy-core/') && spec !== '@podguard/policy-core/testing') {
            deep.push(`${file}: ${spec}`);
          }
        }
      }
      expect(deep).toEqual([]);
    });
  }

  it('finds a cycle when there is one (the checker itself)', () => {
    const edges = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycle(edges)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(findCycle(new Map([['a.ts', ['b.ts']]]))).toBeUndefined();
  });
});
