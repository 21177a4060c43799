/**
 * The docs sections that come from declarations match them. `PODGUARD_UPDATE_DOCS=1 npx vitest
 * run packages/policy-core/src/engine/docsSections.test.ts` rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../model/optionSchemas.js';
import { ruleRegistry } from '../rules/index.js';
import { engineDiagnostics } from './diagnosticRules.js';
import {
  DECLARATION_END,
  DECLARATION_START,
  describeSchema,
  diagnosticDeclarationSection,
  optionsPage,
  ruleDeclarationSection,
} from './docsSections.js';

const docs = fileURLToPath(new URL('../../../../docs/', import.meta.url));
const update = process.env.PODGUARD_UPDATE_DOCS === '1';

/** The page with its declaration section replaced (or added before `## Controls`, else at the end). */
function withSection(page: string, section: string): string {
  const start = page.indexOf(DECLARATION_START);
  if (start !== -1) {
    const end = page.indexOf(DECLARATION_END, start) + DECLARATION_END.length;
    return `${page.slice(0, start)}${section}${page.slice(end)}`;
  }
  const controls = page.indexOf('\n## Controls');
  if (controls !== -1) return `${page.slice(0, controls)}\n${section}\n${page.slice(controls)}`;
  return `${page.trimEnd()}\n\n${section}\n`;
}

describe('docs generated from declarations', () => {
  it.each([...ruleRegistry.keys()])('docs/rules/%s.md has the declaration of the rule', (id) => {
    const file = `${docs}rules/${id}.md`;
    const page = readFileSync(file, 'utf8');
    const expected = withSection(page, ruleDeclarationSection(ruleRegistry.get(id)!));
    if (update && expected !== page) writeFileSync(file, expected);
    else expect(page).toBe(expected);
  });

  it.each(engineDiagnostics.map((diagnostic) => [diagnostic.id, diagnostic] as const))(
    'docs/rules/%s.md has the declaration of the engine diagnostic',
    (id, diagnostic) => {
      const file = `${docs}rules/${id}.md`;
      const page = readFileSync(file, 'utf8');
      const expected = withSection(page, diagnosticDeclarationSection(diagnostic));
      if (update && expected !== page) writeFileSync(file, expected);
      else expect(page).toBe(expected);
    },
  );

  it('docs/options.md is the options schema', () => {
    const file = `${docs}options.md`;
    const expected = optionsPage();
    if (update) writeFileSync(file, expected);
    else expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});

describe('describeSchema', () => {
  it.each<[JsonSchema, string]>([
    [{ type: 'integer', minimum: 0, maximum: 10 }, 'integer 0..10'],
    [{ type: 'integer', minimum: 1 }, 'integer 1..'],
    [{ type: 'integer' }, 'integer'],
    [{ type: 'number', minimum: 0 }, 'number'],
    [{ type: 'array' }, 'array of any'],
    [{ type: 'array', items: { type: 'string' } }, 'array of string'],
    [
      {
        type: 'object',
        properties: { min: { type: 'integer', minimum: 0, maximum: 5 }, name: { type: 'string' } },
      },
      '{ min: integer 0..5, name: string }',
    ],
    [{ type: 'object', additionalProperties: { type: 'boolean' } }, 'map of boolean'],
    [{ type: 'object' }, 'object'],
    [{ type: 'string' }, 'string'],
    [{}, 'any'],
    [{ enum: ['a|b', 1] }, '`"a\\|b"`, `1`'],
    [
      { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      'string or array of string',
    ],
  ])('%j is %s', (schema, expected) => {
    expect(describeSchema(schema)).toBe(expected);
  });
});

describe('ruleDeclarationSection', () => {
  it('leaves the description cell of an option without a description empty', () => {
    const rule = ruleRegistry.get('runAsUserRange')!;
    const lines = ruleDeclarationSection({ ...rule, options: { uidRange: { type: 'boolean' } } }).split('\n');
    expect(lines).toContain('| `uidRange` | boolean |  |');
  });
});
