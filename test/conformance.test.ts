/**
 * Conformance with upstream Pod Security Admission: every fixture of kubernetes/pod-security-admission
 * (test/testdata, vendored in test/fixtures/psa with its LICENSE and SOURCE.md) at its level and version. A `pass/` fixture must be
 * allowed, a `fail/` fixture denied. No case is skipped.
 */
import { checkPod, evaluate, psaRules } from '@podguard/policy-core';
import { describe, expect, it } from 'vitest';
import { loadPsaCases, loadPsaIndex } from './fixtures/psa/load.mjs';

const index = loadPsaIndex();
const cases = loadPsaCases();

describe('upstream Pod Security Admission fixtures', () => {
  it('reads the whole corpus: INDEX.json and cases.json list the same 4,537 cases', () => {
    expect(index.count).toBe(4537);
    expect(cases).toHaveLength(index.count);
    expect(cases.map((c) => c.file).sort()).toEqual(index.cases.map((c) => c.file).sort());
    expect(cases.filter((c) => c.expect === 'pass')).toHaveLength(1051);
    expect(cases.filter((c) => c.expect === 'fail')).toHaveLength(3486);
  });

  it('agrees with upstream on every case (checkPod and evaluate)', () => {
    const disagreements: string[] = [];
    let agreed = 0;
    for (const c of cases) {
      const upstream = checkPod(c.object, c.level, c.version);
      const result = evaluate(c.object, { level: c.level, version: c.version });
      const expectedAllowed = c.expect === 'pass';
      if (upstream.allowed !== expectedAllowed || result.allowed !== expectedAllowed) {
        disagreements.push(
          `${c.file}: expected ${c.expect}, checkPod ${upstream.allowed ? 'allowed' : `denied (${upstream.message})`}, evaluate ${result.allowed ? 'allowed' : 'denied'}`,
        );
      } else agreed++;
      // evaluate() and checkPod() must tell the same story, check by check.
      expect(result.findings.map((f) => f.message)).toEqual(
        upstream.reasons.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)),
      );
    }
    console.log(`PSA conformance: ${agreed}/${cases.length} fixtures agree with upstream`);
    expect(disagreements).toEqual([]);
    expect(agreed).toBe(4537);
  });

  it('denies every fail fixture through the check it was generated for, or the restricted check that overrides it', () => {
    const fixtureOf = new Map(index.cases.map((c) => [c.file, (c as { fixture?: string }).fixture ?? '']));
    // Upstream OverrideCheckIDs: a restricted check replaces its baseline twin (e.g. restrictedVolumes replaces hostPathVolumes).
    const overrides = new Map(
      psaRules.map((rule) => [
        rule.id.toLowerCase(),
        rule.versions.flatMap((v) => v.overrides ?? []).map((id) => id.toLowerCase()),
      ]),
    );
    const missing: string[] = [];
    for (const c of cases) {
      if (c.expect !== 'fail') continue;
      const fixture = fixtureOf.get(c.file) ?? '';
      const checks = checkPod(c.object, c.level, c.version).reasons.map((r) => r.check.toLowerCase());
      if (!checks.some((check) => check === fixture || overrides.get(check)?.includes(fixture))) {
        missing.push(`${c.file} (${fixture}): denied by ${checks.join(', ')}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
