/**
 * `--fix`: the core's fixes (`harden`) written into the files as minimal text edits. The core
 * says what each object should become; this module edits only the places where it differs
 * (see yamlEdits.ts), maps the edits onto the file's bytes (fileEdits.ts) and replaces the file
 * atomically, only if it still holds the bytes that were scanned (safeWrite.ts).
 */
import { type EvaluateOptions, harden } from '@podguard/policy-core';
import { type DocumentChunk, InputProblem, parseChunk } from './documents.js';
import { applyByteEdits, type ByteEdit, byteEdits, FileLines, sortByteEdits } from './fileEdits.js';
import type { InputError } from './inputs.js';
import { type CliIo, UsageError } from './io.js';
import { describeFsError, type FixFs, FixWriteError, nodeFixFs, rewriteFile, sha256 } from './safeWrite.js';
import { isKubernetesObject, type KeptDocument, type ScannedFile, type ScanResult } from './scan.js';
import { unifiedDiff } from './unifiedDiff.js';
import { applyEdits, documentEdits, jsonEqual, type TextEdit, UneditableError } from './yamlEdits.js';

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
  /** Apply unsafe fixes too (they change or remove what the author wrote). */
  unsafe: boolean;
  /** The file system (tests inject faults). */
  fs?: FixFs;
}

/** One document's part in the fix: its Kubernetes objects, by index in the hardened array. */
interface DocumentJob {
  /**
   * The parsed document: its tree is released once its edits are known (a big document's tree is
   * large); a List item kept no tree and is parsed again for its edits.
   */
  parsed: KeptDocument | undefined;
  /** Where the document's text is in its file, and the text. */
  place: DocumentChunk;
  value: unknown;
  /** For each Kubernetes object of the document: its index in the document (a sequence) or -1. */
  positions: number[];
  /** Index of the document's first object in the array given to harden. */
  first: number;
  /** The document is a Kustomize patch: hardened on its own as a partial object (fixes add no field). */
  partial: boolean;
}

/** The document's value with its Kubernetes objects replaced by their hardened versions. */
function fixedValue(job: DocumentJob, hardened: readonly unknown[]): unknown {
  if (job.positions[0] === -1) return hardened[job.first];
  const items = [...(job.value as unknown[])];
  job.positions.forEach((position, k) => {
    items[position] = hardened[job.first + k];
  });
  return items;
}

/**
 * The edits for one document, checked: the edited text must parse to exactly the fixed value,
 * else the document is not touched (an {@link UneditableError} says why).
 */
function editsFor(job: DocumentJob, after: unknown, json: boolean): TextEdit[] {
  const { parsed, place } = job;
  if (!parsed) return [];
  const tree = parsed.document ?? parseChunk(place).document;
  const edits = documentEdits(tree, place.text, job.value, after, json);
  // The tree is not needed any more: let it go before the text is parsed again.
  job.parsed = undefined;
  if (edits.length === 0) return edits;
  let value: unknown;
  try {
    // Read back as the scan reads it.
    value = parseChunk({ ...place, text: applyEdits(place.text, edits) }).value;
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
  }
  if (!jsonEqual(value, after)) {
    throw new UneditableError('the edited text would not read as the fixed object; fix it by hand', 0);
  }
  return edits;
}

/**
 * Runs `harden` once on every Kubernetes object of the input, so fixes that depend on other
 * objects (a pod's ServiceAccount, the pods of a namespace) see them all, wherever they are.
 */
