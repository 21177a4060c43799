import { afterEach, describe, expect, it, vi } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import type { EvaluateOptions } from '../model/options.js';
import { profiles } from '../profiles/index.js';
import { resolveEvaluation } from './resolveOptions.js';

/** resolveEvaluation from a new instance of its module, whose caches are empty. */
async function freshResolveEvaluation(): Promise<typeof resolveEvaluation> {
  vi.resetModules();
  return (await import('./resolveOptions.js')).resolveEvaluation;
}

/** What `run` throws (it must throw). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
}

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

  it('tells apart options with the same values under other names', () => {
    expect(resolveEvaluation({ level: 'baseline' }).profile.level).toBe('baseline');
    const other = resolveEvaluation({ namespaceLevel: 'baseline' });
    expect(other.profile.name).toBe('hardened');
    expect(other.options.namespaceLevel).toBe('baseline');
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

  it('resolves no options, and strings, numbers, booleans or undefined, once, across other calls', () => {
    const cases: (EvaluateOptions | undefined)[] = [
      undefined,
      { level: 'restricted', version: 'v1.30' },
      { defaultUser: 1500 },
      { partial: true },
      { level: 'baseline', version: undefined },
    ];
    for (const options of cases) {
      const first = resolveEvaluation(options);
      resolveEvaluation({ failOn: 'none' });
      const again = resolveEvaluation(options === undefined ? undefined : { ...options });
      expect(again.ruleSettings, JSON.stringify(options)).toBe(first.ruleSettings);
      expect(again.options.imageUsers, JSON.stringify(options)).toBe(first.options.imageUsers);
    }
  });

  it('resolves the first options of a program once too', async () => {
    const fresh = await freshResolveEvaluation();
    expect(fresh({}).ruleSettings).toBe(fresh({}).ruleSettings);
  });

  it('keeps the resolutions of 64 option sets, and starts again at the 65th', async () => {
    const fresh = await freshResolveEvaluation();
    const first = fresh({ defaultUser: 1000 });
    for (let user = 1001; user < 1064; user++) fresh({ defaultUser: user });
    expect(fresh({ defaultUser: 1000 }).ruleSettings).toBe(first.ruleSettings);
    fresh({ defaultUser: 1064 });
    const anew = fresh({ defaultUser: 1000 });
    expect(anew.ruleSettings).not.toBe(first.ruleSettings);
    expect(anew.options.defaultUser).toBe(1000);
  });

  it('resolves no options to the defaults after other options', () => {
    expect(resolveEvaluation({ level: 'baseline' }).profile).toBe(profiles.baseline);
    expect(resolveEvaluation(undefined).profile).toBe(profiles.hardened);
  });

  it('rejects options that are not an object, also after empty options were resolved', () => {
    resolveEvaluation(undefined);
    resolveEvaluation({});
    for (const options of [null, 5, 'restricted', [], [['level', 'baseline']]]) {
      const error = thrownBy(() => resolveEvaluation(options as EvaluateOptions));
      expect(error, JSON.stringify(options)).toBeInstanceOf(PodguardInputError);
      expect(error).toMatchObject({ message: 'options must be an object', field: 'options' });
    }
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

  it('tells the last options from a literal where a value became undefined', () => {
    expect(resolveEvaluation({ level: undefined, failOn: 'warning' }).failOn).toBe('warning');
    expect(resolveEvaluation({ level: undefined, failOn: undefined }).failOn).toBe('error');
  });
});
