/**
 * What follows from the rules' declarations, so that no other file keeps a list of rules,
 * options or fields: the options JSON Schema, which rules read a field (for partial evaluation
 * of invalid objects and for Pulumi preview's unknown values), and which options a rule reads.
 */
import {
  DEPRECATED_OPTION_NAMES,
  ENGINE_OPTION_SCHEMAS,
  type JsonSchema,
  type RuleOptionName,
  WARNINGS_SCHEMA,
} from '../model/optionSchemas.js';
import type { JsonPointer } from '../model/types.js';
import { extractObject } from '../podspec/extract.js';
import { parsePointer } from '../podspec/pointer.js';
import type { Rule } from '../rulekit/define.js';
import { ruleRegistry } from '../rules/index.js';

/** Each option rules read, with its schema fragment and the ids of the rules that read it. */
function collectRuleOptions(): Map<RuleOptionName, { schema: JsonSchema; rules: string[] }> {
  const out = new Map<RuleOptionName, { schema: JsonSchema; rules: string[] }>();
  for (const rule of ruleRegistry.values()) {
    for (const [name, schema] of Object.entries(rule.options ?? {}) as [RuleOptionName, JsonSchema][]) {
      const known = out.get(name);
      if (!known) out.set(name, { schema, rules: [rule.id] });
      else if (known.schema !== schema) {
        throw new Error(`rule ${rule.id} declares option ${name} with another schema than ${known.rules[0]}`);
      } else known.rules.push(rule.id);
    }
  }
  return out;
}

const ruleOptions = collectRuleOptions();

/** The ids of the rules that read each option, from the rules' `options` declarations. */
export function optionReaders(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, { rules }] of ruleOptions) out[name] = [...rules];
  return out;
}

function buildOptionsSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...ENGINE_OPTION_SCHEMAS };
  for (const [name, { schema, rules }] of ruleOptions) {
    properties[name] = {
      ...schema,
      description: `${schema.description ?? ''} Read by: ${rules.join(', ')}.`.trim(),
    };
  }
  for (const [name, { replacement, until }] of Object.entries(DEPRECATED_OPTION_NAMES)) {
    const current = name === 'warnings' ? WARNINGS_SCHEMA : properties[replacement];
    properties[name] = {
      ...current,
      deprecated: true,
      description: `Deprecated: use ${replacement} (removed in ${until}).`,
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://podguard.dev/schemas/options.json',
    title: 'podguard options',
    description:
      'Options of evaluate(), the podguard CLI config file, cdk8s and Pulumi: one shape for every door. Unknown keys are rejected.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}

/**
 * The JSON Schema (draft 2020-12) of podguard's options, built from the engine's options and the
 * options each rule declares. The CLI config file, cdk8s and the Pulumi `configSchema` use it
 * unchanged; {@link validateOptions} is its one validator.
 */
export const podguardOptionsSchema: JsonSchema = Object.freeze(buildOptionsSchema());

/** A field path as segments; `containers[]` and `volumes[]` are one segment each. */
function segments(field: string): string[] {
  return field.split('.');
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) if (a[index] !== b[index]) return false;
  return true;
}

const CONTAINER_GROUPS = new Set(['initContainers', 'containers', 'ephemeralContainers']);

/**
 * A field path from JSON pointer tokens relative to the pod spec: container groups and their
 * index become `containers[]`, a volume index `volumes[]`, other array indexes are dropped.
 */
export function fieldOfSpecTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as string;
    if (index === 0 && CONTAINER_GROUPS.has(token)) {
      out.push('containers[]');
    } else if (index === 0 && token === 'volumes') {
      out.push('volumes[]');
    } else if (!/^\d+$/.test(token)) out.push(token);
  }
  return out;
}

/**
 * The rules whose verdict a field can change, from their `reads` declarations: a rule that reads
 * the field, a field inside it, or a field it is inside. `field` is written as rules declare
 * it (`securityContext.runAsUser`, `containers[].image`; `containers[0]`, `initContainers[1]` and
 * `volumes[2]` are accepted too, and `containers` or `volumes` alone for the whole list). Registry
 * order.
 */
