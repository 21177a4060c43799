/**
 * The `podguard` command. Exit codes: 0 nothing at or above `--fail-on`; 1 findings; 2 usage
 * error, or an input that could not be read or parsed (the other inputs are still reported).
 */
import { type CliIo, UsageError } from './io.js';
import { cliVersion } from './version.js';

export type { CliIo };

export const USAGE = `Usage:
  podguard scan [PATH... | -] [--profile baseline|restricted|hardened|openshift] [--pss-version v1.N|latest]
                [--format text|json|sarif|junit] [--output FILE] [--config FILE]
                [--image-user IMAGE=USER]... [--image-config FILE]... [--fail-on error|warning|none]
                [--fix [--unsafe] [--dry-run]] [--summary controls] [--kustomize DIR]...
  podguard rules [--format text|json]     every rule: id, level, severity, description, controls
  podguard explain RULE                    the rule's documentation
  podguard --version | --help

Scans Kubernetes manifests (YAML, JSON, List, helm template output, kubectl get -o yaml dumps) and
Dockerfiles for containers that run as root or break the Pod Security Standards. --kustomize DIR
renders an overlay with kubectl kustomize (or kustomize build) and scans the result.
Exit codes: 0 nothing at or above --fail-on (default error), 1 findings, 2 usage or input errors.
`;

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) throw new UsageError('no command given');
    if (command === '--version' || command === '-v' || command === 'version') {
      io.stdout.write(`${cliVersion()}\n`);
      return 0;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    // The scan code (yaml, the engine) loads only when needed: `--version` stays fast.
    if (command === 'scan') return await (await import('./commands/scan.js')).runScan(rest, io);
    if (command === 'rules') return (await import('./commands/rules.js')).runRules(rest, io);
    if (command === 'explain') return (await import('./commands/explain.js')).runExplain(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    return reportError(error, io);
  }
}

/** Prints an error without a stack trace and returns its exit code. */
export function reportError(error: unknown, io: CliIo): number {
  const code = (error as { code?: string }).code ?? '';
  if (error instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`podguard: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const name = (error as Error).name;
  if (
    name === 'PodguardInputError' ||
    name === 'ConfigError' ||
    name === 'KustomizeError' ||
    name === 'OutputError'
  ) {
    io.stderr.write(`podguard: ${(error as Error).message}\n`);
    return 2;
  }
  io.stderr.write(`podguard: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 2;
}
