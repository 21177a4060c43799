/** Upstream's `joinQuote`: `"a", "b"`. */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) return '';
  // One name is the usual case of a failing pod: no joined copy of it.
  if (items.length === 1) return `"${items[0]}"`;
  return `"${items.join('", "')}"`;
}

/** Upstream's `pluralize`. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const GO_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Characters Go's `%q` writes as they are, in ASCII: U+0020 to U+007E but `"` and `\`. */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * Go's `%q` (`strconv.Quote`), used by upstream for annotation values: printable characters as
 * they are, `\n`-style escapes, `\xHH` for other ASCII control characters, `\uHHHH` /
 * `\UHHHHHHHH` for other non-printable characters. Lone UTF-16 surrogates (which a Go string
 * cannot hold) print as U+FFFD, which is what Go's JSON decoder makes of them.
 */
export function goQuote(value: string): string {
  // Printable ASCII but the quote and the backslash is written as it is: the usual name or value.
  if (PLAIN_ASCII.test(value)) return `"${value}"`;
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const short = GO_SHORT_ESCAPES[char];
    if (short !== undefined) out += short;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\ufffd';
    else if (GO_PRINTABLE.test(char)) out += char;
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/**
 * Go's string order (`sort.Strings`): byte order of the UTF-8 encoding, which is code point
 * order. JavaScript's default sort compares UTF-16 code units, which differs for characters
 * beyond U+FFFF, so compare code points.
 */
export function compareGoStrings(a: string, b: string): number {
  // Code unit order is code point order up to the first difference unless a surrogate is in it.
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    if ((x & 0xf800) !== 0xd800 && (y & 0xf800) !== 0xd800) return x - y;
    return compareCodePoints(a, b);
  }
  return a.length - b.length;
}

function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx - cy;
  }
}

/** Upstream's `sets.NewString(...).List()` / `sets.List(...)`: unique values in Go string order. */
export function sortedSet(values: Iterable<string>): string[] {
  if (Array.isArray(values) && values.length < 2) return values.slice() as string[];
  return [...new Set(values)].sort(compareGoStrings);
}

/** `container "a"` / `containers "a", "b"`: how upstream names the offending containers. */
export function describeContainers(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}
