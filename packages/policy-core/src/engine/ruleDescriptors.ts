/**
 * What report formats need to know about a rule (SARIF's `tool.driver.rules`): the registry's
 * rules plus the ids of findings that do not come from a registered rule (Dockerfiles, invalid
 * input, suppression problems).
 */
import { INVALID_INPUT, INVALID_SUPPRESSION, UNUSED_SUPPRESSION } from '../model/diagnostics.js';
import type { RuleDescriptor } from '../model/ruleDescriptor.js';
import { ruleRegistry } from '../rules/index.js';

/** Rules whose findings do not come from the registry; kept here so SARIF can describe them. */
const EXTRA_RULES: readonly RuleDescriptor[] = [
  {
    id: INVALID_INPUT,
    level: 'baseline',
    severity: 'error',
    description:
      'Objects must have the field types the API server accepts; an object that cannot be evaluated is an error, never a pass.',
    controls: [],
  },
  {
    id: INVALID_SUPPRESSION,
    level: 'baseline',
    severity: 'error',
    description:
      'Suppressions must name a known rule and carry a reason; a malformed suppression suppresses nothing.',
    controls: [],
  },
  {
    id: UNUSED_SUPPRESSION,
    level: 'hardened',
    severity: 'warning',
    description:
      'Suppressions must match a finding; one that matches nothing is stale and should be removed.',
    controls: [],
  },
];

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
  return [...registered, ...EXTRA_RULES.map((rule) => ({ ...rule }))];
}
