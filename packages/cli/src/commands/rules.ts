import { builtinRuleDescriptors as ruleDescriptors } from '@podguard/policy-core';
import { type CliIo, emit, parse, UsageError } from '../io.js';

/** `podguard rules [--format text|json]`. */
export async function runRules(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string', default: 'text' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const rules = ruleDescriptors();
  if (values.format === 'json') {
    await emit(`${JSON.stringify(rules, null, 2)}\n`, undefined, io);
    return 0;
  }
  if (values.format !== 'text')
    throw new UsageError(`--format must be text or json for rules, got "${values.format}"`);
  const width = Math.max(...rules.map((rule) => rule.id.length));
  const lines = rules.map(
    (rule) =>
      `${rule.id.padEnd(width)}  ${rule.level.padEnd(10)}  ${rule.severity.padEnd(7)}  ${rule.description}\n${' '.repeat(width + 2)}controls: ${rule.controls.join('; ')}`,
  );
  await emit(`${lines.join('\n')}\n`, undefined, io);
  return 0;
}
