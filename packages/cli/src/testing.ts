/** In-process runs of the CLI for tests: captured output, no build needed. */
import { Readable } from 'node:stream';
import { type CliIo, main } from './main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `podguard ...args` in `cwd`, with `stdin` as standard input. */
export async function runCli(
  args: string[],
  options: {
    cwd: string;
    stdin?: string;
    env?: Record<string, string>;
    /** Standard output is a terminal. */
    tty?: boolean;
    /** Standard error is a terminal (progress is shown there). */
    stderrTty?: boolean;
    /**
     * Scans may use worker threads: `true` runs the built CLI's (dist/scan-worker.mjs: build
     * first), a string another worker script.
     */
    workers?: true | string;
  },
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from([options.stdin ?? '']),
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty === true },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrTty === true },
    cwd: options.cwd,
    env: options.env ?? {},
    ...(options.workers === true
      ? { workerScript: new URL('../dist/scan-worker.mjs', import.meta.url) }
      : options.workers !== undefined
        ? { workerScript: options.workers }
        : {}),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
