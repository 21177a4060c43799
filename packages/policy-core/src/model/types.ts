/**
 * Public data shapes of the podguard engine. Everything here is plain data:
 * findings can be serialised to JSON, compared in tests and sent over the wire.
 */

/** A Pod Security Standards level, as in `pod-security.kubernetes.io/enforce`. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** The level a rule belongs to: a PSS level, or `hardened` for podguard's rules beyond PSA. */
/**
 * The level a rule belongs to: the PSS levels, `hardened` (podguard's own rules, run by the
 * `hardened` and `openshift` profiles) and `openshift` (checks for OpenShift only).
 */
export type RuleLevel = 'baseline' | 'restricted' | 'hardened' | 'openshift';

/** How bad a failing finding is. `error` fails a build by default; `warning` does not. */
export type Severity = 'error' | 'warning';

/**
 * - `fail`: the object breaks the rule.
 * - `error`: the object could not be evaluated (wrong types, malformed suppression, a rule that threw).
 * - `suppressed`: the object breaks the rule but a suppression with a reason covers it.
 */
export type FindingStatus = 'fail' | 'error' | 'suppressed';

/** An RFC 6901 JSON pointer into the original input object, e.g. `/spec/template/spec/containers/0`. */
export type JsonPointer = string;

/** Identifies the Kubernetes object a finding is about. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/**
 * One RFC 6902 JSON Patch operation against the original object. Fixes are leaf-level: they set
 * one field, append one array element or remove one value, so the patches of different findings
 * compose in any order.
 */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: JsonPointer;
  value?: unknown;
  /**
   * On `add` only: apply it only when nothing is there yet. For an object member, when the member
   * is missing or null (a parent object a fix creates, `{}`); for an append (`.../-`), when no
   * equal element is in the array. podguard's applier honours it; an RFC 6902 applier ignores
   * unknown members, which gives the same result on the object the patch was computed for.
   */
  ifMissing?: true;
}

/** A 1-based line and column in a text. */
export interface TextPosition {
  line: number;
  column: number;
}

/** An edit of a text (a Dockerfile): replace `start`..`end` (end exclusive) with `text`. */
export interface TextEdit {
  start: TextPosition;
  /** Equal to `start` for an insertion. */
  end: TextPosition;
  text: string;
}

/**
 * How a fix treats what the author wrote (Biome's `FixKind::Safe`/`Unsafe`, ESLint's fix vs
 * suggestion):
 * - `safe`: only adds what is missing; never changes or removes a value the author wrote.
 *   `harden()` applies it by default.
 * - `unsafe`: changes or removes an explicit value, or overrides an intent the author stated
 *   (a named ServiceAccount). Applied only when asked (`harden(x, { unsafe: true })`).
 */
export type FixKind = 'safe' | 'unsafe';

/** A mechanical fix: the patch that resolves a finding, its kind, and a sentence saying what it does. */
export interface Fix {
  kind: FixKind;
  description: string;
  /**
   * RFC 6902 operations on the evaluated object. Most rules build them when first read, from that
   * object: read a finding's patch before changing the object it was evaluated on in place.
   */
  patch: JsonPatchOperation[];
  /** For findings about text (Dockerfiles): the edits that apply the fix; `patch` is then empty. */
  edits?: TextEdit[];
}

/** A place in the object that contributes to a finding. */
export interface FindingLocation {
  path: JsonPointer;
  container?: string;
  /** 1-based line and column, for findings about text (Dockerfiles). */
  line?: number;
  column?: number;
}

/** A suppression as written by a user, in code, config or the `podguard.dev/suppress` annotation. */
export interface Suppression {
  rule: string;
  reason: string;
  /** `YYYY-MM-DD`; the suppression stops applying after this day (UTC). */
  expires?: string;
  match?: {
    kind?: string;
    namespace?: string;
    /** Glob on metadata.name: `*` matches any run of characters, `?` one character. */
    name?: string;
    container?: string;
  };
}

/** The suppression that covered a finding, kept on the finding as an audit trail. */
export interface AppliedSuppression {
  reason: string;
  expires?: string;
  source: 'options' | 'annotation';
  /** True when the suppression matched but its `expires` day has passed: the finding stays a failure. */
  expired?: boolean;
}

/** One verdict about one object. A finding is data: it never throws and can be serialised. */
export interface Finding {
  /** Rule id, e.g. `runAsNonRoot` (upstream PSA check ids are kept as they are). */
  rule: string;
  status: FindingStatus;
  /** The level of the rule that produced the finding. */
  level: RuleLevel;
  severity: Severity;
  resource: ResourceRef;
  /** Index of the object in the input array (0 for a single object). */
  objectIndex: number;
  /** The first offending container, when the finding is about containers. */
  container?: string;
  /** JSON pointer of the first offending field (or of the object that should hold it). */
  path: JsonPointer;
  /** Every offending place, in upstream visiting order (init, regular, ephemeral containers). */
  locations: FindingLocation[];
  /** Upstream `forbiddenReason`, e.g. `allowPrivilegeEscalation != false`. */
  reason: string;
  /** Upstream `forbiddenDetail`, e.g. `container "c" must set securityContext.allowPrivilegeEscalation=false`. */
  detail: string;
  /** `reason (detail)`, the way the API server prints one check. */
  message: string;
  /**
   * Message id within the rule (e.g. `nonNumericUser`), one the rule declares in `messages`;
   * engine diagnostics use their own id (`invalidInput`, `unusedSuppression`), a rule that threw
   * `ruleError`.
   */
  messageId: string;
  /** Compliance controls the rule maps to (PSS, CIS, NSA/CISA, ISO 27001). */
  controls: string[];
  fix?: Fix;
  /**
   * Why some offending places get no fix (or no safe one), e.g. `privileged containers cannot set
   * allowPrivilegeEscalation=false; drop privileged first (unsafe)`.
   */
  unfixable?: string;
  suppression?: AppliedSuppression;
}

/** What the engine did with one input object. */
export interface EvaluatedObject {
  objectIndex: number;
  resource: ResourceRef;
  /** `pod`: a pod spec was found and checked; `namespace`: namespace rules ran; `dockerfile`, `jib`: a build file's rules ran; `not-applicable`: no pod spec. */
  kind: 'pod' | 'namespace' | 'dockerfile' | 'jib' | 'not-applicable' | 'invalid';
  /** JSON pointer of the (first) pod spec, for `pod` objects. */
  podSpecPath?: JsonPointer;
  /** Every pod spec, when the object has several (a FlinkDeployment, a Volcano Job...). */
  podSpecPaths?: JsonPointer[];
  /** True when the object was judged as a partial object (a patch): only the values it sets. */
  partial?: boolean;
  /** JSON pointer of the object in the input (`''`, or `/items/3` inside a List). */
  path: JsonPointer;
  /** Ids of the rules that ran on the object (shared between objects: do not modify). */
  rules: readonly string[];
}

/** The result of {@link evaluate}. */
export interface EvaluationResult {
  /** True when no finding has status `fail` with severity `error`, and none has status `error`. */
  allowed: boolean;
  findings: Finding[];
  objects: EvaluatedObject[];
}
