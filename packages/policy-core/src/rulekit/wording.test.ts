import { describe, expect, it } from 'vitest';
import { compareGoStrings, describeContainers, goQuote, joinQuote, pluralize, sortedSet } from './wording.js';

describe('wording', () => {
  it('joins and quotes like upstream joinQuote (no escaping)', () => {
    expect(joinQuote([])).toBe('');
    expect(joinQuote(['a'])).toBe('"a"');
    expect(joinQuote(['a', 'b"c'])).toBe('"a", "b"c"');
  });

  it('pluralizes on exactly one', () => {
    expect(pluralize('container', 'containers', 1)).toBe('container');
    expect(pluralize('container', 'containers', 0)).toBe('containers');
    expect(describeContainers(['a', 'b'])).toBe('containers "a", "b"');
  });

  it('quotes like Go %q', () => {
    expect(goQuote('unconfined')).toBe('"unconfined"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\x07\b\f\n\r\t\v')).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
    expect(goQuote('\x00\x1b\x7f')).toBe('"\\x00\\x1b\\x7f"');
    expect(goQuote('héllo 世界 🙂')).toBe('"héllo 世界 🙂"');
    expect(goQuote('\u00ad\u2028\u{e0001}')).toBe('"\\u00ad\\u2028\\U000e0001"');
  });

  it('quotes plain ASCII on its fast path exactly as character by character', () => {
    // A non-ASCII first character takes the character-by-character path: the oracle.
    const slowly = (value: string) => `"${goQuote(`é${value}`).slice(2)}`;
    for (let code = 0; code < 128; code++) {
      const char = String.fromCharCode(code);
      expect(goQuote(char), `U+${code.toString(16)}`).toBe(slowly(char));
      expect(goQuote(`web-${char}-1`)).toBe(slowly(`web-${char}-1`));
    }
    expect(goQuote('')).toBe('""');
    expect(goQuote('registry.example/web:1.4.2')).toBe('"registry.example/web:1.4.2"');
  });

  it('sorts like Go sort.Strings (byte order) and removes duplicates like sets.List', () => {
    expect(sortedSet(['b', 'a', 'B', 'b', '10', '9'])).toEqual(['10', '9', 'B', 'a', 'b']);
    // U+FF5E sorts before U+1F600 in UTF-8 byte order but after it in UTF-16 code units.
    expect(sortedSet(['\u{1f600}', '\uff5e'])).toEqual(['\uff5e', '\u{1f600}']);
    expect(compareGoStrings('a', 'ab')).toBeLessThan(0);
    expect(compareGoStrings('ab', 'ab')).toBe(0);
  });
});
