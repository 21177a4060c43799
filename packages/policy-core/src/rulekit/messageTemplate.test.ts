import { describe, expect, it } from 'vitest';
import { renderMessage } from './messageTemplate.js';

describe('renderMessage', () => {
  it('fills every placeholder, repeated, adjacent, at either end, with strings and numbers', () => {
    expect(
      renderMessage('{field} is {gid}, outside {range}', { field: 'fsGroup', gid: 99, range: '1000..2' }),
    ).toBe('fsGroup is 99, outside 1000..2');
    expect(renderMessage('{a}{b} {a}', { a: 'x', b: 0 })).toBe('x0 x');
    expect(renderMessage('no placeholder', {})).toBe('no placeholder');
    expect(renderMessage('', {})).toBe('');
    // Values are text, never templates themselves.
    expect(renderMessage('{a}', { a: '{b}' })).toBe('{b}');
    // Only {letters} are placeholders.
    expect(renderMessage('{ a } {1} {a_b}', {})).toBe('{ a } {1} {a_b}');
  });

  it('gives the same text every time for the same template (split once, reused)', () => {
    const template = 'container {container} runs as {user}';
    for (const user of ['root', 'node', '0'])
      expect(renderMessage(template, { container: '"web"', user })).toBe(`container "web" runs as ${user}`);
  });

  it('throws on a placeholder without a value: a rule bug, never a silent gap', () => {
    expect(() => renderMessage('{field} is {gid}', { field: 'runAsGroup' })).toThrow(
      'message template "{field} is {gid}" has no value for {gid}',
    );
  });
});
