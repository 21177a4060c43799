// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Dockerfile text, where ${VAR} is Dockerfile syntax.
import { describe, expect, it } from 'vitest';
import { expandVariables } from './expandVariables.js';

const variables = new Map<string, string | undefined>([
  ['SET', 'v'],
  ['EMPTY', ''],
  ['LATER', undefined],
]);

describe('expandVariables', () => {
  it.each<[string, string, string[]]>([
    ['$SET', 'v', []],
    ['${SET}', 'v', []],
    ['a${SET}b$SET.c', 'avbv.c', []],
    ['${SET:-d}', 'v', []],
    ['${EMPTY:-d}', 'd', []],
    ['${EMPTY-d}', '', []],
    ['${NONE-d}', 'd', []],
    ['${NONE:-$SET}', 'v', []],
    ['${SET:+alt}', 'alt', []],
    ['${EMPTY:+alt}', '', []],
    ['${EMPTY+alt}', 'alt', []],
    ['${NONE+alt}', '', []],
    ['$NONE', '', ['NONE']],
    ['${LATER}', '', ['LATER']],
    ['\\$SET', '$SET', []],
    ["'$SET'", "'$SET'", []],
    ['$', '$', []],
    ['$1', '$1', []],
    ['${SET', '${SET', []],
  ])('%s → %j', (text, value, unresolved) => {
    expect(expandVariables(text, variables)).toEqual({ value, unresolved });
  });

  it('uses the escape character of the Dockerfile', () => {
    expect(expandVariables('`$SET', variables, '`').value).toBe('$SET');
    expect(expandVariables('\\$SET', variables, '`').value).toBe('\\v');
  });
});
