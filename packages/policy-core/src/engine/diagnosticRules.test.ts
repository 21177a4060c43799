/**
 * The engine's diagnostics are declared once (diagnosticRules.ts): the findings the engine
 * reports under each id carry the declared level and severity and one of the declared message ids,
 * so the docs pages, SARIF rules and suppression checks generated from the declarations describe
 * what users get.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { engineDiagnostics, RULE_ERROR_MESSAGE_ID } from './diagnosticRules.js';
import { evaluate } from './evaluate.js';

const pod = (annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', annotations },
  spec: { containers: [{ name: 'web', image: 'web:1' }], ...spec },
});

/** One real finding of each diagnostic, from the input that causes it. */
const causes: Record<string, () => readonly Finding[]> = {
  invalidInput: () => evaluate(pod({}, { hostNetwork: 'yes' })).findings,
  invalidSuppression: () => evaluate(pod({ 'podguard.dev/suppress': 'not json' })).findings,
  unusedSuppression: () =>
    evaluate(
      pod({ 'podguard.dev/suppress': JSON.stringify([{ rule: 'hostNamespaces', reason: 'ticket NET-1' }]) }),
    ).findings,
  deprecatedOption: () => evaluate(pod(), { level: 'baseline', pssVersion: 'v1.30' }).findings,
  unjudgedField: () =>
    evaluate(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'build', namespace: 'ci' },
        spec: {
          entrypoint: 'a',
          templates: [{ name: 'a', container: { image: 'a' } }],
          podSpecPatch: '{{inputs.parameters.patch}}',
        },
      },
      { level: 'baseline' },
    ).findings,
};

describe('engine diagnostics: the findings are as declared', () => {
  it('every declared diagnostic has a cause here, and no other', () => {
    expect(Object.keys(causes)).toEqual(engineDiagnostics.map((diagnostic) => diagnostic.id));
  });

  it.each(engineDiagnostics.map((diagnostic) => [diagnostic.id, diagnostic] as const))(
    '%s findings carry the declared level, severity and a declared message id',
    (id, diagnostic) => {
      const findings = (causes[id] as () => readonly Finding[])().filter((finding) => finding.rule === id);
      expect(findings.length, id).toBeGreaterThan(0);
      for (const finding of findings) {
        expect([finding.level, finding.severity], id).toEqual([diagnostic.level, diagnostic.severity]);
        expect(Object.keys(diagnostic.messages), id).toContain(finding.messageId);
        expect(diagnostic.messages[finding.messageId as string], id).not.toBe('');
      }
      expect(diagnostic.since, id).toMatch(/^\d+\.\d+\.\d+$/);
    },
  );

  it('a rule that throws reports the rule-error message id, no diagnostic’s', () => {
    expect(RULE_ERROR_MESSAGE_ID).toBe('ruleError');
    const ids = engineDiagnostics.flatMap((diagnostic) => Object.keys(diagnostic.messages));
    expect(ids).not.toContain(RULE_ERROR_MESSAGE_ID);
  });
});
