/**
 * What every command shares: where the CLI reads and writes, usage errors, colour and output.
 * Commands import this module, never `main.ts`, so the modules form no cycle.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { describeFsError, type FixFs } from './safeWrite.js';

/** Where the CLI reads and writes; `process` in production, buffers in tests. */
export interface CliIo {
  stdin: Readable;
  stdout: {
    write(text: string): unknown;
    isTTY?: boolean;
    /**
     * A stream's `once`: a report written in pieces waits for `drain` between them, and stops at
     * `error` or `close` (a reader gone: `| head -1`).
     */
    once?(event: 'drain' | 'error' | 'close', listener: () => void): unknown;
    removeListener?(event: 'drain' | 'error' | 'close', listener: () => void): unknown;
  };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The scan's worker thread entry (dist/scan-worker.mjs); without it, scans run on one thread. */
  workerScript?: URL | string;
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

/** Pieces of a report are written in batches of about this many characters. */
const BATCH = 64 * 1024;

/**
 * Where a report goes, written in pieces as they come: stdout (waiting for a slow reader between
 * batches, stopping when it is gone) or `--output FILE`. A failed write (a full disk) is one line
 * naming the flag, exit 2.
 */
export class ReportWriter {
  private batch = '';
  private handle: FileHandle | undefined;
  private opened = false;
  /** The reader went away (`| head -1`): the rest is dropped. */
  private gone = false;

  constructor(
    private readonly output: string | undefined,
    private readonly io: CliIo,
  ) {}

  /** Adds text; writes a batch once enough has gathered. */
  async write(text: string): Promise<void> {
    this.batch += text;
    if (this.batch.length >= BATCH) await this.flush();
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    if (this.output !== undefined && !this.opened) await this.open();
    try {
      await this.handle?.close();
    } catch (error) {
      throw new OutputError(`--output ${this.output}: cannot write: ${describeFsError(error)}`);
    } finally {
      this.handle = undefined;
    }
  }

  private async open(): Promise<void> {
    this.opened = true;
    try {
      this.handle = await open(resolve(this.io.cwd, this.output as string), 'w');
    } catch (error) {
      throw new OutputError(`--output ${this.output}: cannot write: ${describeFsError(error)}`);
    }
  }

  private async flush(): Promise<void> {
    const text = this.batch;
    this.batch = '';
    if (text === '' || this.gone) return;
    if (this.output !== undefined) {
      if (!this.opened) await this.open();
      try {
        await this.handle?.write(text);
      } catch (error) {
        await this.handle?.close().catch(() => undefined);
        this.handle = undefined;
        throw new OutputError(`--output ${this.output}: cannot write: ${describeFsError(error)}`);
      }
      return;
    }
    const { stdout } = this.io;
    if (stdout.write(text) !== false || !stdout.once) return;
    const drained = await new Promise<boolean>((settle) => {
      const events = ['drain', 'error', 'close'] as const;
      const listeners = events.map((event) => () => {
        events.forEach((other, index) => {
          stdout.removeListener?.(other, listeners[index] as () => void);
        });
        settle(event === 'drain');
      });
      events.forEach((event, index) => {
        stdout.once?.(event, listeners[index] as () => void);
      });
    });
    // The reader is gone (EPIPE) or the write failed: bin.ts's guard reports it, if at all.
    if (!drained) this.gone = true;
  }
}

/** Writes output to `--output FILE` or stdout: a text, or a report in pieces. */
export async function emit(
  text: string | Iterable<string>,
  output: string | undefined,
  io: CliIo,
): Promise<void> {
  const writer = new ReportWriter(output, io);
  for (const piece of typeof text === 'string' ? [text] : text) await writer.write(piece);
  await writer.close();
}
