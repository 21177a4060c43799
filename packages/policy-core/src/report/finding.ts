/**
 * How one finding reads outside a full report: cdk8s validation errors, Pulumi diagnostics and
 * matcher messages all use these lines, so a user sees the same words at every door.
 */
import type { Finding, ResourceRef } from '../model/types.js';

/** `Deployment prod/web`, `Pod web`, or the kind alone (`object` when there is none). */
export function resourceLabel(resource: ResourceRef): string {
  const name =
    resource.name === undefined
      ? ''
      : ` ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
  return `${resource.kind || 'object'}${name}`;
}

/** Options of {@link formatFinding}. */
export interface FindingFormatOptions {
  /** Where the object comes from in the caller's world (a cdk8s construct path, a Pulumi URN). */
  origin?: { label: string; value: string };
}

/**
 * A finding over a few lines: `runAsNonRoot: Deployment web: <message>`, then where it comes
 * from, the JSON pointer (or line and column), the suppression and the fix. A status other than
 * `fail` and a `warning` severity are tagged after the rule (`[suppressed, warning]`), so every
 * door that shows this line shows the whole verdict, whatever `failOn` made of it.
 */
export function formatFinding(finding: Finding, options: FindingFormatOptions = {}): string {
  const tags = [
    ...(finding.status === 'fail' ? [] : [finding.status]),
    ...(finding.severity === 'warning' ? ['warning'] : []),
  ];
  const status = tags.length === 0 ? '' : ` [${tags.join(', ')}]`;
  const lines = [`${finding.rule}${status}: ${resourceLabel(finding.resource)}: ${finding.message}`];
  if (options.origin) lines.push(`    ${options.origin.label}: ${options.origin.value}`);
  const first = finding.locations[0];
  if (first?.line !== undefined) lines.push(`    at: line ${first.line}, column ${first.column ?? 1}`);
  else if (finding.path !== '') lines.push(`    at: ${finding.path}`);
  if (finding.suppression) {
    const until = finding.suppression.expires ? ` until ${finding.suppression.expires}` : '';
    const expired = finding.suppression.expired ? ' (expired)' : '';
    lines.push(`    suppressed${until}${expired}: ${finding.suppression.reason}`);
  }
  if (finding.fix) {
    const change =
      finding.fix.edits && finding.fix.edits.length > 0
        ? finding.fix.edits.map((edit) => JSON.stringify(edit.text)).join(', ')
        : JSON.stringify(finding.fix.patch);
    lines.push(`    fix: ${finding.fix.description} ${change}`);
  }
  return lines.join('\n');
}
