import { builtinRuleDescriptors as ruleDescriptors } from '@podguard/policy-core';
import { commandHelp, parseFlags } from '../flags.js';
import { type CliIo, emit, UsageError } from '../io.js';
import { RULES } from './spec.js';

/** `podguard rules [--format text|json]`. */
export async function runRules(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(RULES, args);
  if (values.help) {
    io.stdout.write(commandHelp(RULES));
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`rules takes no arguments, got "${positionals[0]}"; podguard rules --help`);
  const rules = ruleDescriptors();
  if (values.format === 'json') {
    await emit(`${JSON.stringify(rules, null, 2)}\n`, undefined, io);
    return 0;
  }
  const width = Math.max(...rules.map((rule) => rule.id.length));
  const lines = rules.map(
    (rule) =>
      `${rule.id.padEnd(width)}  ${rule.level.padEnd(10)}  ${rule.severity.padEnd(7)}  ${rule.description}\n${' '.repeat(width + 2)}controls: ${rule.controls.join('; ')}`,
  );
  await emit(`${lines.join('\n')}\n`, undefined, io);
  return 0;
}
