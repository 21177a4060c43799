import { type CliIo, UsageError } from '../io.js';
import { ruleDoc } from '../ruleDocs.js';

/** `podguard explain RULE`: the rule's docs page. */
export function runExplain(args: readonly string[], io: CliIo): number {
  if (args.length !== 1 || (args[0] as string).startsWith('-'))
    throw new UsageError('explain takes exactly one rule id');
  const id = args[0] as string;
  const doc = ruleDoc(id);
  if (doc === undefined) {
    io.stderr.write(`podguard: unknown rule "${id}" (podguard rules lists them)\n`);
    return 2;
  }
  io.stdout.write(doc.endsWith('\n') ? doc : `${doc}\n`);
  return 0;
}
