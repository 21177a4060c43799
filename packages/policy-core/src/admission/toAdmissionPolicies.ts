/**
 * podguard's verdict at admission: ValidatingAdmissionPolicy objects (admissionregistration.k8s.io/v1,
 * GA in Kubernetes 1.30) built from the same options as evaluate(). Each rule declares its CEL
 * beside its TypeScript check (`admission` in the rule file); this module only wraps the rules of
 * the profile's plan into policies: one per place a pod spec sits (Pod, PodTemplate, workload
 * template, CronJob job template), as Kyverno's autogen does, split by validation action.
 *
 * Options are inlined into the CEL (no paramKind): the policy is a pure function of the options
 * file, reviewable in a diff, and nothing else in the cluster can change what it enforces.
 */

import { type Plan, planFor } from '../engine/plan.js';
import { resolveEvaluation } from '../engine/resolveOptions.js';
import { MIN_REASON_LENGTH, SUPPRESS_ANNOTATION, suppressionProblem } from '../engine/suppressions.js';
import { PodguardInputError } from '../model/errors.js';
import type { EvaluateOptions, RuleSetting } from '../model/options.js';
import type { Severity, Suppression } from '../model/types.js';
import type { ResolvedOptions } from '../model/views.js';
import { BUILTIN_WORKLOAD_KINDS, type PodTemplateKind } from '../podspec/kinds.js';
import { type AdmissionCheck, celString, present, valueOr } from '../rulekit/cel.js';
import type { Rule } from '../rulekit/define.js';

/** Settings of the generated objects that are not about the rules. */
export interface AdmissionOptions {
  /** Prefix of every object name (default `podguard`). */
  name?: string;
  /** Namespaces the bindings leave out (matched on the `kubernetes.io/metadata.name` label). */
  exemptNamespaces?: string[];
}

/** One CEL variable of a policy. */
export interface AdmissionVariable {
  name: string;
  expression: string;
}

/** One validation of a policy: one rule (or one part of a rule with several severities). */
export interface AdmissionValidation {
  expression: string;
  messageExpression: string;
  message: string;
  reason: 'Forbidden';
}

/** A ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1). */
export interface ValidatingAdmissionPolicy {
  apiVersion: 'admissionregistration.k8s.io/v1';
  kind: 'ValidatingAdmissionPolicy';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    failurePolicy: 'Fail';
    matchConstraints: {
      resourceRules: {
        apiGroups: string[];
        apiVersions: string[];
        operations: ('CREATE' | 'UPDATE')[];
        resources: string[];
      }[];
    };
    variables: AdmissionVariable[];
    validations: AdmissionValidation[];
  };
}

/** A ValidatingAdmissionPolicyBinding (admissionregistration.k8s.io/v1). */
export interface ValidatingAdmissionPolicyBinding {
  apiVersion: 'admissionregistration.k8s.io/v1';
  kind: 'ValidatingAdmissionPolicyBinding';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    policyName: string;
    validationActions: ('Deny' | 'Warn' | 'Audit')[];
    matchResources?: {
      namespaceSelector: {
        matchExpressions: { key: string; operator: 'NotIn'; values: string[] }[];
      };
    };
  };
}

/** A rule of the profile that admission does not enforce, or enforces only in part, and why. */
export interface NotEnforcedRule {
  rule: string;
  /** True when the rule is enforced for what CEL can see and `reason` says what it leaves out. */
  partial: boolean;
  reason: string;
}

/** What {@link toAdmissionPolicies} returns. */
export interface AdmissionPolicies {
  /** Policies and their bindings, in the order to apply them (each policy before its binding). */
  objects: (ValidatingAdmissionPolicy | ValidatingAdmissionPolicyBinding)[];
  /** Rules of the profile that admission does not enforce (fully). */
  notEnforced: NotEnforcedRule[];
  /** Option suppressions that cannot be honoured in CEL (a `match.container`), with why. */
  ignoredSuppressions: string[];
}

/** Where a pod spec sits, per kind: one policy each, so every variable has one static type. */
interface PodSpecPlace {
  readonly id: string;
  readonly resources: readonly { group: string; version: string; resources: readonly string[] }[];
  /** The CEL path of the pod (template): it has `metadata` and `spec`. */
  readonly pod: string;
}

/**
 * The places, from the built-in workload kinds table (podspec/kinds.ts) at the v1 group/versions
 * Kubernetes 1.30 serves: one per pod template path. A request at another version of the same
 * resource still reaches the policy, converted (`matchPolicy: Equivalent`, the default).
 */
