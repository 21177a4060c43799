/**
 * An API report of a package's entries, in the manner of API Extractor's: every export with its
 * kind and its signature as the TypeScript checker prints it (functions' call signatures, classes'
 * constructors and public members, interfaces' members, type aliases' definitions). The tests that
 * call it compare the report with `packages/<name>/api/public-api.txt`, so a change to what users
 * can import, or to a type they see, shows in review as a diff of that file.
 */
import ts from 'typescript';

/** One entry of a package: its subpath (`.`, `./pack`) and its source file. */
export interface ApiEntry {
  subpath: string;
  file: string;
}

const FORMAT =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrowStyleSignature;

const printer = ts.createPrinter({ removeComments: true });

/** Keeps one line of a report readable: long types are cut at a stable length. */
const clip = (text: string) => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
};

function describe(symbol: ts.Symbol, checker: ts.TypeChecker): string[] {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const flags = target.flags;
  const declaration = target.declarations?.[0];
  const lines: string[] = [];
  if (flags & ts.SymbolFlags.Class && declaration) {
    const heritage = ts.isClassDeclaration(declaration)
      ? (declaration.heritageClauses ?? []).map(
          (clause) =>
            ` ${printer.printNode(ts.EmitHint.Unspecified, clause, declaration.getSourceFile()).trim()}`,
        )
      : [];
    lines.push(`  ${symbol.name}: class${heritage.join('')}`);
    const type = checker.getTypeOfSymbolAtLocation(target, declaration);
    for (const signature of type.getConstructSignatures())
      lines.push(`    new ${clip(checker.signatureToString(signature, undefined, FORMAT))}`);
    const instance = checker.getDeclaredTypeOfSymbol(target);
    for (const member of checker.getPropertiesOfType(instance)) {
      // The class's own members: what it inherits is the base class's API, named by `extends`.
      if (member.valueDeclaration?.parent !== declaration) continue;
      const modifiers = ts.getCombinedModifierFlags(
        member.valueDeclaration ?? (declaration as ts.Declaration),
      );
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || member.name.startsWith('#'))
        continue;
      const memberType = checker.getTypeOfSymbolAtLocation(member, declaration);
      lines.push(`    .${member.name}: ${clip(checker.typeToString(memberType, undefined, FORMAT))}`);
    }
    return lines;
  }
  if (flags & ts.SymbolFlags.Function && declaration) {
    const type = checker.getTypeOfSymbolAtLocation(target, declaration);
    for (const signature of type.getCallSignatures())
      lines.push(
        `  ${symbol.name}: function ${clip(checker.signatureToString(signature, undefined, FORMAT))}`,
      );
    return lines;
  }
  if (flags & ts.SymbolFlags.Variable && declaration) {
    const type = checker.getTypeOfSymbolAtLocation(target, declaration);
    return [`  ${symbol.name}: const ${clip(checker.typeToString(type, undefined, FORMAT))}`];
  }
  if (flags & ts.SymbolFlags.Interface) {
    lines.push(`  ${symbol.name}: interface`);
    const type = checker.getDeclaredTypeOfSymbol(target);
    for (const member of checker.getPropertiesOfType(type)) {
      const optional = member.flags & ts.SymbolFlags.Optional ? '?' : '';
      const memberType = checker.getTypeOfSymbolAtLocation(member, declaration as ts.Declaration);
      lines.push(
        `    ${member.name}${optional}: ${clip(checker.typeToString(memberType, undefined, FORMAT))}`,
      );
    }
    return lines;
  }
  if (flags & ts.SymbolFlags.TypeAlias && declaration && ts.isTypeAliasDeclaration(declaration)) {
    const text = printer.printNode(ts.EmitHint.Unspecified, declaration.type, declaration.getSourceFile());
    return [`  ${symbol.name}: type ${clip(text)}`];
  }
  if (flags & ts.SymbolFlags.Enum) return [`  ${symbol.name}: enum`];
  return [`  ${symbol.name}: other`];
}

/** The report of a package's entries, one block per entry. */
export function apiReport(packageName: string, entries: readonly ApiEntry[]): string {
  const program = ts.createProgram(
    entries.map((entry) => entry.file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
  );
  const checker = program.getTypeChecker();
  const lines: string[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry.file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${packageName}${entry.subpath.slice(1)}: no module at ${entry.file}`);
    lines.push(`${packageName}${entry.subpath.slice(1)}`);
    const exports = [...checker.getExportsOfModule(module)].sort((a, b) => a.name.localeCompare(b.name));
    for (const symbol of exports) lines.push(...describe(symbol, checker));
  }
  return `${lines.join('\n')}\n`;
}
