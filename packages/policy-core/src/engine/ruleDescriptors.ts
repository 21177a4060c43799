/**
 * What report formats need to know about a rule (SARIF's `tool.driver.rules`): the registry's
 * rules, then the engine's declared diagnostics (invalid input, suppression problems,
 * deprecated options).
 */
import { HELM_CHART_CONTROLS, HELM_CHART_RULE } from '../helmchart/analyzeHelmChart.js';
import type { RuleDescriptor } from '../model/ruleDescriptor.js';
import { ruleRegistry } from '../rules/index.js';
import { engineDiagnostics } from './diagnosticRules.js';

/** The Helm chart review: its findings come from the CLI's chart analysis, not from a session rule. */
const CHART_REVIEW: RuleDescriptor = {
  id: HELM_CHART_RULE,
  level: 'hardened',
  severity: 'warning',
  description:
    "A Helm chart's workload templates must take the pod and container securityContext from values, and its default values must not set insecure ones.",
  controls: HELM_CHART_CONTROLS,
};

/** Every rule podguard can report on: the registry in its order, then the extra ids. */
export function builtinRuleDescriptors(): RuleDescriptor[] {
  const registered = [...ruleRegistry.values()].map(
    (rule): RuleDescriptor => ({
      id: rule.id,
      level: rule.level,
      severity: rule.severity,
      description: rule.description,
      controls: rule.controls,
    }),
  );
  const diagnostics = engineDiagnostics.map(
    (diagnostic): RuleDescriptor => ({
      id: diagnostic.id,
      level: diagnostic.level,
      severity: diagnostic.severity,
      description: diagnostic.description,
      controls: [],
    }),
  );
  return [...registered, { ...CHART_REVIEW, controls: [...CHART_REVIEW.controls] }, ...diagnostics];
}
