import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import type { EvaluateOptions } from '../model/options.js';
import { profiles } from '../profiles/index.js';
import { didYouMean, MAX_ID, resolveEvaluation, validateOptions } from './resolveOptions.js';

/** The error resolveEvaluation throws for `options`, with its message and field. */
function errorOf(options: unknown): { message: string; field: string | undefined } {
  try {
    resolveEvaluation(options as EvaluateOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(PodguardInputError);
    return { message: (error as Error).message, field: (error as PodguardInputError).field };
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

const customProfile = (extra: Record<string, unknown>) => ({
  name: 'mine',
  level: 'restricted',
  rules: ['runAsUser'],
  ...extra,
});

describe('resolveEvaluation option errors', () => {
  it.each<[string, unknown, string]>([
    // the whole options
    ['options', 5, 'options must be an object'],
    ['foo', { foo: 1 }, 'invalid option foo: unknown option'],
    // level (checkLevel)
    [
      'level',
      { level: 'strict' },
      'invalid option level: expected one of privileged, baseline, restricted, got "strict"',
    ],
    ['level', { level: 3 }, 'invalid option level: expected one of privileged, baseline, restricted, got 3'],
    [
      'namespaceLevel',
      { namespaceLevel: 'open' },
      'invalid option namespaceLevel: expected one of privileged, baseline, restricted, got "open"',
    ],
    // ids (checkId)
    [
      'uidRange.min',
      { uidRange: { min: -1 } },
      'invalid option uidRange.min: expected an integer between 0 and 2147483647, got -1',
    ],
    [
      'uidRange.min',
      { uidRange: { min: 1.5 } },
      'invalid option uidRange.min: expected an integer between 0 and 2147483647, got 1.5',
    ],
    [
      'uidRange.min',
      { uidRange: { min: '5' } },
      'invalid option uidRange.min: expected an integer between 0 and 2147483647, got "5"',
    ],
    [
      'uidRange.max',
      { uidRange: { max: MAX_ID + 1 } },
      'invalid option uidRange.max: expected an integer between 0 and 2147483647, got 2147483648',
    ],
    [
      'gidRange.max',
      { gidRange: { max: -2 } },
      'invalid option gidRange.max: expected an integer between 0 and 2147483647, got -2',
    ],
    [
      'denyUids[1]',
      { denyUids: [1, 'a'] },
      'invalid option denyUids[1]: expected an integer between 0 and 2147483647, got "a"',
    ],
    ['denyUids', { denyUids: 5 }, 'invalid option denyUids: expected an array of UIDs'],
    [
      'defaultUser',
      { defaultUser: -1 },
      'invalid option defaultUser: expected an integer between 0 and 2147483647, got -1',
    ],
    // booleans (checkBoolean)
    [
      'allowRootGroup',
      { allowRootGroup: 'yes' },
      'invalid option allowRootGroup: expected true or false, got "yes"',
    ],
    [
      'requireRunAsUser',
      { requireRunAsUser: 1 },
      'invalid option requireRunAsUser: expected true or false, got 1',
    ],
    ['partial', { partial: 'true' }, 'invalid option partial: expected true or false, got "true"'],
    // ranges (checkRange)
    ['uidRange', { uidRange: 5 }, 'invalid option uidRange: expected { min, max }, got 5'],
    ['gidRange', { gidRange: [1, 2] }, 'invalid option gidRange: expected { min, max }, got [1,2]'],
    ['uidRange.mn', { uidRange: { mn: 1 } }, 'invalid option uidRange.mn: unknown key (expected min, max)'],
    [
      'uidRange',
      { uidRange: { min: 2000, max: 1000 } },
      'invalid option uidRange: min (2000) is greater than max (1000)',
    ],
    ['gidRange', { gidRange: { max: 500 } }, 'invalid option gidRange: min (1000) is greater than max (500)'],
    [
      'uidRange.mx',
      { uidRange: { min: MAX_ID, max: undefined, mx: 1 } },
      'invalid option uidRange.mx: unknown key (expected min, max)',
    ],
    // profile
    [
      'profile',
      { profile: 'nope' },
      'invalid option profile: unknown profile "nope" (expected baseline, restricted, hardened, hardened:v1, openshift, openshift:v1 or a profile object)',
    ],
    [
      'profile',
      { profile: 'toString' },
      'invalid option profile: unknown profile "toString" (expected baseline, restricted, hardened, hardened:v1, openshift, openshift:v1 or a profile object)',
    ],
    ['profile', { profile: 5 }, 'invalid option profile: expected a profile name or object, got 5'],
    ['profile', { profile: null }, 'invalid option profile: expected a profile name or object, got null'],
    [
      'profile',
      { profile: ['restricted'] },
      'invalid option profile: expected a profile name or object, got ["restricted"]',
    ],
    [
      'profile.extra',
      { profile: customProfile({ extra: 1 }) },
      'invalid option profile.extra: unknown key (expected name, level, rules, options)',
    ],
    [
      'profile.name',
      { profile: customProfile({ name: undefined }) },
      'invalid option profile.name: expected a non-empty string',
    ],
    [
      'profile.name',
      { profile: customProfile({ name: '' }) },
      'invalid option profile.name: expected a non-empty string',
    ],
    [
      'profile.name',
      { profile: customProfile({ name: 7 }) },
      'invalid option profile.name: expected a non-empty string',
    ],
    [
      'profile.level',
      { profile: customProfile({ level: 'high' }) },
      'invalid option profile.level: expected one of privileged, baseline, restricted, got "high"',
    ],
    [
      'profile.rules',
      { profile: customProfile({ rules: 'runAsUser' }) },
      'invalid option profile.rules: expected an array of rule ids',
    ],
    [
      'profile.rules[1]',
      { profile: customProfile({ rules: ['runAsUser', 'nope'] }) },
      'invalid option profile.rules[1]: unknown rule "nope"',
    ],
    [
      'profile.rules[0]',
      { profile: customProfile({ rules: [5] }) },
      'invalid option profile.rules[0]: unknown rule 5',
    ],
    [
      'profile.options',
      { profile: customProfile({ options: 5 }) },
      'invalid option profile.options: expected an object',
    ],
    [
      'profile.options.level',
      { profile: customProfile({ options: { level: 'baseline' } }) },
      'invalid option profile.options.level: unknown option',
    ],
    [
      'profile.options.foo',
      { profile: customProfile({ options: { foo: 1 } }) },
      'invalid option profile.options.foo: unknown option',
    ],
    // suppressions
    ['suppressions', { suppressions: 'all' }, 'invalid option suppressions: expected an array'],
    // rules (checkRules)
    ['rules', { rules: 5 }, 'invalid option rules: expected an object keyed by rule id'],
    ['rules', { rules: [] }, 'invalid option rules: expected an object keyed by rule id'],
    [
      'rules.runasuser',
      { rules: { runasuser: {} } },
      'invalid option rules.runasuser: unknown rule id (did you mean runAsUser?)',
    ],
    ['rules.xyz', { rules: { xyz: {} } }, 'invalid option rules.xyz: unknown rule id'],
    [
      'rules.runAsUser',
      { rules: { runAsUser: true } },
      'invalid option rules.runAsUser: expected { enabled?, severity? }',
    ],
    [
      'rules.runAsUser.enabld',
      { rules: { runAsUser: { enabld: true } } },
      'invalid option rules.runAsUser.enabld: unknown key (expected enabled, severity)',
    ],
    [
      'rules.runAsUser.enabled',
      { rules: { runAsUser: { enabled: 'no' } } },
      'invalid option rules.runAsUser.enabled: expected true or false, got "no"',
    ],
    [
      'rules.runAsUser.severity',
      { rules: { runAsUser: { severity: 'info' } } },
      'invalid option rules.runAsUser.severity: expected error or warning, got "info"',
    ],
    // imageUsers
    [
      'imageUsers',
      { imageUsers: 'nginx' },
      'invalid option imageUsers: expected an object mapping image references to USER strings',
    ],
    [
      'imageUsers.nginx',
      { imageUsers: { nginx: 1000 } },
      'invalid option imageUsers.nginx: expected a USER string such as "1000:0", got 1000',
    ],
    // nonRootBases (checkStrings)
    [
      'nonRootBases',
      { nonRootBases: 'distroless' },
      'invalid option nonRootBases: expected an array of strings',
    ],
    [
      'nonRootBases[1]',
      { nonRootBases: ['a', 1] },
      'invalid option nonRootBases[1]: expected a string, got 1',
    ],
    // now
    ['now', { now: 'yesterday' }, 'invalid option now: expected a Date or ISO date string, got "yesterday"'],
    ['now', { now: 5 }, 'invalid option now: expected a Date or ISO date string, got 5'],
    ['now', { now: new Date('x') }, 'invalid option now: expected a Date or ISO date string, got null'],
    // failOn, version, deprecated names
    ['failOn', { failOn: 'never' }, 'invalid option failOn: expected error, warning or none, got "never"'],
    ['version', { version: 125 }, 'invalid option version: expected a string such as "v1.25" or "latest"'],
    [
      'version',
      { version: 'v1.x' },
      'invalid option version: invalid Pod Security version "v1.x": expected "latest" or "v1.<minor>" (e.g. "v1.25")',
    ],
    // Named as written: the deprecated name when that is the one given.
    [
      'pssVersion',
      { pssVersion: 'v2.0' },
      'invalid option pssVersion: invalid Pod Security version "v2.0": expected "latest" or "v1.<minor>" (e.g. "v1.25")',
    ],
    [
      'pssVersion',
      { pssVersion: 125, version: undefined },
      'invalid option pssVersion: expected a string such as "v1.25" or "latest"',
    ],
    [
      'warnings',
      { warnings: 'loud' },
      'invalid option warnings: expected print, ignore, report or fail, got "loud"',
    ],
    [
      'pssVersion',
      { pssVersion: 'v1.24', version: 'v1.25' },
      'invalid option pssVersion: give version or its deprecated name pssVersion, not both',
    ],
    // fix defaults (fixId)
    ['defaultUser', { defaultUser: 0 }, 'invalid option defaultUser: 0 is outside uidRange 1000..2147483647'],
    ['defaultUser', { defaultUser: 5 }, 'invalid option defaultUser: 5 is outside uidRange 1000..2147483647'],
    [
      'defaultUser',
      { defaultUser: 3001, uidRange: { min: 2000, max: 3000 } },
      'invalid option defaultUser: 3001 is outside uidRange 2000..3000',
    ],
    [
      'defaultUser',
      { defaultUser: 65534 },
      'invalid option defaultUser: 65534 is in denyUids; choose a UID the policy allows',
    ],
    [
      'defaultGroup',
      { defaultGroup: 0, gidRange: { min: 0 }, allowRootGroup: false },
      'invalid option defaultGroup: 0 is the root group, and allowRootGroup is false',
    ],
    [
      'defaultGroup',
      { defaultGroup: 0, allowRootGroup: false },
      'invalid option defaultGroup: 0 is outside gidRange 1000..2147483647',
    ],
  ])('names %s: %j', (field, options, message) => {
    expect(errorOf(options)).toEqual({ message, field });
  });
});

describe('resolveEvaluation accepted values', () => {
  it('accepts the bounds of ids and ranges', () => {
    const resolved = resolveEvaluation({
      uidRange: { min: 0, max: MAX_ID },
      gidRange: { min: 1500, max: 1500 },
      denyUids: [0, MAX_ID],
      defaultUser: MAX_ID - 1,
    });
    expect(resolved.options.uidRange).toEqual({ min: 0, max: MAX_ID });
    expect(resolved.options.gidRange).toEqual({ min: 1500, max: 1500 });
    expect(resolved.options.denyUids).toEqual([0, MAX_ID]);
    expect(resolved.options.defaultUser).toBe(MAX_ID - 1);
    expect(resolved.options.defaultGroup).toBe(1500);
  });

  it('takes an explicit default at either end of its range', () => {
    const range = { min: 2000, max: 3000 };
    expect(resolveEvaluation({ uidRange: range, defaultUser: 2000 }).options.defaultUser).toBe(2000);
    expect(resolveEvaluation({ uidRange: range, defaultUser: 3000 }).options.defaultUser).toBe(3000);
    expect(resolveEvaluation({ gidRange: range, defaultGroup: 2000 }).options.defaultGroup).toBe(2000);
  });

  it('takes gid 0 when the root group is allowed, and no default for null', () => {
    expect(resolveEvaluation({ defaultGroup: 0 }).options.defaultGroup).toBe(0);
    expect(resolveEvaluation({ defaultGroup: 0, allowRootGroup: true }).options.defaultGroup).toBe(0);
    expect(
      resolveEvaluation({ defaultUser: null, defaultGroup: null } as EvaluateOptions).options,
    ).toMatchObject({
      defaultUser: undefined,
      defaultGroup: undefined,
    });
  });

  it('moves the implicit default into the range, past denied ids', () => {
    expect(resolveEvaluation({ uidRange: { min: 2000 } }).options.defaultUser).toBe(2000);
    expect(
      resolveEvaluation({ uidRange: { min: 2000, max: 2001 }, denyUids: [2000] }).options.defaultUser,
    ).toBe(2001);
    expect(
      resolveEvaluation({ uidRange: { min: 2000, max: 2000 }, denyUids: [2000] }).options.defaultUser,
    ).toBe(undefined);
    expect(
      resolveEvaluation({ gidRange: { min: 0, max: 5 }, allowRootGroup: false }).options.defaultGroup,
    ).toBe(1);
  });

  it('gives the documented defaults', () => {
    const resolved = resolveEvaluation({ level: 'baseline' });
    expect(resolved.options).toMatchObject({
      allowRootGroup: true,
      requireRunAsUser: true,
      namespaceLevel: 'restricted',
      nonRootBases: [],
      denyUids: [65534, 65535],
      imageUsers: {},
    });
    expect(resolved.partial).toBe(false);
    expect(resolved.failOn).toBe('error');
    expect(resolved.suppressions).toEqual([]);
    expect(resolved.ruleSettings).toEqual({});
  });

  it('reads the given booleans, level and strings', () => {
    const resolved = resolveEvaluation({
      allowRootGroup: false,
      requireRunAsUser: false,
      namespaceLevel: 'baseline',
      partial: true,
      nonRootBases: ['gcr.io/distroless/'],
      imageUsers: { nginx: '101' },
    });
    expect(resolved.options).toMatchObject({
      allowRootGroup: false,
      requireRunAsUser: false,
      namespaceLevel: 'baseline',
      nonRootBases: ['gcr.io/distroless/'],
      imageUsers: { nginx: '101' },
    });
    expect(resolved.partial).toBe(true);
  });

  it('reads rule settings', () => {
    expect(
      resolveEvaluation({ rules: { runAsUser: { enabled: false, severity: 'warning' }, sysctls: {} } })
        .ruleSettings,
    ).toEqual({ runAsUser: { enabled: false, severity: 'warning' }, sysctls: {} });
  });

  it('resolves the privileged level to an empty profile', () => {
    expect(resolveEvaluation({ level: 'privileged' }).profile).toEqual({
      name: 'privileged',
      level: 'privileged',
      rules: [],
    });
  });

  it('takes a custom profile, checked once per object', () => {
    const profile = customProfile({ options: { allowRootGroup: false } });
    const first = resolveEvaluation({ profile } as unknown as EvaluateOptions);
    expect(first.profile).toEqual({
      name: 'mine',
      level: 'restricted',
      rules: ['runAsUser'],
      options: { allowRootGroup: false },
    });
    expect(first.options.allowRootGroup).toBe(false);
    expect(resolveEvaluation({ profile } as unknown as EvaluateOptions).profile).toBe(first.profile);
  });

  it('resolves the other levels to their built-in profiles', () => {
    expect(resolveEvaluation({ level: 'baseline' }).profile).toBe(profiles.baseline);
    expect(resolveEvaluation({ level: 'restricted' }).profile).toBe(profiles.restricted);
  });

  it('lets an option set to undefined keep the profile default', () => {
    const profile = customProfile({ options: { allowRootGroup: false } });
    const resolved = resolveEvaluation({ profile, allowRootGroup: undefined } as unknown as EvaluateOptions);
    expect(resolved.options.allowRootGroup).toBe(false);
  });

  it('takes now as a Date or an ISO string, also in scalar-only options', () => {
    expect(resolveEvaluation({ now: '2020-01-02T03:04:05Z' }).options.now.toISOString()).toBe(
      '2020-01-02T03:04:05.000Z',
    );
    expect(resolveEvaluation({ now: '2021-01-02T03:04:05Z' }).options.now.toISOString()).toBe(
      '2021-01-02T03:04:05.000Z',
    );
    const date = new Date('2022-05-06T00:00:00Z');
    expect(resolveEvaluation({ now: date }).options.now).toBe(date);
  });
});

describe('deprecated option names', () => {
  it('maps every warnings value to failOn', () => {
    expect(resolveEvaluation({ warnings: 'print' } as EvaluateOptions).failOn).toBe('error');
    expect(resolveEvaluation({ warnings: 'ignore' } as EvaluateOptions).failOn).toBe('error');
    expect(resolveEvaluation({ warnings: 'report' } as EvaluateOptions).failOn).toBe('error');
    expect(resolveEvaluation({ warnings: 'fail' } as EvaluateOptions).failOn).toBe('warning');
  });

  it('renames several deprecated names without touching the input', () => {
    const input = { level: 'baseline', pssVersion: 'v1.24', warnings: 'fail' };
    expect(validateOptions(input)).toEqual({
      options: { level: 'baseline', version: 'v1.24', failOn: 'warning' },
      deprecations: [
        'option pssVersion is deprecated and will be removed in 0.2.0: use version',
        'option warnings is deprecated and will be removed in 0.2.0: use failOn',
      ],
    });
    expect(input).toEqual({ level: 'baseline', pssVersion: 'v1.24', warnings: 'fail' });
  });

  it('ignores a deprecated name set to undefined, and allows a current name set to undefined', () => {
    expect(validateOptions({ level: 'baseline', pssVersion: undefined })).toEqual({
      options: { level: 'baseline', pssVersion: undefined },
      deprecations: [],
    });
    const both = validateOptions({ pssVersion: 'v1.24', version: undefined });
    expect(both.options).toEqual({ version: 'v1.24' });
    expect(both.deprecations).toEqual([
      'option pssVersion is deprecated and will be removed in 0.2.0: use version',
    ]);
    expect(validateOptions(undefined)).toEqual({ options: {}, deprecations: [] });
  });
});

describe('didYouMean', () => {
  it.each([
    ['RUNASUSER', ' (did you mean runAsUser?)'],
    ['runAsUsr', ' (did you mean runAsUser?)'],
    ['runAsUserr', ' (did you mean runAsUser?)'],
    ['runAsUsex', ' (did you mean runAsUser?)'],
    ['rnAsUsr', ' (did you mean runAsUser?)'],
    ['jibUsr', ' (did you mean jibUser?)'],
    ['procMont', ' (did you mean procMount?)'],
    ['sysctl', ' (did you mean sysctls?)'],
    ['ssctl', ' (did you mean sysctls?)'],
    ['sysctlsxy', ' (did you mean sysctls?)'],
    ['xsysctlsx', ' (did you mean sysctls?)'],
    ['sysctlsxyz', ''],
    ['rAsUsr', ''],
    ['xyz', ''],
    ['', ''],
  ])('%j -> %j', (id, expected) => {
    expect(didYouMean(id)).toBe(expected);
  });
});
