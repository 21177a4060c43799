/**
 * A Gradle build-script scanner for Groovy (`build.gradle`) and Kotlin DSL (`build.gradle.kts`):
 * not a parser of either language, but enough of both to find configuration blocks and the
 * values assigned in them. It tokenizes strings (single, double, triple-quoted; `$name` and
 * `${...}` templates), comments and braces, and records every assignment with the block path it
 * is in: `jib { container { user = '1000' } }`, `jib.container.user = "1000"`, `user '1000'`,
 * `user.set("1000")`, `setUser("1000")` all give the path `jib.container.user`. One pass, no
 * regular expressions on unbounded input.
 */

/** A token of a build script. */
export interface GradleToken {
  readonly kind: 'name' | 'string' | 'punct' | 'newline' | 'other';
  /** The name (dots included: `jib.container.user`), the punctuation, or the string's raw body. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For strings: the quote (`'`, `"`, `'''`, `"""`). */
  readonly quote?: string;
}

/** A `name {` block. */
export interface GradleBlock {
  /** Full path of names, e.g. `['jib', 'container']`. */
  readonly path: readonly string[];
  /** The token naming the block. */
  readonly nameToken: GradleToken;
  /** Offset just after `{`. */
  readonly open: number;
  /** Offset of `}` (the text's length when unclosed). */
  close: number;
}

/** A value assigned to a path. */
export interface GradleAssignment {
  /** Full path, e.g. `['jib', 'container', 'user']`. */
  readonly path: readonly string[];
  readonly nameToken: GradleToken;
  /** The tokens of the value, up to the end of the statement. */
  readonly value: readonly GradleToken[];
}

/** What a scan finds. */
export interface GradleScript {
  readonly tokens: readonly GradleToken[];
  readonly blocks: readonly GradleBlock[];
  readonly assignments: readonly GradleAssignment[];
}

const isNameStart = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
const isNameChar = (code: number): boolean => isNameStart(code) || (code >= 48 && code <= 57);

/** How deep strings nest in templates before the scanner stops following them. */
const MAX_NESTING = 16;

/** The end of a string body that starts at `from` (after the opening quote), templates skipped. */
function endOfString(text: string, from: number, quote: string, nesting = 0): number {
  let index = from;
  const interpolates = quote[0] === '"';
  while (index < text.length) {
    if (text.startsWith(quote, index)) return index;
    const char = text[index];
    if (char === '\\' && quote.length === 1) {
      index += 2;
      continue;
    }
    if (quote.length === 1 && char === '\n') return index;
    if (interpolates && char === '$' && text[index + 1] === '{') {
      // `${ ... }` may hold strings and braces of its own.
      let braces = 0;
      index += 1;
      while (index < text.length) {
        const inner = text[index];
        if (inner === '{') braces++;
        else if (inner === '}') {
          braces--;
          if (braces === 0) break;
        } else if ((inner === '"' || inner === "'") && nesting < MAX_NESTING) {
          index = endOfString(text, index + 1, inner, nesting + 1);
        }
        index++;
      }
    }
    index++;
  }
  return text.length;
}

/** Splits a build script into tokens. */
export function tokenizeGradle(text: string): GradleToken[] {
  const tokens: GradleToken[] = [];
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    const char = text[index] as string;
    if (char === '\n') {
      tokens.push({ kind: 'newline', text: '\n', start: index, end: index + 1 });
      index++;
      continue;
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      index++;
      continue;
    }
    if (char === '/' && text[index + 1] === '/') {
      const end = text.indexOf('\n', index);
      index = end === -1 ? text.length : end;
      continue;
    }
    if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? text.length : end + 2;
      continue;
    }
    if (char === '"' || char === "'") {
      const quote = text.startsWith(char.repeat(3), index) ? char.repeat(3) : char;
      const bodyStart = index + quote.length;
      const bodyEnd = endOfString(text, bodyStart, quote);
      const end = Math.min(text.length, bodyEnd + quote.length);
      tokens.push({ kind: 'string', text: text.slice(bodyStart, bodyEnd), start: index, end, quote });
      index = end;
      continue;
    }
    if (isNameStart(code)) {
      let end = index + 1;
      // A dotted name: `jib.container.user`, `project.findProperty`.
      while (end < text.length) {
        const next = text.charCodeAt(end);
        if (isNameChar(next)) end++;
        else if (next === 46 && end + 1 < text.length && isNameStart(text.charCodeAt(end + 1))) end++;
        else break;
      }
      tokens.push({ kind: 'name', text: text.slice(index, end), start: index, end });
      index = end;
      continue;
    }
    if (code >= 48 && code <= 57) {
      // A number: `user = 1000` in Groovy.
      let end = index + 1;
      while (end < text.length && /[0-9_]/.test(text[end] as string)) end++;
      tokens.push({ kind: 'other', text: text.slice(index, end), start: index, end });
      index = end;
      continue;
    }
    if ('{}()[]=;,'.includes(char)) {
      tokens.push({ kind: 'punct', text: char, start: index, end: index + 1 });
      index++;
      continue;
    }
    if (char === '?' && text[index + 1] === ':') {
      tokens.push({ kind: 'other', text: '?:', start: index, end: index + 2 });
      index += 2;
      continue;
    }
    tokens.push({ kind: 'other', text: char, start: index, end: index + 1 });
    index++;
  }
  return tokens;
}

