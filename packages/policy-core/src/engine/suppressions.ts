/**
 * Suppressions, cdk-nag style: each one names a rule and carries a reason; it is reported on the
 * finding it covers (an audit trail), expires on a date, and is an error when malformed. Unused
 * suppressions are reported too.
 */

import type { AppliedSuppression, Finding, ResourceRef, Suppression } from '../model/types.js';
import { isRecord } from '../podspec/extract.js';
import { ruleRegistry } from '../rules/index.js';
import { engineDiagnostics } from './diagnosticRules.js';
import { didYouMean } from './resolveOptions.js';

/** The annotation that carries suppressions on a manifest: a JSON or YAML-flow list. */
export const SUPPRESS_ANNOTATION = 'podguard.dev/suppress';

/** Minimum length of a suppression reason. */
export const MIN_REASON_LENGTH = 10;

/** The engine's diagnostics: registered ids, but about the input itself, so never suppressed. */
const DIAGNOSTIC_IDS: ReadonlySet<string> = new Set(engineDiagnostics.map((diagnostic) => diagnostic.id));

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The keys every suppression may carry; `match` is allowed on top where the caller says so. */
const SUPPRESSION_KEYS: ReadonlySet<string> = new Set(['rule', 'reason', 'expires']);

/** A suppression after validation, with where it came from and whether it was used. */
export interface ActiveSuppression {
  readonly suppression: Suppression;
  readonly source: AppliedSuppression['source'];
  /** Last instant the suppression applies (end of its `expires` day, UTC). */
  readonly expiresAt: number | undefined;
  used: boolean;
}

/** Checks one suppression's shape; returns the problem or undefined. */
export function suppressionProblem(value: unknown, allowMatch: boolean): string | undefined {
  if (!isRecord(value)) return 'a suppression must be an object with rule and reason';
  for (const key of Object.keys(value)) {
    if (!SUPPRESSION_KEYS.has(key) && !(allowMatch && key === 'match')) {
      return `unknown key "${key}" in suppression`;
    }
  }
  if (typeof value.rule !== 'string' || value.rule === '') return 'suppression has no rule';
  if (DIAGNOSTIC_IDS.has(value.rule)) {
    return `${value.rule} is an engine diagnostic about the input and cannot be suppressed`;
  }
  if (!ruleRegistry.has(value.rule)) {
    return `suppression names unknown rule "${value.rule}"${didYouMean(value.rule)}`;
  }
  if (typeof value.reason !== 'string' || value.reason.trim().length < MIN_REASON_LENGTH) {
    return `suppression of ${value.rule} needs a reason of at least ${MIN_REASON_LENGTH} characters`;
  }
  if (value.expires !== undefined && expiryInstant(value.expires) === undefined) {
    return `suppression of ${value.rule} has an invalid expires ${JSON.stringify(value.expires)} (expected YYYY-MM-DD)`;
  }
  if (value.match !== undefined) {
    if (!isRecord(value.match)) return `suppression of ${value.rule} has a match that is not an object`;
    for (const [key, field] of Object.entries(value.match)) {
      if (!['kind', 'namespace', 'name', 'container'].includes(key)) {
        return `unknown key "match.${key}" in suppression of ${value.rule}`;
      }
      if (typeof field !== 'string') return `match.${key} of suppression of ${value.rule} must be a string`;
    }
  }
  return undefined;
}

function expiryInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls a day the month lacks (2026-02-30) into the next month and reads the years 0-99
  // as 1900-1999: such a date comes back as another day.
  return new Date(start).toISOString().startsWith(value) ? start + 86_400_000 - 1 : undefined;
}

/** Validated suppression, ready to match. */
export function activate(suppression: Suppression, source: AppliedSuppression['source']): ActiveSuppression {
  return { suppression, source, expiresAt: expiryInstant(suppression.expires), used: false };
}

/**
 * Whether `text` matches a `*`/`?` glob (`*` any run of characters, `?` one character, nothing
 * else special). Greedy two-pointer matching with backtracking to the last `*` only: O(glob × text)
 * at worst, never exponential, so a pattern such as `*a*a*a*b` stays fast on a 253-character name
 * taken from a manifest. A regular expression built from the glob (`*` → `.*`) backtracks
 * combinatorially on such input.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  // Where the last `*` was, and the text position it is currently taken to end at.
  let star = -1;
  let starText = 0;
  while (t < text.length) {
    const char = glob[g];
    if (char === '*') {
      star = g++;
      starText = t;
    } else if (char === '?' || char === text[t]) {
      // (t < text.length, so text[t] is a character: a glob that has run out, char undefined, never matches it.)
      g++;
      t++;
    } else if (star !== -1) {
      g = star + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/** Whether a suppression from options matches a finding's object and container. */
export function matches(suppression: Suppression, resource: ResourceRef, finding: Finding): boolean {
  if (suppression.rule !== finding.rule) return false;
  const match = suppression.match;
  if (!match) return true;
  if (match.kind !== undefined && match.kind !== resource.kind) return false;
  if (match.namespace !== undefined && !globMatches(match.namespace, resource.namespace ?? '')) return false;
  if (match.name !== undefined && !globMatches(match.name, resource.name ?? '')) return false;
  if (match.container !== undefined) {
    return finding.locations.some((location) => location.container === match.container);
  }
  return true;
}

/**
 * Parses the `podguard.dev/suppress` annotation: a JSON list, or the YAML flow-sequence subset
 * that is also valid JSON-with-barewords, e.g. `[{rule: runAsUserRange, reason: "..."}]`.
 */
export function parseSuppressAnnotation(text: string): { suppressions: unknown[] } | { error: string } {
  const attempt = (source: string): unknown => {
    try {
      return JSON.parse(source);
    } catch {
      // Not JSON: undefined.
    }
  };
  let parsed = attempt(text);
  if (parsed === undefined) parsed = attempt(flowYamlToJson(text));
  if (parsed === undefined) {
    return { error: `annotation ${SUPPRESS_ANNOTATION} is not a JSON or YAML flow list of suppressions` };
  }
  if (isRecord(parsed)) parsed = [parsed];
  if (!Array.isArray(parsed))
    return { error: `annotation ${SUPPRESS_ANNOTATION} must hold a list of suppressions` };
  return { suppressions: parsed };
}

/**
 * Quotes the bare words of a YAML flow collection so JSON.parse can read it. Handles the forms
 * people write by hand in an annotation: `{rule: x, reason: 'some text', expires: 2027-01-01}`.
 */
function flowYamlToJson(text: string): string {
  let out = '';
  let i = 0;
  const structural = new Set(['{', '}', '[', ']', ',', ':']);
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char) || structural.has(char)) {
      out += char;
      i++;
    } else if (char === '"') {
      const end = findStringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (char === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length) {
        if (text[j] === "'" && text[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (text[j] === "'") break;
        else value += text[j++];
      }
      out += JSON.stringify(value);
      i = j + 1;
    } else {
      let j = i;
      // A bare scalar runs to the next structural character; `:` inside it needs a following space to end it.
      while (
        j < text.length &&
        !/[{}[\],]/.test(text[j] as string) &&
        !(text[j] === ':' && /\s/.test(text[j + 1] ?? ' '))
      ) {
        j++;
      }
      const word = text.slice(i, j).trim();
      out += /^(true|false|null|-?\d+(\.\d+)?)$/.test(word) ? word : JSON.stringify(word);
      i = j;
    }
  }
  return out;
}

function findStringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j;
}