export function rulesReading(field: string, target: Rule['target'] = 'pod'): string[] {
  const normalized = field
    .replace(/^(?:initContainers|containers|ephemeralContainers)(?:\[\d*\])?(?=\.|$)/, 'containers[]')
    .replace(/^volumes(?:\[\d*\])?(?=\.|$)/, 'volumes[]')
    .replace(/\[\d+\]/g, '');
  return readersOf(segments(normalized), target);
}

function readersOf(field: readonly string[], target: Rule['target']): string[] {
  const out: string[] = [];
  for (const rule of ruleRegistry.values()) {
    if (rule.target !== target) continue;
    if (rule.reads.some((read) => overlaps(segments(read), field))) out.push(rule.id);
  }
  return out;
}

const ALL_POD_RULES = (): string[] =>
  [...ruleRegistry.values()].filter((rule) => rule.target === 'pod').map((rule) => rule.id);

function isInside(path: readonly string[], parent: readonly string[]): boolean {
  return parent.length <= path.length && overlaps(path, parent);
}

/**
 * Which rules an unknown value (a Pulumi preview's computed output) at `at` in `object` affects:
 * exactly the rules that read that field. A value above the pod spec (the whole template, the
 * `kind`) affects every rule of the object; a field no rule reads (`/spec/replicas`), or any field
 * of an object that holds no pod (a ConfigMap), none.
 *
 * @param object The Kubernetes object, unknown values left in place (any placeholder will do).
 * @param at JSON pointer of the unknown value in `object`.
 */
export function rulesAffectedByUnknown(object: unknown, at: JsonPointer): string[] {
  const path = parsePointer(at);
  if (path.length === 0 || path[0] === 'kind' || path[0] === 'apiVersion') {
    return [...ruleRegistry.values()]
      .filter((rule) => rule.target === 'pod' || rule.target === 'namespace')
      .map((rule) => rule.id);
  }
  const extracted = extractObject(object);
  // A Namespace: its rules read its metadata, and no other field (`/spec/finalizers`) is read.
  if (extracted.kind === 'namespace') return readersOf(path, 'namespace');
  // An object that holds no pod (a ConfigMap): no rule reads it. One that cannot be read (a
  // template that is the unknown value itself): every pod rule depends on it.
  if (extracted.kind === 'not-applicable') return [];
  if (extracted.kind !== 'pod') return ALL_POD_RULES();
  const spec = parsePointer(extracted.view.specPath);
  const metadata = parsePointer(extracted.view.metadataPath);
  // The unknown value holds the pod spec or its metadata: every rule depends on it.
  if (isInside(spec, path) || isInside(metadata, path)) return ALL_POD_RULES();
  if (isInside(path, spec)) return readersOf(fieldOfSpecTokens(path.slice(spec.length)), 'pod');
  if (isInside(path, metadata)) return readersOf(['metadata', ...path.slice(metadata.length)], 'pod');
  return [];
}

/**
 * Whether a rule reads any of `fields` (or a field inside or around one). Asked only for objects
 * with wrongly typed fields.
 */
export function readsAnyOf(rule: Rule, fields: readonly (readonly string[])[]): boolean {
  return rule.reads.some((read) => fields.some((field) => overlaps(segments(read), field)));
}

/** The fields (as segments) that type problems make unreadable, relative to the pod. */
export function unreadableFields(
  problems: readonly { path: JsonPointer }[],
  view: { specPath: JsonPointer; metadataPath: JsonPointer },
): string[][] {
  const spec = parsePointer(view.specPath);
  const metadata = parsePointer(view.metadataPath);
  return problems.map((problem) => {
    const path = parsePointer(problem.path);
    if (isInside(path, spec)) return fieldOfSpecTokens(path.slice(spec.length));
    if (isInside(path, metadata) && path.length > metadata.length)
      return ['metadata', ...path.slice(metadata.length)];
    // The spec or the metadata itself: every rule reads it.
    return [];
  });
}
