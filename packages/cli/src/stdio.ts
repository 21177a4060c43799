/**
 * Errors writing standard output. A closed pipe (`podguard scan dir | head -1`) ends the output
 * quietly, as `cat` and `grep` do; any other failure (a full disk, `> /dev/full`) is one line on
 * standard error naming standard output, and exit code 2. Never an "Unhandled 'error' event".
 */
import type { Writable } from 'node:stream';
import { describeFsError } from './safeWrite.js';

/**
 * Watches `stdout` for write errors; `failed()` says whether the exit code must be 2, and
 * `onFailure` runs on the first failure (an error may come after the last write returned).
 */
export function guardStdout(
  stdout: Pick<Writable, 'on'>,
  stderr: { write(text: string): unknown },
  onFailure: () => void = () => undefined,
): { failed(): boolean } {
  let failed = false;
  let reported = false;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    failed = true;
    onFailure();
    if (reported) return;
    reported = true;
    stderr.write(`podguard: standard output: cannot write: ${describeFsError(error)}\n`);
  });
  return { failed: () => failed };
}
