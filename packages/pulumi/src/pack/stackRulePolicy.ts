/**
 * Rules whose verdict depends on other objects of the same input (a rule's `facts`, such as
 * `automountServiceAccountToken` and the ServiceAccounts of the stack) run as stack policies: a
 * resource policy sees one resource, so it could not see that the pod's ServiceAccount, created in
 * the same stack, turns the token off. The rule runs in one evaluation session per pod that has
 * learned every ServiceAccount of the stack, as the CLI learns those of its files and cdk8s those
 * of its app; findings are reported on the pod's URN with the resource policies' words.
 *
 * A stack policy cannot remediate (Pulumi treats `remediate` as `mandatory` for it):
 * `registerPodguardHardening` (or harden()) applies the rule's fix in code.
 */
import {
  createEvaluation,
  type EvaluateOptions,
  type Finding,
  formatFinding,
  hasPodTemplates,
  isBlocking,
  PodguardInputError,
  podTemplateTable,
  type Rule,
} from '@podguard/policy-core';
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { kubernetesTypeOf } from '../resourceTypes.js';
import { decisiveUnknowns, onlyRule, policyName, reportAdvisory, SEVERITY, settingsOf } from './policies.js';
import { readProperties } from './properties.js';
import {
  coveringSuppressions,
  evaluateOptionsFor,
  type FailOn,
  type PodguardSettings,
  settingsSchema,
} from './settings.js';
import { markFindings, markUndecided, NO_SUPPRESSIONS, recordSuppressions } from './suppressionUse.js';

const SERVICE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount' };

/** The stack policy of a rule that reads cross-object facts; `defaults` as for the resource policies. */
export function stackRulePolicy(rule: Rule, defaults: PodguardSettings): StackValidationPolicy {
  const name = policyName(rule.id);
  return {
    name,
    description: rule.description,
    enforcementLevel: 'mandatory',
    severity: SEVERITY[rule.level],
    tags: ['kubernetes', 'pod-security', rule.level],
    configSchema: settingsSchema(defaults, { rule: rule.id }),
    remediationSteps:
      'Set the fields the violation names (registerPodguardHardening applies the fix in code); this policy needs the whole stack, so Pulumi cannot remediate it.',
    validateStack: (args, reportViolation) => {
      let settings: PodguardSettings;
      let base: EvaluateOptions;
      try {
        settings = settingsOf(defaults, args, { name, rule: rule.id, takesSuppressions: true });
        recordSuppressions(name, rule.id, settings.suppressions ?? NO_SUPPRESSIONS);
        base = evaluateOptionsFor(settings);
        // Validates the options as every door does (an unknown profile is one clear error).
        createEvaluation(base);
      } catch (error) {
        if (!(error instanceof PodguardInputError)) throw error;
        reportViolation(`invalid podguard settings: ${error.message}`);
        return;
      }
      const failOn: FailOn = settings.failOn ?? 'error';
      const report = (finding: Finding, urn: string) => {
        if (!isBlocking(finding, failOn)) {
          reportAdvisory(reportViolation, formatFinding(finding), urn);
        } else reportViolation(formatFinding(finding), urn);
      };
      const advise = (message: string, urn: string) => reportAdvisory(reportViolation, message, urn);

      // The facts: every ServiceAccount of the stack whose identity and field are known.
      const accounts: unknown[] = [];
      const unknownAccounts: string[] = [];
      for (const resource of args.resources) {
        const type = kubernetesTypeOf(resource.type);
        if (!type || type.apiVersion !== SERVICE_ACCOUNT.apiVersion || type.kind !== SERVICE_ACCOUNT.kind)
          continue;
        const { object, unknowns } = readProperties(resource.props, SERVICE_ACCOUNT);
        if (unknowns.length === 0) accounts.push(object);
        else unknownAccounts.push(resource.name);
      }

      const suppressionList = settings.suppressions ?? [];
      const templates = podTemplateTable(base.podTemplates);
      for (const resource of args.resources) {
        const type = kubernetesTypeOf(resource.type);
        if (!type || !hasPodTemplates(type.apiVersion, type.kind, templates)) continue;
        const covering = coveringSuppressions(rule.id, suppressionList, {
          type: resource.type,
          urn: resource.urn,
        });
        const options: EvaluateOptions = {
          ...base,
          ...(type.patch ? { partial: true } : {}),
          rules: onlyRule(rule.id),
          suppressions: covering.map((entry) => entry.suppression),
        };
        const { object, unknowns } = readProperties(resource.props, type);
        const decisive = decisiveUnknowns(rule, object, unknowns, suppressionList);
        if (decisive.length > 0) {
          markUndecided(name, covering);
          advise(
            undecided(
              rule,
              resource,
              decisive.map((unknown) => `.${unknown.tokens.join('.')}`),
            ),
            resource.urn,
          );
          continue;
        }
        const evaluateWith = (suppressions: EvaluateOptions['suppressions']) => {
          const session = createEvaluation({ ...options, suppressions });
          session.learn(accounts);
          return session.evaluate(object).findings.filter((finding) => finding.rule === rule.id);
        };
        const findings = evaluateWith(options.suppressions);
        // A ServiceAccount whose fields are unknown at preview could decide the verdict.
        if (
          unknownAccounts.length > 0 &&
          findings.some((finding) => finding.status === 'fail' || finding.status === 'suppressed')
        ) {
          markUndecided(name, covering);
          advise(
            undecided(
              rule,
              resource,
              unknownAccounts.map((account) => `ServiceAccount ${account}`),
            ),
            resource.urn,
          );
          continue;
        }
        // Suppressed findings too, as advisory: the core's text says which suppression covers them.
        for (const finding of findings) report(finding, resource.urn);
        markFindings(name, covering, findings, evaluateWith);
      }
    },
  };
}

function undecided(rule: Rule, resource: PolicyResource, what: readonly string[]): string {
  return `${rule.id}: ${resource.name}: ${what.length === 1 ? 'a value' : `${what.length} values`} can't be known during preview (${what.join(', ')}); podguard decides at update, when ${what.length === 1 ? 'it is' : 'they are'} known`;
}
