/**
 * `--fix`: the core's fixes written into the files as minimal text edits. The scan plans them as
 * it reads (fixPlan.ts: the core hardens each document, yamlEdits.ts edits only the places where
 * it differs); this module maps the edits onto the file's bytes (fileEdits.ts) and replaces the
 * file atomically, only if it still holds the bytes that were scanned (safeWrite.ts).
 */
import type { LocatedFinding } from '@podguard/policy-core';
import { applyByteEdits, type ByteEdit, byteEdits, FileLines, sortByteEdits } from './fileEdits.js';
import type { InputError } from './inputs.js';
import { type CliIo, UsageError } from './io.js';
import { describeFsError, type FixFs, FixWriteError, nodeFixFs, rewriteFile, sha256 } from './safeWrite.js';
import type { ScannedFile, ScanResult } from './scan.js';
import { unifiedDiff } from './unifiedDiff.js';
import { UneditableError } from './yamlEdits.js';

/** What --fix did (or would do) to one file. */
export interface FileFix {
  file: string;
  /** Fixes applied (or, with --dry-run, that would be). */
  changes: number;
  /** With --dry-run: the unified diff of the change. */
  diff?: string;
  /** Why the file (or some of its documents) was left alone: a note, not an error. */
  skipped?: string[];
  /** Why the file could not be rewritten: an error (exit code 2). */
  error?: string;
}

/** How to fix. */
export interface FixSettings {
  /** Print the diff instead of writing. */
  dryRun: boolean;
  /** The file system (tests inject faults). */
  fs?: FixFs;
}

/** Fixes the files of a scan from the fixes it planned; writes them unless `dryRun`. One file's failure never stops the others. */
export async function fixFiles(files: readonly ScannedFile[], settings: FixSettings): Promise<FileFix[]> {
  const fs = settings.fs ?? nodeFixFs;
  const results: FileFix[] = [];
  for (const scanned of files) {
    const display = scanned.file.display;
    const skipped = [...scanned.fixNotes];
    const planned = scanned.fixes;
    const path = scanned.file.path;
    if (planned.length === 0 || path === undefined || scanned.hash === undefined) {
      if (skipped.length > 0) results.push({ file: display, changes: 0, skipped });
      continue;
    }
    const changes = planned.reduce((sum, fix) => sum + fix.changes, 0);
    /** The file's new bytes: the planned edits, mapped onto the bytes as they are now. */
    const edit = (bytes: Uint8Array): { lines: FileLines; sorted: ByteEdit[] } => {
      const lines = new FileLines(bytes);
      const all = planned.flatMap(({ placed }) => byteEdits(lines, placed));
      return { lines, sorted: sortByteEdits(all) };
    };
    const result: FileFix = { file: display, changes, ...(skipped.length > 0 ? { skipped } : {}) };
    try {
      if (settings.dryRun) {
        let bytes: Buffer;
        try {
          bytes = await fs.readFile(path);
        } catch (error) {
          throw new FixWriteError(`cannot read: ${describeFsError(error)}`);
        }
        if (sha256(bytes) !== scanned.hash) {
          throw new FixWriteError('the file changed since it was scanned; run podguard again');
        }
        const { lines, sorted } = edit(bytes);
        result.diff = unifiedDiff(lines, sorted, display);
      } else {
        await rewriteFile(fs, path, scanned.hash, (bytes) => {
          const { sorted } = edit(bytes);
          return applyByteEdits(bytes, sorted);
        });
      }
    } catch (error) {
      if (error instanceof FixWriteError) result.error = `not fixed: ${error.message}`;
      else if (error instanceof UneditableError) result.error = `not fixed: ${error.message}`;
      else throw error;
      result.changes = 0;
    }
    results.push(result);
  }
  return results;
}

/** What a --fix run leaves for the report. */
export interface FixOutcome {
  /** Files that could not be rewritten: input errors of the report (exit code 2). */
  errors: InputError[];
  /** Some file was (or, with --dry-run, would be) changed. */
  changed: boolean;
}

/**
 * Runs --fix on a scan's files and says on standard error what it did; with --dry-run, prints the
 * diffs on standard output instead.
 */
export async function runFix(
  result: ScanResult,
  settings: FixSettings,
  io: Pick<CliIo, 'stdout' | 'stderr'>,
  /** The scan's findings about Dockerfiles and Jib builds (the scan keeps no others for --fix). */
  advice: readonly LocatedFinding[] = result.report.findings,
): Promise<FixOutcome> {
  const fixes = await fixFiles(result.files, settings);
  const errors: InputError[] = [];
  for (const fix of fixes) {
    for (const note of fix.skipped ?? []) io.stderr.write(`podguard: ${fix.file}: not fixed: ${note}\n`);
    if (fix.error) {
      io.stderr.write(`podguard: ${fix.file}: ${fix.error}\n`);
      errors.push({ file: fix.file, message: fix.error });
    } else if (settings.dryRun) {
      if (fix.diff) io.stdout.write(fix.diff);
    } else if (fix.changes > 0) {
      io.stderr.write(`podguard: ${fix.file}: applied ${fix.changes} fix${fix.changes === 1 ? '' : 'es'}\n`);
    }
  }
  // Dockerfile and Jib fixes are advice (which UID an image should run as is the author's call).
  for (const finding of advice) {
    if (!isFixAdvice(finding) || !finding.source) continue;
    const { file, line } = finding.source;
    const what = finding.resource.kind === 'Jib' ? 'Maven and Gradle build files' : 'Dockerfiles';
    io.stderr.write(`podguard: ${file}:${line}: not fixed: ${what} are not rewritten by --fix\n`);
  }
  return { errors, changed: fixes.some((fix) => !fix.error && fix.changes > 0) };
}

/** A failing finding about a Dockerfile or a Jib build, which --fix does not rewrite but names. */
export function isFixAdvice(finding: LocatedFinding): boolean {
  const kind = finding.resource.kind;
  return (
    (kind === 'Dockerfile' || kind === 'Jib') && finding.status === 'fail' && finding.source !== undefined
  );
}

/**
 * `--fix=unsafe` is `--fix --unsafe` and `--fix=safe` is `--fix` (node's parseArgs takes no value
 * on a boolean flag).
 */
export function fixArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (arg === '--fix=unsafe') out.push('--fix', '--unsafe');
    else if (arg === '--fix=safe') out.push('--fix');
    else if (arg.startsWith('--fix=')) {
      throw new UsageError(`--fix takes no value, or =safe or =unsafe, got "${arg.slice('--fix='.length)}"`);
    } else out.push(arg);
  }
  return out;
}

/** The injected file system for --fix, if the caller gave one. */
export function fixFs(io: CliIo): { fs?: FixFs } {
  return io.fixFs ? { fs: io.fixFs } : {};
}
