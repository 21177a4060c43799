/**
 * What report formats need to know about a rule (SARIF's `tool.driver.rules`): the registry's
 * rules, then the engine's declared diagnostics (invalid input, suppression problems,
 * deprecated options).
 */
import type { RuleDescriptor } from '../model/ruleDescriptor.js';
import { ruleRegistry } from '../rules/index.js';
import { engineDiagnostics } from './diagnosticRules.js';

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
  return [...registered, ...diagnostics];
}
