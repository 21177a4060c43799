import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveEvaluation } from './resolveOptions.js';

describe('resolveEvaluation of options made of scalars (resolved once)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the same resolution again, with the current time of each call', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const first = resolveEvaluation({ level: 'restricted', failOn: 'warning' });
    vi.setSystemTime(new Date('2026-06-01T00:00:00Z'));
    const second = resolveEvaluation({ level: 'restricted', failOn: 'warning' });
    expect(first.options.now.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(second.options.now.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect({ ...second, options: { ...second.options, now: first.options.now } }).toEqual(first);
    expect(second.failOn).toBe('warning');
  });

  it('tells apart options that differ in any value, or in a value that looks like more options', () => {
    expect(resolveEvaluation({ level: 'baseline' }).profile.level).toBe('baseline');
    expect(resolveEvaluation({ level: 'restricted' }).profile.level).toBe('restricted');
    expect(resolveEvaluation({ level: 'restricted', version: 'v1.24' }).version).toBe('v1.24');
    expect(() => resolveEvaluation({ level: 'restricted;7:version=s6:v1.24' as 'restricted' })).toThrow(
      /invalid option level/,
    );
  });

  it('sees a change made to the same options object between calls', () => {
    const options: Record<string, unknown> = { level: 'baseline' };
    expect(resolveEvaluation(options).profile.level).toBe('baseline');
    expect(resolveEvaluation(options).profile.level).toBe('baseline');
    options.level = 'restricted';
    expect(resolveEvaluation(options).profile.level).toBe('restricted');
    options.version = 'v1.24';
    expect(resolveEvaluation(options).version).toBe('v1.24');
    delete options.version;
    expect(resolveEvaluation(options).version).toBe('latest');
    options.level = 'strict';
    expect(() => resolveEvaluation(options)).toThrow(/invalid option level/);
  });

  it('rejects invalid options on every call, not only the first', () => {
    for (let call = 0; call < 2; call++)
      expect(() => resolveEvaluation({ level: 'strict' as 'restricted' })).toThrow(/invalid option level/);
  });
});

describe('resolveEvaluation of a new literal of the options last resolved', () => {
  it('gives their resolution; any other key, value, order or prototype is resolved on its own', () => {
    const first = resolveEvaluation({ level: 'baseline', failOn: 'warning' });
    expect(resolveEvaluation({ level: 'baseline', failOn: 'warning' }).profile).toBe(first.profile);
    expect(resolveEvaluation({ level: 'baseline', failOn: 'none' }).failOn).toBe('none');
    expect(resolveEvaluation({ level: 'baseline' }).failOn).toBe('error');
    expect(resolveEvaluation({ level: 'baseline', failOn: 'warning' }).failOn).toBe('warning');
    expect(resolveEvaluation({ failOn: 'warning', level: 'restricted' }).profile.level).toBe('restricted');
    expect(resolveEvaluation({ level: 'baseline', failOn: 'warning', version: 'v1.24' }).version).toBe(
      'v1.24',
    );
    const inherited = Object.assign(Object.create({ version: 'v1.24' }), {
      level: 'baseline',
      failOn: 'warning',
    });
    expect(() => resolveEvaluation(inherited)).toThrow(/options is not JSON data/);
  });
});
