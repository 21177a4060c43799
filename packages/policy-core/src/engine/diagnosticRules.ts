/**
 * The engine's own diagnostics, declared like rules (id, level, severity, since, messages) so
 * that reports, docs pages and suppression checks treat them as registered ids rather than
 * special cases. They come from the engine, not from a check, and cannot be suppressed.
 */
import {
  DEPRECATED_OPTION,
  INVALID_INPUT,
  INVALID_SUPPRESSION,
  UNJUDGED_FIELD,
  UNUSED_SUPPRESSION,
} from '../model/diagnostics.js';
import type { RuleLevel, Severity } from '../model/types.js';

/** One engine diagnostic. */
export interface DiagnosticDeclaration {
  readonly id: string;
  readonly level: RuleLevel;
  readonly severity: Severity;
  readonly since: string;
  readonly description: string;
  /** Message ids the diagnostic's findings carry, with what their text says. */
  readonly messages: Readonly<Record<string, string>>;
}

/** The engine's diagnostics, in report order. */
export const engineDiagnostics: readonly DiagnosticDeclaration[] = [
  {
    id: INVALID_INPUT,
    level: 'baseline',
    severity: 'error',
    since: '0.1.0',
    description:
      'Objects must have the field types the API server accepts; an object that cannot be evaluated is an error, never a pass.',
    messages: {
      invalidInput:
        '{path} must be {type}, got {value} (or: the object, its pod template or the Dockerfile line at fault)',
    },
  },
  {
    id: INVALID_SUPPRESSION,
    level: 'baseline',
    severity: 'error',
    since: '0.1.0',
    description:
      'Suppressions must name a known rule and carry a reason; a malformed suppression suppresses nothing.',
    messages: { invalidSuppression: 'the problem with the suppression, and where it is' },
  },
  {
    id: UNUSED_SUPPRESSION,
    level: 'hardened',
    severity: 'warning',
    since: '0.1.0',
    description:
      'Suppressions must match a finding; one that matches nothing is stale and should be removed.',
    messages: { unusedSuppression: 'suppression of {rule} in {where} matched no finding; remove it' },
  },
  {
    id: DEPRECATED_OPTION,
    level: 'hardened',
    severity: 'warning',
    since: '0.1.0',
    description: 'Options must use their current names; a deprecated name works for one more minor version.',
    messages: {
      deprecatedOption: 'option {name} is deprecated and will be removed in {until}: use {replacement}',
    },
  },
  {
    id: UNJUDGED_FIELD,
    level: 'baseline',
    severity: 'warning',
    since: '0.1.0',
    description:
      'Fields that a controller applies to the pod must be readable before it runs; one podguard cannot judge (a templated podSpecPatch) is reported, never passed.',
    messages: {
      unjudgedField: '{path} cannot be judged before Argo runs it ({why}); what it sets is not checked',
    },
  },
];

/** The message id every finding of a rule that threw carries. */
export const RULE_ERROR_MESSAGE_ID = 'ruleError';
