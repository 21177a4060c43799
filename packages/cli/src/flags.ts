/**
 * Commands and their flags, declared once: the same declaration feeds the parser and `--help`, so
 * the help can never drift from what is accepted. Parsing errors become one-line usage errors in
 * podguard's own words (never Node's raw `ERR_PARSE_ARGS_*` text).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

/** One flag of a command. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** The flag may be given more than once (the values are collected in order). */
  multiple?: boolean;
  /** One-letter alias, without the dash. */
  short?: string;
  /** Placeholder of the value in the help (`FILE`, `NAME`). */
  value?: string;
  /** The values accepted; any other is a usage error naming the flag. */
  choices?: readonly string[];
  /** The value when the flag is not given (shown in the help). */
  default?: string;
  /** One line for `--help`. */
  description: string;
}

/** A command: its arguments, what it does, and its flags. */
export interface CommandSpec {
  name: string;
  /** The positional arguments, as shown in the usage line (`[PATH... | -]`). */
  args: string;
  /** One line for `podguard --help`. */
  summary: string;
  flags: Readonly<Record<string, FlagSpec>>;
}

/** What parsing a command line gives. */
export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** `--help` on every command. */
export const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Edit distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate nearest to `word` (case-insensitive), if it is near enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best === undefined) return undefined;
  const near = best.distance <= Math.max(2, Math.floor(lower.length / 3));
  const prefix = candidates.find((candidate) => candidate.toLowerCase().startsWith(lower));
  return near ? best.candidate : lower.length >= 3 ? prefix : undefined;
}

const flagName = (raw: string) => raw.replace(/^-+/, '').split('=')[0] as string;

/**
 * Parses `args` against a command's flags. Every problem is a {@link UsageError} of one line that
 * names the flag: unknown flags (with the nearest known one), missing or unexpected values, and
 * values outside the flag's choices.
 */
export function parseFlags(command: CommandSpec, args: readonly string[]): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(command.flags)) {
    options[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  const where = `podguard ${command.name}`;
  const known = Object.keys(command.flags).map((name) => `--${name}`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const message = (error as Error).message;
    const raw = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    const flag = raw === undefined ? undefined : raw.startsWith('--') ? `--${flagName(raw)}` : raw;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag !== undefined) {
      const suggestion = nearest(flag, known);
      throw new UsageError(
        `unknown flag ${flag} for ${command.name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ` +
          `${where} --help lists the flags`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag !== undefined) {
      const spec = command.flags[flagName(flag)];
      if (spec?.type === 'boolean') throw new UsageError(`${flag} takes no value`);
      throw new UsageError(`${flag} needs a value${spec?.value ? ` (${spec.value})` : ''}`);
    }
    throw new UsageError(`${where}: ${message.split('\n')[0]}`);
  }
  const values: ParsedFlags['values'] = { ...(parsed.values as ParsedFlags['values']) };
  // parseArgs takes `--output --format` as "--output has the value --format": a flag needs a value
  // that is not itself a flag.
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || token.inlineValue) continue;
    const spec = command.flags[token.name];
    if (spec?.type === 'string' && token.value?.startsWith('--') && token.value.length > 2) {
      throw new UsageError(`${token.rawName} needs a value${spec.value ? ` (${spec.value})` : ''}`);
    }
  }
  for (const [name, spec] of Object.entries(command.flags)) {
    const value = values[name];
    if (value === undefined) {
      if (spec.multiple) values[name] = [];
      else if (spec.default !== undefined) values[name] = spec.default;
      else if (spec.type === 'boolean') values[name] = false;
      continue;
    }
    if (!spec.choices) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (typeof one === 'string' && !spec.choices.includes(one)) {
        throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}, got "${one}"`);
      }
    }
  }
  return { values, positionals: [...parsed.positionals] };
}

/** `  --format FORMAT     text (default), json, ...`: the flag column of the help. */
function flagLabel(name: string, spec: FlagSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '';
  const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
  return `${short}--${name}${value}`;
}

function flagDescription(spec: FlagSpec): string {
  const parts = [spec.description];
  if (spec.choices) parts.push(`(${spec.choices.join('|')})`);
  if (spec.default !== undefined) parts.push(`[default: ${spec.default}]`);
  if (spec.multiple) parts.push('(repeatable)');
  return parts.join(' ');
}

/** The flag table of a command: one line per flag, aligned. */
export function flagTable(command: CommandSpec, indent = '  '): string[] {
  const rows = Object.entries(command.flags).map(([name, spec]) => [
    flagLabel(name, spec),
    flagDescription(spec),
  ]);
  const width = Math.max(...rows.map(([label]) => (label as string).length));
  const column = indent.length + width + 2;
  return rows.flatMap(([label, description]) => {
    // Descriptions wrap at word boundaries under themselves, so help fits 100 columns.
    const lines: string[] = [];
    let line = '';
    for (const word of (description as string).split(' ')) {
      if (line !== '' && column + line.length + 1 + word.length > HELP_WIDTH) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
    return lines.map((text, i) =>
      i === 0 ? `${indent}${(label as string).padEnd(width)}  ${text}` : `${' '.repeat(column)}${text}`,
    );
  });
}

/** The width help text fits in. */
const HELP_WIDTH = 100;

/** `podguard <command> --help`. */
export function commandHelp(command: CommandSpec): string {
  return [
    `Usage: podguard ${command.name} ${command.args}`.trimEnd(),
    '',
    command.summary,
    '',
    'Flags:',
    ...flagTable(command),
    '',
  ].join('\n');
}
