/**
 * @podguard/cli as a library: run the `podguard` command in-process, or scan from code.
 * @packageDocumentation
 */
export { USAGE } from './commands/spec.js';
export { type CliIo, main } from './main.js';
export { type ScanRequest, type ScanResult, scan } from './scan.js';
