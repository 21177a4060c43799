/**
 * Options accepted by evaluate() and harden(): one shape for the core, the CLI config file,
 * cdk8s and Pulumi.
 */
import type { PssLevel, Severity, Suppression } from '../model/types.js';

/** A profile: a PSS level plus podguard rules and their option defaults. Profiles are data. */
export interface Profile {
  name: string;
  /** PSS level whose upstream checks run (`privileged` runs none). */
  level: PssLevel;
  /** podguard rule ids (beyond PSA) the profile adds. */
  rules: string[];
  /** Option defaults of the profile; explicit options win. */
  options?: Partial<
    Omit<
      EvaluateOptions,
      'profile' | 'level' | 'version' | 'suppressions' | 'now' | 'podTemplates' | 'partial'
    >
  >;
}

export type ProfileName =
  | 'baseline'
  | 'restricted'
  | 'hardened'
  | 'hardened:v1'
  | 'openshift'
  | 'openshift:v1';

/** Per-rule configuration: turn a rule off or change its severity. */
export interface RuleSetting {
  enabled?: boolean;
  severity?: Severity;
}

export interface EvaluateOptions {
  /** Shorthand for the pure PSA profiles; ignored when `profile` is given. */
  level?: PssLevel;
  /** Profile name or object. Default `hardened` (restricted + podguard rules). */
  profile?: ProfileName | Profile;
  /** Policy version: `v1.0` ... `v1.37` or `latest` (default). */
  version?: string;
  /** Image reference -> OCI config `User` string, e.g. `{ "registry/app:1.2": "1000:0" }`. */
  imageUsers?: Record<string, string>;
  /** Allowed runAsUser range, inclusive (default 1000..2147483647). */
  uidRange?: { min?: number; max?: number };
  /** UIDs never allowed (default [65534, 65535]). */
  denyUids?: number[];
  /** Allowed gid range for runAsGroup/fsGroup/supplementalGroups, inclusive (default 1000..2147483647; gid 0 governed by allowRootGroup). */
  gidRange?: { min?: number; max?: number };
  /** Whether gid 0 is allowed (default true). */
  allowRootGroup?: boolean;
  /** Require an explicit runAsUser (hardened: true, openshift: false). */
  requireRunAsUser?: boolean;
  /** Level namespaces must enforce (default `restricted`). */
  namespaceLevel?: PssLevel;
  /** Values harden() writes for runAsUser/runAsGroup (default 1000/1000; openshift leaves runAsUser unset). */
  defaultUser?: number | null;
  defaultGroup?: number | null;
  /** Base images known to run as non-root, for Dockerfiles (`registry/base:*` for every tag). */
  nonRootBases?: string[];
  /** Per-rule settings by rule id. */
  rules?: Record<string, RuleSetting>;
  suppressions?: Suppression[];
  /** Which failures block (exit 1, synth fails, deployment denied): `error` (default), `warning`, `none`. */
  failOn?: FailOn;
  /** Evaluation time, for suppression expiry (default now). */
  now?: Date | string;
  /** @deprecated Use `version` (accepted until 0.2.0, with a `deprecatedOption` warning). */
  pssVersion?: string;
  /** @deprecated Use `suppressions` (accepted until 0.2.0, with a `deprecatedOption` warning). */
  exemptions?: Suppression[];
  /** @deprecated Use `failOn`: `fail` is `failOn: 'warning'`, the others `failOn: 'error'`. */
  warnings?: 'print' | 'ignore' | 'report' | 'fail';
  /**
   * Pod templates in custom resources podguard does not know (or knows differently): for each
   * apiVersion/kind, the JSON pointers of its pod templates (`{ metadata, spec }` objects; `*`
   * stands for every item of an array), e.g.
   * `{ apiVersion: 'batch.example.com/v1', kind: 'Task', paths: ['/spec/steps/*\/template'] }`.
   */
  podTemplates?: PodTemplateDeclaration[];
  /**
   * The input objects are partial (Kustomize patches, Pulumi `...Patch` resources): a field they
   * set to a forbidden value fails as usual; a field they leave out is not a finding, and fixes
   * never add fields. Documents with a `$patch` directive are partial without this option.
   */
  partial?: boolean;
}

/** One entry of {@link EvaluateOptions.podTemplates}. */
export interface PodTemplateDeclaration {
  apiVersion: string;
  kind: string;
  /** JSON pointers of the pod templates; `*` matches every item of an array. */
  paths: string[];
}

/** Which failures make a verdict blocking; input errors block unless `none`. */
export type FailOn = 'error' | 'warning' | 'none';
