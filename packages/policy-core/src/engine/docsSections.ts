/**
 * The parts of the docs that come from declarations: each rule page's "Declaration" section
 * (target, since, fields read, options, messages) and `docs/options.md` (from the options
 * schema). `docsSections.test.ts` checks the pages against these; run it with
 * `PODGUARD_UPDATE_DOCS=1` to rewrite them.
 */
import type { JsonSchema } from '../model/optionSchemas.js';
import type { Rule } from '../rulekit/define.js';
import { optionReaders, podguardOptionsSchema } from './declarations.js';
import type { DiagnosticDeclaration } from './diagnosticRules.js';

/** Markers around the generated section of a rule page. */
export const DECLARATION_START = '<!-- declaration: generated from the rule, do not edit -->';
export const DECLARATION_END = '<!-- end of declaration -->';

const code = (text: string): string => `\`${text.replace(/\|/g, '\\|')}\``;

/** A one-line description of a schema's type, e.g. `integer 0..2147483647`, `array of string`. */
export function describeSchema(schema: JsonSchema): string {
  if (schema.oneOf) return schema.oneOf.map(describeSchema).join(' or ');
  if (schema.enum) return schema.enum.map((value) => code(JSON.stringify(value))).join(', ');
  if (schema.type === 'integer' && schema.minimum !== undefined)
    return `integer ${schema.minimum}..${schema.maximum ?? ''}`;
  if (schema.type === 'array') return `array of ${schema.items ? describeSchema(schema.items) : 'any'}`;
  if (schema.type === 'object' && schema.properties)
    return `{ ${Object.entries(schema.properties)
      .map(([key, value]) => `${key}: ${describeSchema(value)}`)
      .join(', ')} }`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object')
    return `map of ${describeSchema(schema.additionalProperties)}`;
  return String(schema.type ?? 'any');
}

/** The table of a declaration's message ids and their templates. */
function messagesTable(messages: Readonly<Record<string, string>>): string[] {
  return [
    '| message id | template |',
    '|---|---|',
    ...Object.entries(messages).map(([id, template]) => `| \`${id}\` | ${code(template)} |`),
  ];
}

/** The generated "Declaration" section of a rule's docs page. */
export function ruleDeclarationSection(rule: Rule): string {
  const lines = [
    DECLARATION_START,
    '## Declaration',
    `Target \`${rule.target}\` · level \`${rule.level}\` · severity \`${rule.severity}\` · since podguard ${rule.since}.`,
    '',
    `${rule.target === 'dockerfile' ? 'Instructions' : rule.target === 'jib' ? 'Jib parameters' : 'Fields'} read: ${rule.reads.map(code).join(', ')}.`,
    '',
  ];
  const options = Object.entries(rule.options ?? {});
  if (options.length > 0) {
    lines.push('| option | type | description |', '|---|---|---|');
    for (const [name, schema] of options) {
      lines.push(
        `| \`${name}\` | ${describeSchema(schema as JsonSchema)} | ${(schema as JsonSchema).description ?? ''} |`,
      );
    }
  } else lines.push('Options: none.');
  const { admission } = rule;
  lines.push(
    '',
    'inexpressible' in admission
      ? `Admission ([docs/admission.md](../admission.md)): not enforced: ${admission.inexpressible}.`
      : 'partial' in admission
        ? `Admission ([docs/admission.md](../admission.md)): enforced in CEL in part: ${admission.partial}.`
        : 'Admission ([docs/admission.md](../admission.md)): enforced in CEL, with the same verdict and message.',
  );
  lines.push('', ...messagesTable(rule.messages), DECLARATION_END);
  return lines.join('\n');
}

/** The generated "Declaration" section of an engine diagnostic's docs page. */
export function diagnosticDeclarationSection(diagnostic: DiagnosticDeclaration): string {
  const lines = [
    DECLARATION_START,
    '## Declaration',
    `Engine diagnostic · level \`${diagnostic.level}\` · severity \`${diagnostic.severity}\` · since podguard ${diagnostic.since}. It cannot be suppressed.`,
    '',
    ...messagesTable(diagnostic.messages),
    DECLARATION_END,
  ];
  return lines.join('\n');
}

/** `docs/options.md`, from {@link podguardOptionsSchema}. */
export function optionsPage(): string {
  const readers = optionReaders();
  const lines = [
    '# Options',
    '',
    '<!-- generated from podguardOptionsSchema (packages/policy-core/src/engine/declarations.ts); do not edit -->',
    '',
    'One shape for every door: `evaluate()` and `createEvaluation()`, the CLI config file',
    '(`podguard.config.yaml`), cdk8s and Pulumi. The JSON Schema is exported as `podguardOptionsSchema`',
    'and checked by one validator, `validateOptions()`: unknown keys are rejected at every level, with',
    'the key named. Rule options are declared by the rules that read them.',
    '',
    'The same options give the same findings (rule, status, severity, suppression) and the same',
    'blocking decision at every door: `evaluate()`, `podguard scan`, cdk8s `PodSecurity.of(…).validate()`',
    'and its cdk8s-cli plugin, and the Pulumi policy pack. `test/cross-door.test.ts` runs 20 objects',
    'under several option sets through all of them. What a door cannot show is stated there:',
    '',
    '- Dockerfiles are read by the CLI only (a cdk8s app or a Pulumi stack holds none); the Pulumi pack',
    '  refuses suppressions of Dockerfile rules.',
    '- Pulumi shows a suppressed finding as advisory, and reports unused suppressions from a stack',
    '  policy (`podguard-unusedSuppression`) that runs after every resource of the stack (see the',
    '  package README for what it cannot tell).',
    '- A rule whose verdict needs other objects of the input (its declared `facts`: the ServiceAccounts',
    '  for `automountServiceAccountToken`) runs in Pulumi as a stack policy, which sees the whole stack;',
    '  Pulumi cannot remediate a stack policy (`registerPodguardHardening` applies its fix in code).',
    '',
    '| option | type | read by | description |',
    '|---|---|---|---|',
  ];
  for (const [name, schema] of Object.entries(podguardOptionsSchema.properties ?? {})) {
    const by = readers[name] ? readers[name].map((id) => `[${id}](rules/${id}.md)`).join(', ') : 'engine';
    const description = (schema.description ?? '').replace(/ Read by: .*$/, '');
    lines.push(
      `| \`${name}\`${schema.deprecated ? ' (deprecated)' : ''} | ${describeSchema(schema)} | ${by} | ${description} |`,
    );
  }
  lines.push(
    '',
    '## Example',
    '',
    '```yaml',
    '# podguard.config.yaml',
    'profile: hardened:v1',
    'version: v1.30',
    'uidRange: { min: 10000 }',
    'failOn: warning',
    'suppressions:',
    '  - rule: runAsUserRange',
    '    reason: legacy UID until the migration in Q3',
    "    expires: '2099-12-31'",
    '    match: { kind: Deployment, name: legacy-* }',
    '```',
    '',
  );
  return lines.join('\n');
}