const PLACES: readonly PodSpecPlace[] = (() => {
  const byPath = new Map<string, PodTemplateKind[]>();
  for (const kind of BUILTIN_WORKLOAD_KINDS) {
    if (!/(^|\/)v1$/.test(kind.apiVersion)) continue;
    const path = kind.paths[0] ?? '';
    byPath.set(path, [...(byPath.get(path) ?? []), kind]);
  }
  return [...byPath].map(([path, kinds]) => {
    const groups = new Map<string, string[]>();
    for (const { apiVersion, kind } of kinds) {
      const group = apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
      // Every built-in workload resource is its kind in lower case, plural with an s. A Pod's
      // ephemeral containers arrive through their own subresource (kubectl debug), as in PSA.
      const resource = `${kind.toLowerCase()}s`;
      const resources = kind === 'Pod' ? [resource, `${resource}/ephemeralcontainers`] : [resource];
      groups.set(group, [...(groups.get(group) ?? []), ...resources]);
    }
    return {
      id: kinds.length === 1 ? `${(kinds[0] as PodTemplateKind).kind.toLowerCase()}s` : 'workloads',
      resources: [...groups].map(([group, resources]) => ({ group, version: 'v1', resources })),
      pod: ['object', ...path.split('/').filter((token) => token !== '')].join('.'),
    };
  });
})();

const OS_LABEL = 'kubernetes.io/os';
const LABELS = { 'app.kubernetes.io/managed-by': 'podguard' };

/** The policy's shared variables for one place (see AdmissionCheck for what each means). */
function sharedVariables(place: PodSpecPlace): AdmissionVariable[] {
  const spec = 'variables.spec';
  const terms = valueOr(
    spec,
    'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
    '[]',
  );
  const windowsTerm = `${valueOr('t', 'matchExpressions', '[]')}.exists(e, ${valueOr('e', 'key', "''")} == '${OS_LABEL}' && ${valueOr('e', 'operator', "''")} == 'In' && size(${valueOr('e', 'values', '[]')}) > 0 && e.values.all(v, v == 'windows'))`;
  const annotations = 'object.metadata.annotations';
  const entry = `\\{[^{}]*\\}`;
  return [
    { name: 'spec', expression: `${place.pod}.spec` },
    {
      name: 'podAnnotations',
      expression: valueOr(place.pod, 'metadata.annotations', '{}'),
    },
    {
      name: 'containers',
      expression: ['initContainers', 'containers', 'ephemeralContainers']
        .map((group) => valueOr(spec, group, '[]'))
        .join(' + '),
    },
    { name: 'windowsPod', expression: `${valueOr(spec, 'os.name', "''")} == 'windows'` },
    {
      name: 'windowsNodes',
      expression: `variables.windowsPod || ('${OS_LABEL}' in ${valueOr(spec, 'nodeSelector', '{}')} && ${spec}.nodeSelector['${OS_LABEL}'] == 'windows') || (size(${terms}) > 0 && ${terms}.all(t, ${windowsTerm}))`,
    },
    { name: 'userNamespace', expression: `${present(spec, 'hostUsers')} && ${spec}.hostUsers == false` },
    {
      name: 'suppressions',
      expression: `${present('object', 'metadata.annotations')} && '${SUPPRESS_ANNOTATION}' in ${annotations} ? ${annotations}['${SUPPRESS_ANNOTATION}'].findAll(${celString(entry)}) : []`,
    },
  ];
}

/** A key of a suppression entry in JSON or YAML flow style: `"rule":`, `rule:`, `'rule':`. */
const key = (name: string): string => `(^|[{,])\\s*["']?${name}["']?\\s*:\\s*`;
const DATE = '[0-9]{4}-[0-9]{2}-[0-9]{2}';
const inner = MIN_REASON_LENGTH - 2;
/** A reason of at least MIN_REASON_LENGTH characters once trimmed, quoted or bare. */
const REASON = `${key('reason')}("\\s*[^"\\s][^"]{${inner},}[^"\\s]\\s*"|'\\s*[^'\\s][^']{${inner},}[^'\\s]\\s*'|[^"'\\s,}][^,}]{${inner},}[^\\s,}])`;
const EXPIRES_KEY = key('expires');
const EXPIRES = `${key('expires')}["']?${DATE}["']?\\s*(,|\\}|$)`;

