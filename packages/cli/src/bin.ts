#!/usr/bin/env node
import { main } from './main.js';
import { checkedStdin, stdinProblem } from './stdin.js';
import { guardStdout } from './stdio.js';

const output = guardStdout(process.stdout, process.stderr, () => {
  process.exitCode = 2;
});
const code = await main(process.argv.slice(2), {
  // Fails only when read, so only `scan -` and the Helm post-renderer see the problem.
  stdin: checkedStdin(process.stdin, stdinProblem()),
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  // Built next to this entry (build.mjs).
  workerScript: new URL('./scan-worker.mjs', import.meta.url),
});
process.exitCode = output.failed() ? 2 : code;
