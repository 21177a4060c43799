/**
 * BuildKit's variable expansion for instruction arguments: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:+alternative}`, `${VAR+alternative}`; the escape character before `$`
 * keeps it literal; single quotes keep their content literal. Variables without a value expand
 * to the empty string, as in a build; they are reported so callers can tell "empty" from
 * "unknown until build time".
 */

/** A variable's value, or `undefined` for an `ARG` declared without default (set at build time). */
export type Variables = ReadonlyMap<string, string | undefined>;

export interface Expansion {
  readonly value: string;
  /** Names that were referenced but have no value (unknown until build time, or undeclared). */
  readonly unresolved: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Expands variables in `text` with the values in scope. */
export function expandVariables(text: string, variables: Variables, escapeChar = '\\'): Expansion {
  const unresolved: string[] = [];
  let out = '';
  let i = 0;
  let quote: string | undefined;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === escapeChar && i + 1 < text.length) {
      // An escaped character is literal; the escape itself is dropped only before `$`, like BuildKit.
      const next = text[i + 1] as string;
      out += next === '$' ? '$' : char + next;
      i += 2;
      continue;
    }
    if (char === "'" && quote === undefined) quote = "'";
    else if (char === "'" && quote === "'") quote = undefined;
    if (char !== '$' || quote === "'") {
      out += char;
      i++;
      continue;
    }
    if (text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close === -1) {
        out += text.slice(i);
        break;
      }
      const inner = text.slice(i + 2, close);
      const name = NAME.exec(inner)?.[0] ?? '';
      const rest = inner.slice(name.length);
      const value = variables.get(name);
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      const word = (from: number): string => expandVariables(rest.slice(from), variables, escapeChar).value;
      if (rest.startsWith(':-')) out += nonEmpty ? value : word(2);
      else if (rest.startsWith('-')) out += set ? value : word(1);
      else if (rest.startsWith(':+')) out += nonEmpty ? word(2) : '';
      else if (rest.startsWith('+')) out += set ? word(1) : '';
      else {
        if (!set) unresolved.push(name);
        out += value ?? '';
      }
      i = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (name === undefined) {
      out += char;
      i++;
      continue;
    }
    const value = variables.get(name);
    if (value === undefined) unresolved.push(name);
    out += value ?? '';
    i += 1 + name.length;
  }
  return { value: out, unresolved };
}