function hardenAll(
  files: readonly ScannedFile[],
  options: EvaluateOptions,
  unsafe: boolean,
): { jobs: Map<ScannedFile, DocumentJob[]>; hardened: unknown[]; counts: number[] } {
  const whole: unknown[] = [];
  // Kustomize patches are partial objects: hardened apart, so that no fix adds a field to them.
  const patches: unknown[] = [];
  const jobs = new Map<ScannedFile, DocumentJob[]>();
  for (const scanned of files) {
    const partial = scanned.partial === true;
    const objects = partial ? patches : whole;
    if (!partial) objects.push(...scanned.context);
    const list: DocumentJob[] = [];
    for (const parsed of scanned.documents) {
      const first = objects.length;
      const positions: number[] = [];
      if (Array.isArray(parsed.value)) {
        parsed.value.forEach((item, i) => {
          if (isKubernetesObject(item)) {
            positions.push(i);
            objects.push(item);
          }
        });
      } else if (isKubernetesObject(parsed.value)) {
        positions.push(-1);
        objects.push(parsed.value);
      }
      if (positions.length > 0) {
        const { document: _tree, value, lineCounter: _lines, ...place } = parsed;
        list.push({ parsed, place, value, positions, first, partial });
      }
    }
    // Generated input is never rewritten, but what it declares counts for the other fixes.
    if (!scanned.generated) jobs.set(scanned, list);
    // The jobs hold the documents now; the scan result lets go of them (see DocumentJob.parsed).
    if (!scanned.generated) scanned.documents = [];
  }
  // One array for both: the patches' indexes follow the whole objects'.
  for (const list of jobs.values()) for (const job of list) if (job.partial) job.first += whole.length;
  const hardened: unknown[] = [];
  const counts: number[] = [];
  for (const [objects, partial] of [
    [whole, false],
    [patches, true],
  ] as const) {
    if (objects.length === 0) continue;
    const offset = hardened.length;
    const { object, changes } = harden(objects, {
      ...options,
      unsafe,
      ...(partial ? { partial: true } : {}),
    });
    hardened.push(...object);
    counts.push(...new Array<number>(objects.length).fill(0));
    for (const change of changes)
      counts[offset + change.objectIndex] = (counts[offset + change.objectIndex] ?? 0) + 1;
  }
  return { jobs, hardened, counts };
}

/** The 1-based line of a text offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Fixes the files of a scan; writes them unless `dryRun`. One file's failure never stops the others. */
export async function fixFiles(
  files: readonly ScannedFile[],
  options: EvaluateOptions,
  settings: FixSettings,
): Promise<FileFix[]> {
  const fs = settings.fs ?? nodeFixFs;
  const results: FileFix[] = [];
  const { jobs, hardened, counts } = hardenAll(files, options, settings.unsafe);
  for (const scanned of files) {
    const display = scanned.file.display;
    if (scanned.generated) {
      if (scanned.documents.length > 0) {
        results.push({
          file: display,
          changes: 0,
          skipped: [`generated input (${scanned.generated}) is never rewritten: fix its source`],
        });
      }
      continue;
    }
    const path = scanned.file.path;
    const list = jobs.get(scanned) ?? [];
    if (path === undefined || scanned.hash === undefined || list.length === 0) continue;
    const skipped: string[] = [];
    const planned: { job: DocumentJob; edits: TextEdit[] }[] = [];
    let changes = 0;
    for (const job of list) {
      const count = job.positions.reduce((sum, _, k) => sum + (counts[job.first + k] ?? 0), 0);
      if (count === 0) continue;
      try {
        const edits = editsFor(job, fixedValue(job, hardened), scanned.file.kind === 'json');
        if (edits.length === 0) continue;
        planned.push({ job, edits });
        changes += count;
      } catch (error) {
        if (!(error instanceof UneditableError)) throw error;
        const line = lineAt(job.place.text, error.offset) + job.place.firstLine - 1;
        skipped.push(`document ${job.place.index + 1} (line ${line}): ${error.message}`);
      }
    }
    if (planned.length === 0) {
      if (skipped.length > 0) results.push({ file: display, changes: 0, skipped });
      continue;
    }
    /** The file's new bytes: the planned edits, mapped onto the bytes as they are now. */
    const edit = (bytes: Uint8Array): { lines: FileLines; sorted: ByteEdit[] } => {
      const lines = new FileLines(bytes);
      const all = planned.flatMap(({ job, edits }) => byteEdits(lines, job.place, edits));
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
): Promise<FixOutcome> {
  const fixes = await fixFiles(result.files, result.options, settings);
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
  for (const finding of result.report.findings) {
    const kind = finding.resource.kind;
    if ((kind === 'Dockerfile' || kind === 'Jib') && finding.status === 'fail' && finding.source) {
      const { file, line } = finding.source;
      const what = kind === 'Jib' ? 'Maven and Gradle build files' : 'Dockerfiles';
      io.stderr.write(`podguard: ${file}:${line}: not fixed: ${what} are not rewritten by --fix\n`);
    }
  }
  return { errors, changed: fixes.some((fix) => !fix.error && fix.changes > 0) };
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
