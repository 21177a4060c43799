import { builtinRuleDescriptors } from '@podguard/policy-core';
import { commandHelp, nearest, parseFlags } from '../flags.js';
import { type CliIo, colorFor, UsageError } from '../io.js';
import { renderMarkdown } from '../markdown.js';
import { ruleDoc } from '../ruleDocs.js';
import { EXPLAIN } from './spec.js';

/**
 * `podguard explain RULE`: the rule's docs page, rendered for the terminal. Ids match whatever
 * their case; an unknown id gets the nearest one as a suggestion.
 */
export function runExplain(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseFlags(EXPLAIN, args);
  if (values.help) {
    io.stdout.write(commandHelp(EXPLAIN));
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError('explain takes exactly one rule id; podguard rules lists them');
  const given = positionals[0] as string;
  const ids = builtinRuleDescriptors().map((rule) => rule.id);
  const id = ids.find((candidate) => candidate.toLowerCase() === given.toLowerCase());
  const doc = id === undefined ? undefined : ruleDoc(id);
  if (doc === undefined) {
    const suggestion = nearest(given, ids);
    throw new UsageError(
      `unknown rule "${given}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}; podguard rules lists them`,
    );
  }
  io.stdout.write(renderMarkdown(doc, colorFor(io.stdout, io.env)));
  return 0;
}
