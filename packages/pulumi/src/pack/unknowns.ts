/**
 * Which preview-time unknowns can change a rule's verdict.
 *
 * During preview, outputs of resources not yet created are unknown: an image built in the same
 * program, a namespace name, a value read from a secret. Treating every unknown as "cannot decide"
 * would make every rule undecidable for most programs (images are usually outputs); treating them
 * as absent would be a silent pass or a false alarm. So an unknown affects exactly the rules that
 * read it, as each rule declares in the core (`reads`: `securityContext.runAsUser`,
 * `containers[].image`...): no list is kept here. Names decide only suppressions that match on
 * them; the suppression annotation decides every rule; anything this module cannot place (an
 * unknown pod spec, an object it cannot read) counts for every rule.
 */
import {
  type EvaluateOptions,
  extractObject,
  parsePointer,
  podTemplateTable,
  type Rule,
  SUPPRESS_ANNOTATION,
} from '@podguard/policy-core';
import type { UnknownField } from './properties.js';

/** What an unknown can change. */
export type UnknownScope =
  /** Any rule's verdict. */
  | { readonly kind: 'all' }
  /** The verdict of rules that read this field (a path as rules declare them, `containers[].image`). */
  | { readonly kind: 'field'; readonly field: string }
  /** `metadata.name` / `namespace`: suppressions that match on them. */
  | { readonly kind: 'identity' }
  /** No verdict. */
  | { readonly kind: 'none' };

const ALL: UnknownScope = { kind: 'all' };
const NONE: UnknownScope = { kind: 'none' };
const IDENTITY: UnknownScope = { kind: 'identity' };

const CONTAINER_GROUPS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const LISTS = new Set([...CONTAINER_GROUPS, 'volumes']);

function startsWith(tokens: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((token, i) => tokens[i] === token);
}

/** A pod-relative property path as rules declare fields: `containers[].securityContext.privileged`. */
function podField(rest: readonly string[], prefix = ''): UnknownScope {
  if (rest.length === 0) return ALL;
  const [head, index, ...tail] = rest as [string, ...string[]];
  if (!LISTS.has(head)) return { kind: 'field', field: prefix + rest.join('.') };
  // Init and ephemeral containers are `containers[]` to a rule: it reads every container.
  const list = CONTAINER_GROUPS.has(head) ? 'containers' : head;
  if (index === undefined) return { kind: 'field', field: prefix + list };
  return { kind: 'field', field: prefix + [`${list}[]`, ...tail].join('.') };
}

function metadataScope(rest: readonly string[], isNamespace: boolean): UnknownScope {
  if (rest.length === 0) return ALL;
  const key = rest[0];
  if (key === 'name' || key === 'generateName' || key === 'namespace') return IDENTITY;
  if (key === 'annotations') {
    // An unknown annotation map may hold a suppression; an unknown suppression decides everything.
    if (rest.length < 2 || rest[1] === SUPPRESS_ANNOTATION) return ALL;
    return isNamespace ? NONE : { kind: 'field', field: 'metadata.annotations' };
  }
  if (key === 'labels') return isNamespace ? { kind: 'field', field: 'metadata.labels' } : NONE;
  return NONE;
}

/**
 * Places each unknown of a Kubernetes object (read with unknowns left out). Objects without a
 * recognisable pod spec or namespace make every unknown count for every rule.
 */
export function scopeUnknowns(
  object: unknown,
  unknowns: readonly UnknownField[],
  options: EvaluateOptions = {},
): { unknown: UnknownField; scope: UnknownScope }[] {
  if (unknowns.length === 0) return [];
  const extracted = extractObject(object, '', {
    templates: podTemplateTable(options.podTemplates),
    partial: options.partial === true,
  });
  const views =
    extracted.kind === 'pod'
      ? extracted.views.map((view) => ({
          spec: parsePointer(view.specPath),
          metadata: parsePointer(view.metadataPath),
        }))
      : [];
  return unknowns.map((unknown) => {
    const tokens = unknown.tokens;
    let scope: UnknownScope = ALL;
    if (extracted.kind === 'namespace') {
      scope = tokens[0] === 'metadata' ? metadataScope(tokens.slice(1), true) : NONE;
    } else if (extracted.kind === 'pod') {
      // The pod template the unknown sits in (a custom resource may have several).
      const view = views.find(
        ({ spec, metadata }) =>
          startsWith(tokens, spec) || (startsWith(tokens, metadata) && metadata.length > 1),
      );
      if (view && startsWith(tokens, view.spec)) scope = podField(tokens.slice(view.spec.length));
      else if (view) {
        // A pod template's own metadata: what rules read as `metadata.annotations`.
        const rest = tokens.slice(view.metadata.length);
        scope =
          rest.length === 0
            ? ALL
            : rest[0] === 'annotations'
              ? rest.length < 2
                ? ALL
                : { kind: 'field', field: 'metadata.annotations' }
              : NONE;
      } else if (tokens[0] === 'metadata') {
        const scoped = metadataScope(tokens.slice(1), false);
        // A workload's own annotations (other than the suppression) are read by no rule; a
        // Pod's are its pod metadata.
        const podLevel = views.some(({ metadata }) => metadata.length > 1);
        scope = scoped.kind === 'field' && podLevel ? NONE : scoped;
      } else scope = views.some(({ spec }) => startsWith(spec, tokens)) ? ALL : NONE;
    }
    return { unknown, scope };
  });
}

/** Path segments without list markers or indices: `containers[].image` → `containers`, `image`. */
function segments(field: string): string[] {
  return field
    .split('.')
    .map((segment) => segment.replace(/\[\]$/, ''))
    .filter((segment) => !/^\d+$/.test(segment));
}

/** Whether a rule reading `read` can see a change of `field`: one path lies inside the other. */
function overlaps(field: string, read: string): boolean {
  const a = segments(field);
  const b = segments(read);
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether an unknown can change a rule's verdict. */
export function affectsRule(scope: UnknownScope, rule: Rule, matchesByIdentity: boolean): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'identity':
      return matchesByIdentity;
    case 'field':
      return rule.reads.some((read) => overlaps(scope.field, read));
  }
}
