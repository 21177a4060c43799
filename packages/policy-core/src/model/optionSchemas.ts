/**
 * JSON Schema fragments of podguard's options. Rules declare the options they read with these
 * fragments (`options: { uidRange: UID_RANGE_SCHEMA }`); the options schema, the validator, the
 * docs and every adapter's config are built from those declarations, so no other file keeps a
 * list of options. Two rules that read one option share one fragment (a test checks it).
 */

/** The subset of JSON Schema (draft 2020-12) podguard's option schemas use. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?:
    | 'object'
    | 'array'
    | 'string'
    | 'integer'
    | 'number'
    | 'boolean'
    | 'null'
    | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly default?: unknown;
  readonly deprecated?: boolean;
}

/** The largest UID/GID the kubelet accepts (`math.MaxInt32`). */
export const MAX_ID = 2_147_483_647;

/** A Linux user or group id the kubelet accepts. */
export const ID_SCHEMA: JsonSchema = { type: 'integer', minimum: 0, maximum: MAX_ID };

const PSS_LEVEL_SCHEMA: JsonSchema = { type: 'string', enum: ['privileged', 'baseline', 'restricted'] };

function rangeSchema(what: string): JsonSchema {
  return {
    type: 'object',
    description: `Allowed ${what} range, inclusive (default 1000..2147483647).`,
    properties: { min: ID_SCHEMA, max: ID_SCHEMA },
    additionalProperties: false,
  };
}

/** `uidRange`: the UIDs `runAsUser` (and a Dockerfile's USER) may have. */
export const UID_RANGE_SCHEMA: JsonSchema = rangeSchema('runAsUser');

/** `gidRange`: the GIDs `runAsGroup`, `fsGroup` and `supplementalGroups` may have (gid 0: `allowRootGroup`). */
export const GID_RANGE_SCHEMA: JsonSchema = rangeSchema('runAsGroup/fsGroup/supplementalGroups');

/** `denyUids`: UIDs never allowed, even inside `uidRange`. */
export const DENY_UIDS_SCHEMA: JsonSchema = {
  type: 'array',
  description: 'UIDs never allowed, even inside uidRange (default [65534, 65535]).',
  items: ID_SCHEMA,
};

/** `imageUsers`: image reference → OCI config `User`. */
export const IMAGE_USERS_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'Image reference -> OCI config User string, e.g. { "registry/app:1.2": "1000:0" }; `registry/app:*` matches every tag.',
  additionalProperties: { type: 'string' },
};

/** `allowRootGroup`. */
export const ALLOW_ROOT_GROUP_SCHEMA: JsonSchema = {
  type: 'boolean',
  description: 'Whether gid 0 is allowed (default true: OpenShift runs images with gid 0).',
};

/** `requireRunAsUser`. */
export const REQUIRE_RUN_AS_USER_SCHEMA: JsonSchema = {
  type: 'boolean',
  description: 'Require an explicit runAsUser (hardened: true, openshift: false).',
};

/** `namespaceLevel`. */
export const NAMESPACE_LEVEL_SCHEMA: JsonSchema = {
  ...PSS_LEVEL_SCHEMA,
  description: 'Level a namespace must enforce with pod-security.kubernetes.io/enforce (default restricted).',
};

/** `defaultUser`: the UID fixes and harden() write; null leaves runAsUser to the platform. */
export const DEFAULT_USER_SCHEMA: JsonSchema = {
  description:
    'UID that fixes and harden() write for runAsUser (default 1000; null: leave it to the platform).',
  oneOf: [ID_SCHEMA, { type: 'null' }],
};

/** `defaultGroup`: the GID fixes and harden() write; null writes none. */
export const DEFAULT_GROUP_SCHEMA: JsonSchema = {
  description: 'GID that fixes and harden() write for runAsGroup (default 1000; null: write none).',
  oneOf: [ID_SCHEMA, { type: 'null' }],
};

/** `nonRootBases`: base images known to run as non-root, for Dockerfiles and Jib builds. */
export const NON_ROOT_BASES_SCHEMA: JsonSchema = {
  type: 'array',
  description:
    'Base images known to run as a non-root user (`registry/base:*` for every tag): a final Dockerfile stage on them without USER, or a Jib build on them without a container user, is not reported.',
  items: { type: 'string' },
};

/** Options a rule may read, by name. Adding one: a fragment here and a rule that declares it. */
export type RuleOptionName =
  | 'imageUsers'
  | 'uidRange'
  | 'denyUids'
  | 'gidRange'
  | 'allowRootGroup'
  | 'requireRunAsUser'
  | 'namespaceLevel'
  | 'defaultUser'
  | 'defaultGroup'
  | 'nonRootBases';

