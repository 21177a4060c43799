/** What report formats need to know about a rule (SARIF's `tool.driver.rules`). */
import type { RuleLevel, Severity } from './types.js';

/** Metadata of one rule, as report formats describe it. */
export interface RuleDescriptor {
  id: string;
  /** The rule's level (`baseline`, `restricted`, `hardened`), or another grouping a front end uses. */
  level: RuleLevel | (string & {});
  /** Default severity of the rule's failing findings. */
  severity: Severity;
  /** One sentence: what the rule requires. */
  description: string;
  controls: readonly string[];
  /** The rule's docs page; defaults to `docs/rules/<id>.md` in the podguard repository. */
  helpUri?: string;
}

/** Where rule docs pages live; `docs/rules/<id>.md` under it. */
export const RULE_DOCS_BASE_URI = 'https://github.com/podguard/podguard/blob/main/docs/rules/';

/** The docs page of a rule. */
export function ruleDocsUri(id: string): string {
  return `${RULE_DOCS_BASE_URI}${encodeURIComponent(id)}.md`;
}
