/**
 * Namespaces must enforce a Pod Security level: the label
 * `pod-security.kubernetes.io/enforce` at `namespaceLevel` or stricter (default `restricted`;
 * order privileged < baseline < restricted). CIS 5.2.1 asks every namespace to have an active
 * policy control; without the label the cluster default (usually `privileged`) applies.
 * A `pod-security.kubernetes.io/enforce-version` label, when present, must be `latest` or
 * `v1.<minor>`; Pod Security Admission rejects other values.
 *
 * Fix: safe, a missing enforce label added at the strictest level that every pod of the namespace
 * in the same input passes after its safe fixes (`restricted` when the input has none of its
 * pods); a label weaker than `namespaceLevel` then keeps its finding. Unsafe: an existing label
 * (invalid or weaker) replaced by `namespaceLevel`; an invalid enforce-version set to `latest`.
 */

import { NAMESPACE_LEVEL_SCHEMA } from '../model/optionSchemas.js';
import type { Fix, JsonPatchOperation, PssLevel } from '../model/types.js';
import type { NamespaceView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import { ALLOWED, type CheckResult, defineNamespaceRule } from '../rulekit/define.js';
import { renderMessage } from '../rulekit/messageTemplate.js';
import { setField } from '../rulekit/patch.js';
import { goQuote } from '../rulekit/wording.js';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
const ORDER: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

const messages = {
  missingLabel: 'namespace must set label {label}={level}',
  invalidLevel: 'label {label} is {value}, not one of privileged, baseline, restricted; set it to {level}',
  levelTooLow: 'label {label} is {value}; it must be {level} or stricter',
  invalidVersion: 'label {versionLabel} is {version}; it must be latest or v1.<minor>',
} as const;

type MessageId = keyof typeof messages;

function checkNamespaceEnforceLabel(namespace: NamespaceView, context: RuleContext): CheckResult {
  const required = context.options.namespaceLevel;
  const labels = namespace.metadata.labels ?? {};
  const labelsPath = pointer(namespace.path, 'metadata', 'labels');
  const problems: { messageId: MessageId; detail: string; path: string }[] = [];
  const values = { label: ENFORCE, level: required, versionLabel: ENFORCE_VERSION };
  const enforcePath = pointer(labelsPath, ENFORCE);
  const safe: JsonPatchOperation[] = [];
  const unsafe: JsonPatchOperation[] = [];
  let description = '';

  if (!Object.hasOwn(labels, ENFORCE)) {
    // A missing label is added at the strictest level every pod of the namespace in the same
    // input passes after its safe fixes, so applying the fixes never gets a pod rejected.
    const name = namespace.metadata.name;
    const passable = typeof name === 'string' ? context.facts.namespacePodLevel(name) : 'restricted';
    problems.push({
      messageId: 'missingLabel',
      detail: renderMessage(messages.missingLabel, values),
      path: namespace.metadata.labels === undefined ? pointer(namespace.path, 'metadata') : labelsPath,
    });
    safe.push(...setField(namespace.object, namespace.path, ['metadata', 'labels', ENFORCE], passable));
    description =
      passable === required
        ? `Label the namespace ${ENFORCE}=${required}.`
        : `Label the namespace ${ENFORCE}=${passable}: a pod of the namespace in the same input does not pass ${ORDER[ORDER.indexOf(passable) + 1]} after its fixes.`;
  } else {
    const value = labels[ENFORCE] ?? '';
    const rank = ORDER.indexOf(value as PssLevel);
    if (rank === -1 || rank < ORDER.indexOf(required)) {
      const messageId: MessageId = rank === -1 ? 'invalidLevel' : 'levelTooLow';
      problems.push({
        messageId,
        detail: renderMessage(messages[messageId], { ...values, value: goQuote(value) }),
        path: enforcePath,
      });
      // Never overwrite the author's label by default: pods the namespace admits today may fail.
      unsafe.push({ op: 'replace', path: enforcePath, value: required });
      description = `Replace the namespace's ${ENFORCE} label with ${required} (pods that fail ${required} are then rejected).`;
    }
  }
  if (Object.hasOwn(labels, ENFORCE_VERSION)) {
    const version = labels[ENFORCE_VERSION] ?? '';
    if (!VERSION.test(version)) {
      const path = pointer(labelsPath, ENFORCE_VERSION);
      problems.push({
        messageId: 'invalidVersion',
        detail: renderMessage(messages.invalidVersion, { ...values, version: goQuote(version) }),
        path,
      });
      unsafe.push({ op: 'replace', path, value: 'latest' });
      if (description === '') description = `Set ${ENFORCE_VERSION} to latest.`;
    }
  }
  const first = problems[0];
  if (first === undefined) return ALLOWED;
  const fix: Fix =
    safe.length > 0
      ? { kind: 'safe', description, patch: safe }
      : { kind: 'unsafe', description, patch: unsafe };
  return {
    allowed: false,
    reason: 'namespace does not enforce Pod Security',
    detail: problems.map((problem) => problem.detail).join('; '),
    messageId: first.messageId,
    locations: problems.map((problem) => ({ path: problem.path })),
    fix,
    ...(safe.length > 0 && unsafe.length > 0
      ? { unfixable: `replacing an invalid ${ENFORCE_VERSION} label is an unsafe fix` }
      : {}),
  };
}

export const namespaceEnforceLabel = defineNamespaceRule({
  id: 'namespaceEnforceLabel',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['metadata.labels'],
  options: { namespaceLevel: NAMESPACE_LEVEL_SCHEMA },
  description: `Namespaces must carry ${ENFORCE} at the required level (default restricted) and a valid ${ENFORCE_VERSION} if any.`,
  controls: [
    'CIS 5.2.1',
    'NSA/CISA: Kubernetes Pod security: Pod security enforcement',
    'ISO 27001:2013 A.14.2.5',
  ],
  messages,
  fix: 'mixed',
  admission: {
    inexpressible:
      'checks Namespace objects, not pods; Pod Security Admission itself enforces the label it asks for',
  },
  check: checkNamespaceEnforceLabel,
});
