/**
 * The `podguard` command. Exit codes: 0 nothing at or above `--fail-on`; 1 findings; 2 usage
 * error, or an input that could not be read or parsed (the other inputs are still reported).
 */
import { type CliIo, UsageError } from './io.js';
import { cliVersion } from './version.js';

export type { CliIo };

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout.write(`${cliVersion()}\n`);
      return 0;
    }
    // The declarations (and the core, for profile names) load only when needed: `--version` stays fast.
    const { COMMANDS, USAGE } = await import('./commands/spec.js');
    if (command === '--help' || command === '-h' || command === 'help') {
      const spec = COMMANDS.find((c) => c.name === rest[0]);
      if (spec) io.stdout.write((await import('./flags.js')).commandHelp(spec));
      else io.stdout.write(USAGE);
      return 0;
    }
    if (command === undefined) throw new UsageError('no command given; podguard --help lists the commands');
    if (command === 'scan') return await (await import('./commands/scan.js')).runScan(rest, io);
    if (command === 'admission')
      return await (await import('./commands/admission.js')).runAdmission(rest, io);
    if (command === 'rules') return await (await import('./commands/rules.js')).runRules(rest, io);
    if (command === 'explain') return await (await import('./commands/explain.js')).runExplain(rest, io);
    if (command === 'helm-post-render')
      return await (await import('./commands/helmPostRender.js')).runHelmPostRender(rest, io);
    const { nearest } = await import('./flags.js');
    const suggestion = command.startsWith('-')
      ? undefined
      : nearest(
          command,
          COMMANDS.map((c) => c.name),
        );
    throw new UsageError(
      `unknown command "${command}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}; ` +
        'podguard --help lists the commands',
    );
  } catch (error) {
    return reportError(error, io);
  }
}

/** Prints an error on one line, without a stack trace, and returns its exit code. */
export function reportError(error: unknown, io: CliIo): number {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`podguard: ${firstLine}\n`);
    return 2;
  }
  const name = (error as Error | undefined)?.name;
  if (
    name === 'PodguardInputError' ||
    name === 'ConfigError' ||
    name === 'KustomizeError' ||
    name === 'OutputError'
  ) {
    io.stderr.write(`podguard: ${message}\n`);
    return 2;
  }
  io.stderr.write(`podguard: internal error: ${message}\n`);
  return 2;
}
