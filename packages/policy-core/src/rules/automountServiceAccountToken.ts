/**
 * Pods must not mount a service-account token unless they call the Kubernetes API: a stolen
 * token is a credential against the cluster. What the author stated is respected:
 * - `automountServiceAccountToken: true` on the pod is a stated need: a warning, unsafe fix only;
 * - unset, with a named ServiceAccount other than `default`: the account likely has RBAC
 *   bindings the pod uses, a warning with an unsafe fix;
 * - unset, with the `default` ServiceAccount: an error, safe fix `false`.
 * A ServiceAccount in the same input (same namespace and name) that sets
 * `automountServiceAccountToken: false` counts for its pods, as the ServiceAccount admission
 * plugin honours it: the pod passes. When that account is in the input and does not, the message
 * names it.
 *
 * Restricted field: `spec.automountServiceAccountToken` (or the ServiceAccount's). Allowed value: false.
 */

import type { PodView, RuleContext } from '../model/views.js';
import { pointer } from '../podspec/pointer.js';
import * as cel from '../rulekit/cel.js';
import { ALLOWED, type CheckResult, definePodRule } from '../rulekit/define.js';
import { renderMessage } from '../rulekit/messageTemplate.js';
import { setField } from '../rulekit/patch.js';
import { goQuote } from '../rulekit/wording.js';

const messages = {
  defaultAccount: 'pod must set automountServiceAccountToken=false',
  explicitTrue:
    'pod sets automountServiceAccountToken=true; set it to false unless the pod calls the Kubernetes API',
  namedAccount:
    'pod runs as ServiceAccount {account} and leaves automountServiceAccountToken unset; set it to false unless the pod calls the Kubernetes API',
  accountInInput: '{message}; ServiceAccount {account} in the same input {accountSetting}',
} as const;

const DEFAULT_ACCOUNT = 'default';

function automountServiceAccountToken_1_0(pod: PodView, context: RuleContext): CheckResult {
  const { spec } = pod;
  const value = spec.automountServiceAccountToken;
  if (value === false) return ALLOWED;
  const named = spec.serviceAccountName ?? (spec.serviceAccount as string | undefined);
  const accountName = typeof named === 'string' && named !== '' ? named : DEFAULT_ACCOUNT;
  const account = context.facts.serviceAccount(pod.resource.namespace, accountName);
  // The admission plugin reads the account's field when the pod leaves its own unset.
  if (value == null && account?.automountServiceAccountToken === false) return ALLOWED;

  const path = pointer(pod.specPath, 'automountServiceAccountToken');
  const fixPatch = setField(pod.spec, pod.specPath, ['automountServiceAccountToken'], false);
  const messageId =
    value === true ? 'explicitTrue' : accountName !== DEFAULT_ACCOUNT ? 'namedAccount' : 'defaultAccount';
  let detail = renderMessage(messages[messageId], { account: goQuote(accountName) });
  if (account !== undefined) {
    detail = renderMessage(messages.accountInInput, {
      message: detail,
      account: goQuote(
        account.namespace === undefined ? account.name : `${account.namespace}/${account.name}`,
      ),
      accountSetting:
        account.automountServiceAccountToken === true
          ? 'sets automountServiceAccountToken=true'
          : 'leaves automountServiceAccountToken unset',
    });
  }
  const safe = messageId === 'defaultAccount';
  return {
    allowed: false,
    reason: 'automountServiceAccountToken != false',
    detail,
    messageId,
    locations: [{ path: value === undefined ? pod.specPath : path }],
    ...(safe ? {} : { severity: 'warning' as const }),
    fix: safe
      ? { kind: 'safe', description: 'Set automountServiceAccountToken=false on the pod.', patch: fixPatch }
      : {
          kind: 'unsafe',
          description:
            value === true
              ? 'Replace automountServiceAccountToken=true with false (the pod loses API access).'
              : `Set automountServiceAccountToken=false on the pod (it loses the API access ServiceAccount ${goQuote(accountName)} may grant).`,
          patch: fixPatch,
        },
  };
}

export const automountServiceAccountToken = definePodRule({
  id: 'automountServiceAccountToken',
  level: 'hardened',
  severity: 'error',
  since: '0.1.0',
  reads: ['automountServiceAccountToken', 'serviceAccountName'],
  facts: ['serviceAccounts'],
  description: 'Pods must set automountServiceAccountToken=false.',
  messages,
  controls: [
    'CIS 5.1.6',
    'NSA/CISA: Authentication and authorization: Service account tokens',
    'ISO 27001:2013 A.9.4.4',
  ],
  fix: 'mixed',
  admission: {
    check: (): cel.AdmissionCheck[] => {
      const spec = 'variables.spec';
      const set = cel.present(spec, 'automountServiceAccountToken');
      const reason = 'automountServiceAccountToken != false';
      return [
        {
          variables: {
            setFalse: `${set} && ${spec}.automountServiceAccountToken == false`,
            setTrue: `${set} && ${spec}.automountServiceAccountToken == true`,
            named: `${cel.present(spec, 'serviceAccountName')} ? ${spec}.serviceAccountName : (${cel.present(spec, 'serviceAccount')} ? ${spec}.serviceAccount : '')`,
            account: `$named != '' ? $named : ${JSON.stringify(DEFAULT_ACCOUNT)}`,
          },
          expression: `$setFalse || $setTrue || $account != ${JSON.stringify(DEFAULT_ACCOUNT)}`,
          messageExpression: cel.celCheckMessage(reason, cel.celMessage(messages.defaultAccount, {})),
        },
        {
          // Whether the ServiceAccount turns the token off is not known at admission: see docs/admission.md.
          expression: `$setFalse || (!$setTrue && $account == ${JSON.stringify(DEFAULT_ACCOUNT)})`,
          messageExpression: `$setTrue ? ${cel.celCheckMessage(reason, cel.celMessage(messages.explicitTrue, {}))} : ${cel.celCheckMessage(reason, cel.celMessage(messages.namedAccount, { account: cel.goQuote('$account') }))}`,
          severity: 'warning',
        },
      ];
    },
  },
  versions: [{ since: 'v1.0', check: automountServiceAccountToken_1_0 }],
});
