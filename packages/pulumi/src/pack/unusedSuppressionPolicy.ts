/**
 * The stack policy that reports suppressions no finding of the stack used, as the core's
 * `unusedSuppression` warnings: a suppression given to `createPodguardPack` or in a policy's
 * config (reported on no resource, as the core reports an unused suppression of its options), and
 * an entry of a resource's `podguard.dev/suppress` annotation (reported on that resource). It reads
 * what the other policies recorded during the operation (see suppressionUse.ts), so it runs last.
 */
import {
  evaluate,
  type Finding,
  formatFinding,
  isBlocking,
  PodguardInputError,
  UNUSED_SUPPRESSION,
} from '@podguard/policy-core';
import type { StackValidationPolicy } from '@pulumi/policy';
import { POLICY_PREFIX, reportAdvisory, settingsOf } from './policies.js';
import { type FailOn, type PodguardSettings, settingsSchema } from './settings.js';
import { takeUnused } from './suppressionUse.js';

/** Name of the policy: the core's id of the finding it reports. */
export const UNUSED_SUPPRESSION_POLICY = `${POLICY_PREFIX}${UNUSED_SUPPRESSION}` as const;

/** The stack policy; `defaults` as for the resource policies (it takes no suppressions itself). */
export function unusedSuppressionPolicy(defaults: PodguardSettings): StackValidationPolicy {
  const { suppressions: _unused, ...shared } = defaults;
  return {
    name: UNUSED_SUPPRESSION_POLICY,
    description:
      'Suppressions must cover a finding; one that matches nothing in the stack should be removed.',
    enforcementLevel: 'mandatory',
    severity: 'low',
    tags: ['kubernetes', 'pod-security'],
    configSchema: settingsSchema(shared, { suppressions: false }),
    remediationSteps: 'Remove the suppression, or correct its match so that it covers the finding it is for.',
    validateStack: (args, reportViolation) => {
      // Taken first: what this operation recorded is never reported by the next one.
      const unused = takeUnused();
      let settings: PodguardSettings;
      try {
        settings = settingsOf(shared, args, { name: UNUSED_SUPPRESSION_POLICY, takesSuppressions: false });
      } catch (error) {
        if (!(error instanceof PodguardInputError)) throw error;
        reportViolation(`invalid podguard settings: ${error.message}`);
        return;
      }
      const failOn: FailOn = settings.failOn ?? 'error';
      const report = (finding: Finding, urn?: string) => {
        if (!isBlocking(finding, failOn)) {
          reportAdvisory(reportViolation, formatFinding(finding), urn);
        } else reportViolation(formatFinding(finding), urn);
      };
      for (const { suppression } of unused.settings) {
        // The core's own report of a suppression of its options that matched nothing (no input);
        // its words depend on the suppression alone, so no other option is given.
        const findings = evaluate([], { suppressions: [suppression] }).findings;
        for (const finding of findings) if (finding.rule === UNUSED_SUPPRESSION) report(finding);
      }
      for (const { urn, finding } of unused.annotations) report(finding, urn);
    },
  };
}
