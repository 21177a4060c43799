/**
 * How a rule says itself in CEL, for ValidatingAdmissionPolicy (see admission/). A rule declares
 * an {@link AdmissionCheck} beside its TypeScript check; the generator wraps it in the policy's
 * variables, suppressions and validation actions. Only CEL that the Kubernetes 1.30 admission
 * environment offers is written here: the standard macros, the strings extension (`join`,
 * `replace`), the Kubernetes list library (`min`, `indexOf`) and regex library (`find`,
 * `findAll`, for suppressions). The Kubernetes environment has no `sort()` (cel-go's lists
 * extension is not part of it), so {@link sortedSetVariables} sorts by repeated `min()`.
 */
import type { Severity } from '../model/types.js';
import type { ResolvedOptions } from '../model/views.js';

/**
 * A check in CEL. Inside its expressions `$name` is one of the rule's own `variables` (the
 * generator names it `variables.<ruleId>_<name>`), and the policy's shared variables are:
 * `variables.spec` (the pod spec), `variables.podAnnotations` (the pod (template) annotations),
 * `variables.containers` (init, regular and ephemeral containers, in upstream visit order),
 * `variables.windowsPod` (`spec.os.name` is `windows`), `variables.windowsNodes` (the pod can
 * only run on Windows nodes) and `variables.userNamespace` (`hostUsers: false`).
 */
export interface AdmissionCheck {
  /** The rule's own variables, in evaluation order (a variable may use the ones before it). */
  readonly variables?: Readonly<Record<string, string>>;
  /** True when the pod passes: the same verdict as the rule's latest variant. */
  readonly expression: string;
  /** The failure text, `reason (detail)` as evaluate() words it; several results joined by `; `. */
  readonly messageExpression: string;
  /**
   * The severity of the results this part covers, when it is not the rule's (an advisory part of
   * a rule is a warning): the generator puts it under `Warn` instead of `Deny`.
   */
  readonly severity?: Severity;
}

/**
 * How a rule is enforced at admission: a check built from the resolved options (they are inlined
 * into the CEL), or why it cannot be (it needs data the API server does not have).
 */
export type RuleAdmission =
  | { readonly check: (options: ResolvedOptions) => AdmissionCheck | readonly AdmissionCheck[] }
  | {
      readonly check: (options: ResolvedOptions) => AdmissionCheck | readonly AdmissionCheck[];
      /** What the CEL leaves out (it needs data the API server does not have). */
      readonly partial: string;
    }
  | { readonly inexpressible: string };

/** `has(base.a) && has(base.a.b)`: every step of `path` (dot-separated) is set. */
export function present(base: string, path: string): string {
  const keys = path.split('.');
  return keys.map((_, index) => `has(${base}.${keys.slice(0, index + 1).join('.')})`).join(' && ');
}

/** `base.path` when set, else `fallback` (a field set to null is absent in admission). */
export function valueOr(base: string, path: string, fallback: string): string {
  return `(${present(base, path)} ? ${base}.${path} : ${fallback})`;
}

/** A CEL string literal. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list of string literals. */
export function celStrings(values: Iterable<string>): string {
  return `[${[...values].map(celString).join(', ')}]`;
}

/** Upstream's `joinQuote` of a non-empty list of strings: `"a", "b"`. */
export function joinQuote(list: string): string {
  return `'"' + ${list}.join('", "') + '"'`;
}

/** Upstream's `pluralize` on a count. */
export function pluralize(singular: string, plural: string, count: string): string {
  return `(${count} == 1 ? ${celString(singular)} : ${celString(plural)})`;
}

/** `container "a"` / `containers "a", "b"` for a non-empty list of names. */
export function describeContainers(names: string): string {
  return `${pluralize('container ', 'containers ', `size(${names})`)} + ${joinQuote(names)}`;
}

/**
 * Go's `%q` for the strings rules quote (names, annotation values): backslash and double quote
 * escaped. Control and non-printable characters are not escaped as Go escapes them (CEL in 1.30
 * has no code-point access); docs/admission.md lists this.
 */
export function goQuote(value: string): string {
  return `('"' + ${value}.replace('\\\\', '\\\\\\\\').replace('"', '\\\\"') + '"')`;
}

/** How many distinct values {@link sortedSetVariables} lists before it ends with `...`. */
export const SORTED_SET_LIMIT = 16;

/**
 * Upstream's sorted set (`sets.List`) of the strings in a list of lists (CEL in 1.30 has neither
 * `sort()` nor `flatten()`), as variables: `<name>Lists` holds the lists; `<name>Min<k>` the
 * smallest value of each list above the k-th smallest value overall, one linear pass per step, so
 * the cost is {@link SORTED_SET_LIMIT} passes over the values; `<name>` the unique values in byte
 * order, ending with `...` past {@link SORTED_SET_LIMIT} values.
 */
export function sortedSetVariables(name: string, lists: string): Record<string, string> {
  const variables: Record<string, string> = { [`${name}Lists`]: lists };
  const level = (k: number): string => `$${name}Min${k}`;
  variables[`${name}Min0`] = `$${name}Lists.filter(m, size(m) > 0).map(m, m.min())`;
  for (let k = 1; k <= SORTED_SET_LIMIT; k++) {
    variables[`${name}Min${k}`] =
      `size(${level(k - 1)}) == 0 ? [] : $${name}Lists.map(l, l.filter(v, v > ${level(k - 1)}.min())).filter(m, size(m) > 0).map(m, m.min())`;
  }
  const levels = Array.from({ length: SORTED_SET_LIMIT }, (_, k) => level(k));
  variables[name] =
    `[${levels.join(', ')}].filter(m, size(m) > 0).map(m, m.min()) + (size(${level(SORTED_SET_LIMIT)}) > 0 ? ['...'] : [])`;
  return variables;
}

/** `a and b`: the non-empty strings of a CEL list joined with `separator`. */
export function joinNonEmpty(items: readonly string[], separator: string): string {
  return `[${items.join(', ')}].filter(s, s != '').join(${celString(separator)})`;
}

/**
 * A rule's message template (`{name}` placeholders, as renderMessage reads them) as a CEL string
 * expression: the words stay in the rule's `messages`, the values are CEL expressions.
 */
export function celMessage(template: string, values: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{([A-Za-z]+)\}/g)) {
    const value = values[match[1] as string];
    if (value === undefined) throw new Error(`message template "${template}" has no value for {${match[1]}}`);
    if (match.index > last) parts.push(celString(template.slice(last, match.index)));
    parts.push(`(${value})`);
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(celString(template.slice(last)));
  return parts.length === 0 ? "''" : parts.join(' + ');
}

/** `reason (detail)`, as evaluate() words a finding, from CEL string expressions. */
export function celCheckMessage(reason: string, detail: string): string {
  return `${celString(`${reason} (`)} + ${detail} + ')'`;
}
