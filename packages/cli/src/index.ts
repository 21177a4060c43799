/**
 * @podguard/cli as a library: run the `podguard` command in-process, or scan from code.
 * @packageDocumentation
 */
export { type CliIo, main, USAGE } from './main.js';
export { type ScanRequest, type ScanResult, scan } from './scan.js';