/** The day `now` falls on, UTC, as the suppression `expires` format writes it. */
function day(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A `*`/`?` glob as an anchored RE2 pattern, as suppressions.ts matches it. */
function globPattern(glob: string): string {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return `^${escaped}$`;
}

/** CEL: whether the object's `podguard.dev/suppress` annotation, or an option suppression, covers `rule`. */
function suppressedExpression(
  rule: string,
  options: ResolvedOptions,
  fromOptions: readonly Suppression[],
): string {
  const today = day(options.now);
  const entry = [
    `e.matches(${celString(`${key('rule')}["']?${rule}["']?\\s*(,|\\}|$)`)})`,
    `e.matches(${celString(REASON)})`,
    `(!e.matches(${celString(EXPIRES_KEY)}) || (e.matches(${celString(EXPIRES)}) && e.find(${celString(EXPIRES)}).find('${DATE}') >= '${today}'))`,
  ].join(' && ');
  const clauses = [`variables.suppressions.exists(e, ${entry})`];
  for (const suppression of fromOptions) {
    if (suppression.rule !== rule) continue;
    const match = suppression.match ?? {};
    const tests: string[] = [];
    if (match.kind !== undefined) tests.push(`object.kind == ${celString(match.kind)}`);
    if (match.namespace !== undefined)
      tests.push(
        `${valueOr('object', 'metadata.namespace', "''")}.matches(${celString(globPattern(match.namespace))})`,
      );
    if (match.name !== undefined)
      tests.push(
        `${valueOr('object', 'metadata.name', "''")}.matches(${celString(globPattern(match.name))})`,
      );
    clauses.push(tests.length === 0 ? 'true' : `(${tests.join(' && ')})`);
  }
  return clauses.join(' || ');
}

/** `$name` in a rule's CEL is the rule's own variable `variables.<rule>_<name>`. */
function localise(expression: string, rule: string, known: ReadonlySet<string>): string {
  return expression.replace(/\$([A-Za-z][A-Za-z0-9]*)/g, (_, name: string) => {
    if (!known.has(name)) throw new Error(`rule ${rule}: admission CEL uses undeclared variable $${name}`);
    return `variables.${rule}_${name}`;
  });
}

/** One rule's part after localising: where it goes and what it contributes. */
interface PreparedPart {
  readonly rule: string;
  readonly action: 'deny' | 'warn';
  readonly validation: AdmissionValidation;
}

interface PreparedRule {
  readonly rule: string;
  readonly variables: readonly AdmissionVariable[];
  readonly parts: readonly PreparedPart[];
}

function prepareRule(
  rule: Rule,
  check: (options: ResolvedOptions) => AdmissionCheck | readonly AdmissionCheck[],
  setting: RuleSetting | undefined,
  options: ResolvedOptions,
  failOn: 'error' | 'warning' | 'none',
  suppressions: readonly Suppression[],
): PreparedRule {
  const result = check(options);
  const parts: readonly AdmissionCheck[] = Array.isArray(result) ? result : [result as AdmissionCheck];
  const declared = new Map<string, string>();
  for (const part of parts) {
    for (const [name, expression] of Object.entries(part.variables ?? {})) declared.set(name, expression);
  }
  const known = new Set(declared.keys());
  const variables: AdmissionVariable[] = [...declared].map(([name, expression]) => ({
    name: `${rule.id}_${name}`,
    expression: localise(expression, rule.id, known),
  }));
  variables.push({
    name: `${rule.id}_suppressed`,
    expression: suppressedExpression(rule.id, options, suppressions),
  });
  return {
    rule: rule.id,
    variables,
    parts: parts.map((part) => {
      const severity: Severity = setting?.severity ?? part.severity ?? rule.severity;
      const blocks = failOn !== 'none' && (severity === 'error' || failOn === 'warning');
      return {
        rule: rule.id,
        action: blocks ? 'deny' : 'warn',
        validation: {
          expression: `variables.${rule.id}_suppressed || (${localise(part.expression, rule.id, known)})`,
          messageExpression: localise(part.messageExpression, rule.id, known),
          message: `podguard ${rule.id}`,
          reason: 'Forbidden',
        },
      };
    }),
  };
}

/** The rules of a plan, each once, in plan order. */
function planRules(plan: Plan): Rule[] {
  return [...plan.podRules.map((entry) => entry.rule), ...plan.namespaceRules, ...plan.dockerfileRules];
}

/**
 * ValidatingAdmissionPolicies and bindings that enforce the profile's rules in the API server
 * with the verdicts and words of {@link evaluate}, for Pods and every built-in workload kind.
 *
 * @param options The same options as evaluate() (validated the same way; `version` must be
 *   `latest`, since the policy runs in a cluster of any version). Option suppressions are
 *   inlined; those with `match.container` cannot be and are listed in `ignoredSuppressions`.
 * @param admission Object names and namespaces to leave out.
 * @throws PodguardInputError for invalid options.
 */
export function toAdmissionPolicies(
  options?: EvaluateOptions,
  admission: AdmissionOptions = {},
): AdmissionPolicies {
  const resolved = resolveEvaluation(options);
  if (resolved.minor !== Number.POSITIVE_INFINITY) {
    throw new PodguardInputError(
      `invalid option version: admission policies enforce the latest checks, got ${JSON.stringify(resolved.version)}`,
      'version',
    );
  }
  const prefix = admission.name ?? 'podguard';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(prefix) || prefix.length > 200) {
    throw new PodguardInputError(
      `invalid admission name ${JSON.stringify(prefix)}: expected a DNS label`,
      'name',
    );
  }
  const exempt = admission.exemptNamespaces ?? [];
  const honoured: Suppression[] = [];
  const ignoredSuppressions: string[] = [];
  resolved.suppressions.forEach((suppression, index) => {
    const problem = suppressionProblem(suppression, true);
    if (problem)
      throw new PodguardInputError(`${problem} (suppressions[${index}])`, `suppressions[${index}]`);
    if (suppression.expires !== undefined && suppression.expires < day(resolved.options.now)) return;
    if (suppression.match?.container !== undefined) {
      ignoredSuppressions.push(
        `suppressions[${index}] (${suppression.rule}, container ${suppression.match.container}): a finding's container is not known to CEL`,
      );
    } else honoured.push(suppression);
  });

  const notEnforced: NotEnforcedRule[] = [];
  const prepared: PreparedRule[] = [];
  for (const rule of planRules(planFor(resolved.profile, resolved.minor))) {
    const setting = resolved.ruleSettings[rule.id];
    if (setting?.enabled === false) continue;
    const { admission: declared } = rule;
    if ('inexpressible' in declared) {
      notEnforced.push({ rule: rule.id, partial: false, reason: declared.inexpressible });
      continue;
    }
    if ('partial' in declared) notEnforced.push({ rule: rule.id, partial: true, reason: declared.partial });
    prepared.push(prepareRule(rule, declared.check, setting, resolved.options, resolved.failOn, honoured));
  }

  const annotations: Record<string, string> = {
    'podguard.dev/profile': resolved.profile.name,
    'podguard.dev/suppressions-checked-on': day(resolved.options.now),
  };
  if (notEnforced.length > 0) {
    annotations['podguard.dev/not-enforced'] = notEnforced
      .map((entry) => `${entry.rule}${entry.partial ? ' (in part)' : ''}: ${entry.reason}`)
      .join('\n');
  }
  if (ignoredSuppressions.length > 0)
    annotations['podguard.dev/ignored-suppressions'] = ignoredSuppressions.join('\n');

  const objects: AdmissionPolicies['objects'] = [];
  for (const action of ['deny', 'warn'] as const) {
    const rules = prepared.filter((rule) => rule.parts.some((part) => part.action === action));
    if (rules.length === 0) continue;
    for (const place of PLACES) {
      const name = `${prefix}-${place.id}${action === 'warn' ? '-warn' : ''}`;
      objects.push({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name, labels: { ...LABELS }, annotations: { ...annotations } },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: place.resources.map((entry) => ({
              apiGroups: [entry.group],
              apiVersions: [entry.version],
              operations: ['CREATE', 'UPDATE'],
              resources: [...entry.resources],
            })),
          },
          variables: [...sharedVariables(place), ...rules.flatMap((rule) => rule.variables)],
          validations: rules.flatMap((rule) =>
            rule.parts.filter((part) => part.action === action).map((part) => ({ ...part.validation })),
          ),
        },
      });
      const binding: ValidatingAdmissionPolicyBinding = {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name, labels: { ...LABELS } },
        spec: { policyName: name, validationActions: action === 'deny' ? ['Deny'] : ['Warn', 'Audit'] },
      };
      if (exempt.length > 0) {
        binding.spec.matchResources = {
          namespaceSelector: {
            matchExpressions: [
              { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...exempt] },
            ],
          },
        };
      }
      objects.push(binding);
    }
  }
  return { objects, notEnforced, ignoredSuppressions };
}
