/**
 * What every command shares: where the CLI reads and writes, usage errors, argument parsing and
 * output. Commands import this module, never `main.ts`, so the modules form no cycle.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { describeFsError, type FixFs } from './safeWrite.js';

/** Where the CLI reads and writes; `process` in production, buffers in tests. */
export interface CliIo {
  stdin: Readable;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The file system `--fix` writes through; node:fs when absent (tests inject faults). */
  fixFs?: FixFs;
}

/** A usage error: exit 2 with the message and usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `node:util` parseArgs, strict: unknown flags are usage errors. */
export function parse<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(
  args: readonly string[],
  options: T,
) {
  return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
}

/** An output file that cannot be written: one line naming it, exit 2. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/** Writes output to `--output FILE` or stdout. */
export async function emit(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) io.stdout.write(text);
  else {
    try {
      await writeFile(resolve(io.cwd, output), text);
    } catch (error) {
      throw new OutputError(`${output}: cannot write: ${describeFsError(error)}`);
    }
  }
}