/** Words whose braces open no configuration block. */
const CONTROL_WORDS = new Set([
  'if',
  'else',
  'for',
  'while',
  'when',
  'try',
  'catch',
  'finally',
  'do',
  'fun',
  'class',
  'object',
  'return',
]);
/** Words that declare a variable. */
const DECLARATION_WORDS = new Set(['val', 'var', 'def', 'String']);

/** Setter spellings of an assignment: `user.set(...)`, `setUser(...)`. */
function assignedName(name: string): string {
  if (name.endsWith('.set')) return name.slice(0, -4);
  const last = name.lastIndexOf('.') + 1;
  const word = name.slice(last);
  if (/^set[A-Z]/.test(word)) return `${name.slice(0, last)}${word[3]?.toLowerCase()}${word.slice(4)}`;
  return name;
}

/** The tokens of a statement's value, from `from` to the end of the statement. */
function valueTokens(tokens: readonly GradleToken[], from: number): { value: GradleToken[]; next: number } {
  const value: GradleToken[] = [];
  let depth = 0;
  let index = from;
  for (; index < tokens.length; index++) {
    const token = tokens[index] as GradleToken;
    if (depth === 0 && (token.kind === 'newline' || token.text === ';' || token.text === '}')) break;
    if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
    if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
    if (depth < 0) break;
    value.push(token);
  }
  return { value, next: index };
}

/** Finds the blocks and assignments of a build script. */
export function scanGradle(text: string): GradleScript {
  const tokens = tokenizeGradle(text);
  const blocks: GradleBlock[] = [];
  const assignments: GradleAssignment[] = [];
  // Open braces: a block, or any other brace (a closure, a map literal) as undefined.
  const open: (GradleBlock | undefined)[] = [];
  const path = (): string[] => {
    const out: string[] = [];
    for (const block of open) if (block) out.splice(0, out.length, ...block.path);
    return out;
  };
  let statementStart = true;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as GradleToken;
    if (token.kind === 'newline' || token.text === ';') {
      statementStart = true;
      continue;
    }
    if (token.text === '{') {
      open.push(undefined);
      statementStart = true;
      continue;
    }
    if (token.text === '}') {
      const block = open.pop();
      if (block) block.close = token.start;
      statementStart = true;
      continue;
    }
    if (!statementStart || token.kind !== 'name') {
      statementStart = false;
      continue;
    }
    statementStart = false;
    if (CONTROL_WORDS.has(token.text)) continue;
    const next = tokens[index + 1];
    // Kotlin `configure<JibExtension> { … }`: the extension's block by its type.
    if (token.text === 'configure' && next?.text === '<') {
      let close = index + 2;
      while (close < tokens.length && (tokens[close] as GradleToken).text !== '>') close++;
      const type = tokens[close - 1]?.text ?? '';
      const brace = tokens[close + 1];
      if (brace?.text === '{' && type.endsWith('JibExtension')) {
        const block: GradleBlock = {
          path: [...path(), 'jib'],
          nameToken: token,
          open: brace.end,
          close: text.length,
        };
        blocks.push(block);
        open.push(block);
        index = close + 1;
        statementStart = true;
        continue;
      }
    }
    // `val name = value`, `def name = value`: a variable, by its bare name.
    if (DECLARATION_WORDS.has(token.text) && next?.kind === 'name' && tokens[index + 2]?.text === '=') {
      const { value, next: end } = valueTokens(tokens, index + 3);
      assignments.push({ path: [next.text], nameToken: next, value });
      index = end - 1;
      continue;
    }
    // `name {` or `name(args) {`: a block.
    let brace = index + 1;
    if (next?.text === '(') {
      let depth = 0;
      for (; brace < tokens.length; brace++) {
        const text = (tokens[brace] as GradleToken).text;
        if (text === '(') depth++;
        else if (text === ')' && --depth === 0) break;
      }
      brace++;
    }
    const afterName = tokens[brace];
    if (afterName?.text === '{') {
      const block: GradleBlock = {
        path: [...path(), ...token.text.split('.')],
        nameToken: token,
        open: afterName.end,
        close: text.length,
      };
      blocks.push(block);
      open.push(block);
      index = brace;
      statementStart = true;
      continue;
    }
    // `name = value`, `name value`, `name(value)`, `name.set(value)`, `setName(value)`.
    const name = assignedName(token.text);
    let from: number | undefined;
    if (next?.text === '=') from = index + 2;
    else if (next?.text === '(') from = index + 1;
    else if (next?.kind === 'string' || next?.kind === 'name') from = index + 1;
    if (from === undefined) continue;
    const { value, next: end } = valueTokens(tokens, from);
    // `name(value)`: the parentheses are the call's, not the value's.
    const inner =
      next?.text === '(' && value[0]?.text === '(' && value[value.length - 1]?.text === ')'
        ? value.slice(1, -1)
        : value;
    assignments.push({ path: [...path(), ...name.split('.')], nameToken: token, value: inner });
    index = end - 1;
  }
  return { tokens, blocks, assignments };
}
