/**
 * A Dockerfile lexer, as BuildKit's parser reads the file: parser directives at the top
 * (`# escape=`), comment lines (also inside continuations), line continuations with the escape
 * character, heredocs (`RUN <<EOF … EOF`), case-insensitive instruction keywords. It yields one
 * instruction per logical line with the 1-based position of its keyword.
 */
import { PodguardInputError } from '../model/errors.js';

/** One physical line of an instruction, for precise positions inside multi-line instructions. */
export interface SourceLine {
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
}

/** One instruction: `keyword` upper-cased, `args` the rest of the logical line. */
export interface DockerfileInstruction {
  readonly keyword: string;
  readonly args: string;
  /** 1-based line and column of the keyword. */
  readonly line: number;
  readonly column: number;
  /** The physical lines it spans (heredoc bodies included). */
  readonly source: readonly SourceLine[];
  /** Heredoc bodies, in order. */
  readonly heredocs: readonly string[];
}

export interface ParsedDockerfile {
  /** The escape character: `\` unless `# escape=` says otherwise. */
  readonly escape: string;
  readonly instructions: readonly DockerfileInstruction[];
}

const DIRECTIVE_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

function fail(line: number, message: string): never {
  throw new PodguardInputError(`Dockerfile line ${line}: ${message}`, `line ${line}`);
}

/**
 * A parser directive line (`# escape=\``) as name and value, or undefined. Read with string
 * operations, not one regular expression: `\s*(.*?)\s*$` backtracks quadratically on a long run of
 * spaces (issue 19).
 */
function parseDirective(line: string): { key: string; value: string } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('#')) return undefined;
  const equals = trimmed.indexOf('=');
  if (equals === -1) return undefined;
  const key = trimmed.slice(1, equals).trim();
  if (!DIRECTIVE_NAME.test(key)) return undefined;
  return { key, value: trimmed.slice(equals + 1).trim() };
}

/** Parses Dockerfile text into instructions. Throws PodguardInputError naming the line for malformed input. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escapeChar = '\\';
  let index = 0;
  // Parser directives: only at the very top, before any other line.
  const seen = new Set<string>();
  for (; index < lines.length; index++) {
    const directive = parseDirective(lines[index] ?? '');
    if (!directive) break;
    const key = directive.key.toLowerCase();
    const value = directive.value;
    if (seen.has(key)) fail(index + 1, `parser directive ${key} appears twice`);
    seen.add(key);
    if (key === 'escape') {
      if (value !== '\\' && value !== '`')
        fail(index + 1, `invalid escape character ${JSON.stringify(value)}: use \\ or \``);
      escapeChar = value;
    }
  }

  const instructions: DockerfileInstruction[] = [];
  while (index < lines.length) {
    const raw = lines[index] ?? '';
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      index++;
      continue;
    }
    const line = index + 1;
    const column = raw.length - raw.trimStart().length + 1;
    const source: SourceLine[] = [{ line, text: raw }];
    let logical = '';
    let current = raw.trimStart();
    // Join continuation lines; comment and empty lines inside a continuation are dropped.
    for (;;) {
      const body = current.trimEnd();
      if (body.endsWith(escapeChar)) {
        logical += body.slice(0, -escapeChar.length);
        index++;
        while (index < lines.length && /^\s*(#.*)?$/.test(lines[index] ?? '')) index++;
        if (index >= lines.length) break;
        current = lines[index] ?? '';
        source.push({ line: index + 1, text: current });
        continue;
      }
      logical += body;
      break;
    }
    index++;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(logical);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = match?.[2] ?? '';
    if (!/^[A-Z]+$/.test(keyword)) fail(line, `unknown instruction ${JSON.stringify(match?.[1] ?? logical)}`);

    const heredocs: string[] = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const heredoc of args.matchAll(HEREDOC)) {
        const stripTabs = heredoc[1] === '-';
        const delimiter = heredoc[3] ?? '';
        const body: string[] = [];
        let closed = false;
        while (index < lines.length) {
          const bodyLine = lines[index] ?? '';
          source.push({ line: index + 1, text: bodyLine });
          index++;
          const candidate = stripTabs ? bodyLine.replace(/^\t+/, '') : bodyLine;
          if (candidate === delimiter) {
            closed = true;
            break;
          }
          body.push(candidate);
        }
        if (!closed) fail(line, `heredoc <<${delimiter} is not terminated`);
        heredocs.push(body.join('\n'));
      }
    }
    instructions.push({ keyword, args, line, column, source, heredocs });
  }
  return { escape: escapeChar, instructions };
}
