/**
 * The plan of a profile at a version: upstream's order (baseline checks by id, then restricted
 * checks by id, a restricted variant replacing its baseline twin), then the profile's own rules;
 * built once per profile and version.
 */
import { describe, expect, it } from 'vitest';
import type { Profile } from '../model/options.js';
import { variantFor } from '../rulekit/define.js';
import { psaRules, ruleRegistry } from '../rules/index.js';
import { planFor, psaPlan } from './plan.js';

const LATEST = Number.POSITIVE_INFINITY;
const ids = (plan: readonly { rule: { id: string } }[]) => plan.map((entry) => entry.rule.id);
const sorted = (list: readonly string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('psaPlan', () => {
  it('reads the upstream checks in id order (byte order), as rules/index.ts lists them', () => {
    const listed = psaRules.map((rule) => rule.id);
    expect(listed).toEqual(sorted(listed));
  });

  it('baseline: every baseline check there is at the version, by id', () => {
    const plan = ids(psaPlan('baseline', LATEST));
    const expected = psaRules.filter((rule) => rule.level === 'baseline' && variantFor(rule, LATEST));
    expect(plan).toEqual(sorted(expected.map((rule) => rule.id)));
  });

  it('restricted: baseline checks but those a restricted variant overrides, by id, then restricted ones, by id', () => {
    const plan = ids(psaPlan('restricted', LATEST));
    const restricted = psaRules.filter((rule) => rule.level === 'restricted' && variantFor(rule, LATEST));
    const overridden = new Set(restricted.flatMap((rule) => variantFor(rule, LATEST)?.overrides ?? []));
    expect(overridden.size).toBeGreaterThan(0);
    const baseline = psaRules.filter(
      (rule) => rule.level === 'baseline' && variantFor(rule, LATEST) && !overridden.has(rule.id),
    );
    expect(plan).toEqual([
      ...sorted(baseline.map((rule) => rule.id)),
      ...sorted(restricted.map((rule) => rule.id)),
    ]);
    for (const id of overridden) expect(plan).not.toContain(id);
  });

  it('privileged: nothing; an old version: only the checks there were then', () => {
    expect(psaPlan('privileged', LATEST)).toEqual([]);
    const early = ids(psaPlan('restricted', 0));
    const late = ids(psaPlan('restricted', LATEST));
    expect(early.length).toBeLessThan(late.length);
    for (const id of early) expect(variantFor(ruleRegistry.get(id) as never, 0)).toBeDefined();
  });
});

describe('planFor', () => {
  const profile: Profile = {
    name: 'mine',
    level: 'restricted',
    rules: ['runAsUserRange', 'namespaceEnforceLabel'],
  };

  it('adds the profile rules after the upstream checks, by their kind, and keeps the plan per profile and version', () => {
    const plan = planFor(profile, LATEST);
    expect(ids(plan.podRules)).toEqual([...ids(psaPlan('restricted', LATEST)), 'runAsUserRange']);
    expect(plan.namespaceRules.map((rule) => rule.id)).toEqual(['namespaceEnforceLabel']);
    expect(planFor(profile, LATEST)).toBe(plan);
    expect(planFor(profile, 25)).not.toBe(plan);
    expect(planFor(profile, 25)).toBe(planFor(profile, 25));
  });

  it('refuses a profile that names a rule there is not', () => {
    expect(() => planFor({ name: 'typo', level: 'baseline', rules: ['runAsNonroot'] }, LATEST)).toThrow(
      'profile typo names unknown rule runAsNonroot',
    );
  });
});
