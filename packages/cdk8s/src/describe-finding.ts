/**
 * How a finding reads in cdk8s: validation errors, the cdk8s-cli report and matcher messages all
 * use these few lines, so a user sees the same words wherever a check fails.
 */
import type { Finding, ResourceRef } from '@podguard/policy-core';

/** `Deployment prod/web`, `Pod web`, or the kind alone. */
export function resourceLabel(resource: ResourceRef): string {
  const name =
    resource.name === undefined
      ? ''
      : ` ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
  return `${resource.kind || 'object'}${name}`;
}

/** The fix as one line: its description and the JSON patch that applies it. */
export function describeFix(finding: Finding): string | undefined {
  if (!finding.fix) return undefined;
  return `${finding.fix.description} ${JSON.stringify(finding.fix.patch)}`;
}

/**
 * A finding over a few lines:
 * `runAsNonRoot: Deployment web: <message>`, then construct path, JSON pointer, suppression, fix.
 */
export function describeFinding(finding: Finding, constructPath?: string): string {
  const status = finding.status === 'fail' ? '' : ` [${finding.status}]`;
  const lines = [`${finding.rule}${status}: ${resourceLabel(finding.resource)}: ${finding.message}`];
  if (constructPath !== undefined) lines.push(`    construct: ${constructPath}`);
  if (finding.path !== '') lines.push(`    at: ${finding.path}`);
  if (finding.suppression) {
    const until = finding.suppression.expires ? ` until ${finding.suppression.expires}` : '';
    const expired = finding.suppression.expired ? ' (expired)' : '';
    lines.push(`    suppressed${until}${expired}: ${finding.suppression.reason}`);
  }
  const fix = describeFix(finding);
  if (fix) lines.push(`    fix: ${fix}`);
  return lines.join('\n');
}

/** Whether a finding fails a build: an error-severity failure, or an input error. */
export function isBlocking(finding: Finding): boolean {
  return finding.status === 'error' || (finding.status === 'fail' && finding.severity === 'error');
}
