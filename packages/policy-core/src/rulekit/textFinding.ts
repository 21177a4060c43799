/**
 * The check result of a finding about a text file (a Dockerfile, a Maven or Gradle build): placed
 * by line and column, its fix a text edit rather than a JSON patch. The analyzers of such files
 * (analyzeDockerfile, analyzeGroupZero, analyzeJib) report in this shape; their rules map it here.
 */
import type { FixKind, Severity, TextEdit } from '../model/types.js';
import type { CheckResult } from './define.js';

/** What an analyzer of a text file says of one problem. */
export interface TextFileFinding<MessageId extends string = string> {
  readonly messageId: MessageId;
  readonly message: string;
  readonly severity: Severity;
  readonly line: number;
  readonly column: number;
  readonly fix?: { readonly description: string; readonly edit: TextEdit; readonly kind?: FixKind };
}

/**
 * A text-file finding as a check result: `reason` from the rule's reasons by message id; the fix
 * keeps the analyzer's kind and description unless `fix` says otherwise for this finding.
 */
export function textFileResult<MessageId extends string>(
  finding: TextFileFinding<MessageId>,
  reason: string,
  fix: { kind?: FixKind; description?: string } = {},
): CheckResult {
  const kind = fix.kind ?? finding.fix?.kind;
  return {
    allowed: false,
    reason,
    detail: finding.message,
    message: finding.message,
    messageId: finding.messageId,
    severity: finding.severity,
    locations: [{ path: '', line: finding.line, column: finding.column }],
    ...(finding.fix && kind
      ? {
          fix: {
            kind,
            description: fix.description ?? finding.fix.description,
            patch: [],
            edits: [finding.fix.edit],
          },
        }
      : {}),
  };
}
