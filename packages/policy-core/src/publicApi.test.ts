/**
 * The public API of @podguard/policy-core, entry by entry: every export name with its kind. A
 * change to `api/public-api.txt` is a change to what users (main entry), rule authors
 * (`/rulekit`) and test writers (`/testing`) can import: review it as such, then update the file
 * with `npx vitest run packages/policy-core/src/publicApi.test.ts -u`.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const ENTRIES = { '.': 'index.ts', './rulekit': 'rulekit/index.ts', './testing': 'testing/index.ts' };

function kindOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const flags = target.flags;
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Variable) return 'const';
  if (flags & ts.SymbolFlags.Interface) return 'interface';
  if (flags & ts.SymbolFlags.TypeAlias) return 'type';
  if (flags & ts.SymbolFlags.Enum) return 'enum';
  return 'other';
}

it('lists every export of every entry, with its kind', async () => {
  const src = fileURLToPath(new URL('.', import.meta.url));
  const files = Object.values(ENTRIES).map((file) => `${src}${file}`);
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const lines: string[] = [];
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(`${src}${file}`);
    const module = source && checker.getSymbolAtLocation(source);
    expect(module, entry).toBeDefined();
    const exports = checker.getExportsOfModule(module as ts.Symbol);
    lines.push(`@podguard/policy-core${entry.slice(1)}`);
    for (const symbol of [...exports].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`  ${symbol.name}: ${kindOf(symbol, checker)}`);
    }
  }
  await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('../api/public-api.txt');
}, 120_000);
