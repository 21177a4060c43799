import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkSettings } from './checkSettings.js';
import { createPodguardPack, podguardPolicies } from './createPodguardPack.js';

const rulePolicy = { name: 'podguard-runAsNonRoot', rule: 'runAsNonRoot', takesSuppressions: true };
const stackPolicy = { name: 'podguard-namespaces', takesSuppressions: false };
const reason = 'legacy image, rebuilt in SHOP-42';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('checkSettings (the pack validates its own config)', () => {
  it('rejects an unknown key, naming it and the key meant', () => {
    expect(() => checkSettings({ uidrange: { min: 10000 } }, rulePolicy)).toThrow(
      'invalid setting uidrange of podguard-runAsNonRoot: unknown setting (did you mean uidRange?)',
    );
  });

  it('rejects an impossible expiry date instead of dropping the suppression', () => {
    expect(() => checkSettings({ suppressions: [{ reason, expires: '2026-02-30' }] }, rulePolicy)).toThrow(
      /suppressions\[0\] of podguard-runAsNonRoot: .*invalid expires "2026-02-30"/,
    );
  });

  it('rejects suppressions on policies that suppress nothing', () => {
    expect(() => checkSettings({ suppressions: [{ rule: 'runAsNonRoot', reason }] }, stackPolicy)).toThrow(
      'podguard-namespaces suppresses nothing',
    );
    expect(() =>
      checkSettings(
        { exemptions: [{ rule: 'runAsNonRoot', reason }] },
        { name: 'podguard-invalidInput', takesSuppressions: false },
      ),
    ).toThrow('podguard-invalidInput suppresses nothing');
  });

  it('names a policy that exists for a misspelled rule id, and moves a suppression of another rule', () => {
    expect(() => checkSettings({ suppressions: [{ rule: 'runAsNonroot', reason }] }, rulePolicy)).toThrow(
      'unknown rule "runAsNonroot" (did you mean "runAsNonRoot", policy podguard-runAsNonRoot?)',
    );
    expect(() => checkSettings({ suppressions: [{ rule: 'privileged', reason }] }, rulePolicy)).toThrow(
      'a suppression of privileged belongs on podguard-privileged; move it there',
    );
  });

  it('maps the deprecated names to the current ones and says so', () => {
    const checked = checkSettings(
      { pssVersion: 'v1.30', exemptions: [{ reason, match: { urn: '*::legacy-*' } }] },
      rulePolicy,
    );
    expect(checked.settings).toEqual({
      version: 'v1.30',
      suppressions: [{ rule: 'runAsNonRoot', reason, match: { urn: '*::legacy-*' } }],
    });
    expect(checked.deprecated).toEqual([
      'option exemptions is deprecated and will be removed in 0.2.0: use suppressions',
      'option pssVersion is deprecated and will be removed in 0.2.0: use version',
    ]);
    expect(() => checkSettings({ pssVersion: 'v1.30', version: 'v1.29' }, rulePolicy)).toThrow(
      'give version or its deprecated name pssVersion, not both',
    );
  });

  it("checks the core's options with the core, and failOn", () => {
    expect(() => checkSettings({ denyUids: [1.5] }, rulePolicy)).toThrow(
      'invalid option denyUids[0]: expected an integer between 0 and 2147483647, got 1.5',
    );
    expect(() => checkSettings({ failOn: 'warnings' }, rulePolicy)).toThrow(
      'invalid settings of podguard-runAsNonRoot: invalid option failOn: expected error, warning or none, got "warnings"',
    );
  });
});

describe('createPodguardPack options', () => {
  it('a misspelled profile is one clear error, not one per policy', () => {
    expect(() => createPodguardPack({ profile: 'hardend' as 'hardened' })).toThrow(
      /^podguard: invalid settings of createPodguardPack: invalid option profile: unknown profile "hardend"/,
    );
  });

  it('refuses an enforcement entry for a policy that does not exist', () => {
    expect(() => podguardPolicies({ enforcement: { runAsNonroot: 'advisory' } })).toThrow(
      'podguard: invalid option enforcement.runAsNonroot: no such rule or policy (did you mean runAsNonRoot?)',
    );
  });

  it('warns once about deprecated option names', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    podguardPolicies({ pssVersion: 'v1.29' });
    expect(String(emit.mock.calls[0]?.[0])).toBe(
      'podguard: createPodguardPack: option pssVersion is deprecated and will be removed in 0.2.0: use version',
    );
  });
});
