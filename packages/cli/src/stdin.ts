/**
 * Standard input as the bin gives it to `scan -`. Node reads a directory on descriptor 0 as an
 * empty stream, and replaces a closed descriptor 0 with /dev/null at startup, so both used to scan
 * as "0 objects", exit 0 (issue 19). They are read errors instead: `-: cannot read: …`, exit 2.
 */
import { fstatSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';

/** Why descriptor 0 cannot be standard input, or undefined when it can. */
export function stdinProblem(fd = 0): string | undefined {
  let stats: ReturnType<typeof fstatSync>;
  try {
    stats = fstatSync(fd);
  } catch {
    return 'standard input is closed';
  }
  if (stats.isDirectory()) return 'standard input is a directory';
  try {
    const devNull = statSync('/dev/null');
    if (stats.isCharacterDevice() && stats.rdev === devNull.rdev)
      return 'standard input is closed (or /dev/null)';
  } catch {
    // No /dev/null (Windows): nothing more to tell.
  }
  return undefined;
}

/** `stdin`, or a stream that fails with `problem` when read. */
export function checkedStdin(stdin: Readable, problem: string | undefined): Readable {
  if (problem === undefined) return stdin;
  return new Readable({
    read() {
      this.destroy(new Error(problem));
    },
  });
}