/** What a rule declares about the options it reads: each option's schema fragment. */
export type RuleOptions = Readonly<Partial<Record<RuleOptionName, JsonSchema>>>;

/** Severity of a rule setting. */
const SEVERITY_SCHEMA: JsonSchema = { type: 'string', enum: ['error', 'warning'] };

/** `failOn`: which failures make the verdict blocking. */
export const FAIL_ON_SCHEMA: JsonSchema = {
  type: 'string',
  enum: ['error', 'warning', 'none'],
  description:
    'Which failures block (exit 1, synth fails, deployment denied): error (default), warning (errors and warnings), none (nothing blocks).',
};

const SUPPRESSION_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    rule: { type: 'string', description: 'The rule id the suppression covers.' },
    reason: { type: 'string', minLength: 10, description: 'Why; kept on the finding as an audit trail.' },
    expires: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'YYYY-MM-DD; the suppression stops applying after this day (UTC).',
    },
    match: {
      type: 'object',
      properties: {
        kind: { type: 'string' },
        namespace: { type: 'string', description: 'Glob (`*`, `?`).' },
        name: { type: 'string', description: 'Glob (`*`, `?`).' },
        container: { type: 'string' },
      },
      additionalProperties: false,
    },
  },
  required: ['rule', 'reason'],
  additionalProperties: false,
};

/**
 * Options the engine itself reads (not a rule): the profile, the policy version, per-rule
 * settings, suppressions, the blocking threshold and the clock.
 */
export const ENGINE_OPTION_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  profile: {
    description:
      'Profile: baseline, restricted, hardened (latest), hardened:v1 (pinned), openshift, openshift:v1, or a profile object { name, level, rules, options }. Default hardened.',
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        properties: {
          name: { type: 'string' },
          level: PSS_LEVEL_SCHEMA,
          rules: { type: 'array', items: { type: 'string' } },
          options: { type: 'object' },
        },
        required: ['name', 'level', 'rules'],
        additionalProperties: false,
      },
    ],
  },
  level: {
    ...PSS_LEVEL_SCHEMA,
    description: 'Shorthand for the pure PSA profiles; ignored when profile is given.',
  },
  version: {
    type: 'string',
    pattern: '^(latest|v1\\.\\d+)$',
    description: 'Pod Security Standards version: v1.0 ... v1.37 or latest (default).',
  },
  rules: {
    type: 'object',
    description: 'Per-rule settings by rule id: { enabled?, severity? }.',
    additionalProperties: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, severity: SEVERITY_SCHEMA },
      additionalProperties: false,
    },
  },
  suppressions: {
    type: 'array',
    description: 'Suppressions: each names a rule and carries a reason of at least 10 characters.',
    items: SUPPRESSION_SCHEMA,
  },
  failOn: FAIL_ON_SCHEMA,
  now: {
    type: 'string',
    format: 'date-time',
    description: 'Evaluation time, for suppression expiry (default now).',
  },
  podTemplates: {
    type: 'array',
    description:
      'Pod templates in custom resources: for each apiVersion/kind, the JSON pointers of its pod templates (`*` for every item of an array).',
    items: {
      type: 'object',
      properties: {
        apiVersion: { type: 'string', minLength: 1 },
        kind: { type: 'string', minLength: 1 },
        paths: { type: 'array', items: { type: 'string' } },
      },
      required: ['apiVersion', 'kind', 'paths'],
      additionalProperties: false,
    },
  },
  partial: {
    type: 'boolean',
    description:
      'The objects are partial (Kustomize patches, Pulumi ...Patch resources): judged only for what they set; fixes add no fields.',
  },
};

/** Old option names, accepted for one minor version with a deprecation warning. */
export const DEPRECATED_OPTION_NAMES: Readonly<
  Record<string, { readonly replacement: string; readonly until: string }>
> = {
  pssVersion: { replacement: 'version', until: '0.2.0' },
  exemptions: { replacement: 'suppressions', until: '0.2.0' },
  warnings: { replacement: 'failOn', until: '0.2.0' },
};

/** Schema of the deprecated `warnings` option (`fail` is `failOn: warning`; the others `failOn: error`). */
export const WARNINGS_SCHEMA: JsonSchema = {
  type: 'string',
  enum: ['print', 'ignore', 'report', 'fail'],
  deprecated: true,
  description: 'Deprecated: use failOn (`fail` is failOn: warning; print, ignore, report are failOn: error).',
};
