import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { HELM_CHART_CONTROLS } from '../helmchart/analyzeHelmChart.js';
import { ruleDocsUri } from '../model/ruleDescriptor.js';
import { ruleRegistry } from '../rules/index.js';
import { engineDiagnostics } from './diagnosticRules.js';
import { builtinRuleDescriptors } from './ruleDescriptors.js';

describe('builtinRuleDescriptors', () => {
  test('lists the registry in order, then the ids of findings outside it, each once', () => {
    const ids = builtinRuleDescriptors().map((rule) => rule.id);
    expect(ids).toEqual([
      ...ruleRegistry.keys(),
      'helmChartSecurityContext',
      'invalidInput',
      'invalidSuppression',
      'unusedSuppression',
      'deprecatedOption',
      'unjudgedField',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every descriptor has a description and a docs page in the repository', () => {
    for (const rule of builtinRuleDescriptors()) {
      expect(rule.description, rule.id).toMatch(/\.$/);
      const page = fileURLToPath(new URL(`../../../../docs/rules/${rule.id}.md`, import.meta.url));
      expect(existsSync(page), page).toBe(true);
      expect(ruleDocsUri(rule.id)).toBe(
        `https://github.com/podguard/podguard/blob/main/docs/rules/${rule.id}.md`,
      );
    }
  });

  test("the Helm chart review carries its controls, a copy; the engine's diagnostics carry none", () => {
    const descriptors = builtinRuleDescriptors();
    const chart = descriptors.find((rule) => rule.id === 'helmChartSecurityContext')!;
    expect(chart.controls).toEqual([...HELM_CHART_CONTROLS]);
    expect(chart.controls.length).toBeGreaterThan(0);
    expect(chart.controls).not.toBe(HELM_CHART_CONTROLS);
    const ids = new Set(engineDiagnostics.map((diagnostic) => diagnostic.id));
    const diagnostics = descriptors.filter((rule) => ids.has(rule.id));
    expect(diagnostics.map((rule) => rule.id)).toEqual([...ids]);
    for (const rule of diagnostics) expect(rule.controls, rule.id).toEqual([]);
  });
});
