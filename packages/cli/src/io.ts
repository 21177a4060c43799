/**
 * What every command shares: where the CLI reads and writes, usage errors, colour and output.
 * Commands import this module, never `main.ts`, so the modules form no cycle.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
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

/** A usage error: exit 2 with its message on one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Whether to colour what goes to `stream`: `FORCE_COLOR` decides when set (`0` or `false` turn
 * colour off, anything else on, even when piped); else `NO_COLOR` (non-empty) and `TERM=dumb` turn
 * it off; else colour only on a terminal.
 */
export function colorFor(stream: { isTTY?: boolean }, env: CliIo['env']): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** An output file that cannot be written: one line naming it, exit 2. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/** Whether a live line (a progress indicator redrawn with `\r`) can be drawn on `stream`. */
export function canRedraw(stream: { isTTY?: boolean }, env: CliIo['env']): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const describeWriteError = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'a parent is not a directory';
  return (error as Error).message;
};

/**
 * Checks that `--output FILE` can be written, before any scanning: a missing directory, a
 * directory in its place or no permission are usage errors naming the flag.
 */
export function checkOutput(output: string, cwd: string): void {
  const path = resolve(cwd, output);
  const fail = (why: string) => {
    throw new UsageError(`--output ${output}: cannot write: ${why}`);
  };
  let target = path;
  try {
    if (statSync(path).isDirectory()) fail('is a directory');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') fail(describeWriteError(error));
    target = dirname(path);
    try {
      if (!statSync(target).isDirectory()) fail(`${dirname(output)} is not a directory`);
    } catch (inner) {
      if (inner instanceof UsageError) throw inner;
      fail(`directory ${dirname(output)} does not exist`);
    }
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (error) {
    fail(describeWriteError(error));
  }
}

/** Writes output to `--output FILE` or stdout. A failed write (a full disk) is one line naming the flag, exit 2. */
export async function emit(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined) {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFile(resolve(io.cwd, output), text);
  } catch (error) {
    throw new OutputError(`--output ${output}: cannot write: ${describeFsError(error)}`);
  }
}
