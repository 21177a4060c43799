/**
 * The scan: inputs → documents → the core's verdicts → a located report. No rule logic here:
 * every verdict comes from @podguard/policy-core.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  type CheckedObject,
  createEvaluation,
  dockerfileUser,
  type EvaluatedObject,
  type EvaluateOptions,
  type EvaluationResult,
  type EvaluationSession,
  imageUsersFromImageConfig,
  type JibBuildFormat,
  jibBuildFormat,
  type LocatedFinding,
  mavenParentPath,
  PodguardInputError,
  type ScanReport,
  type SourceLocation,
} from '@podguard/policy-core';
import { reviewChart } from './chartReview.js';
import type { PodguardConfig } from './config.js';
import {
  type DocumentChunk,
  filePosition,
  InputProblem,
  type ParsedDocument,
  parseChunk,
  peekKind,
  readChunks,
  splitChunks,
} from './documents.js';
import { type DocumentFix, FixPlanner, type PlannedDocument } from './fixPlan.js';
import { inlinePatches } from './inlinePatches.js';
import { chartFile, collectInputs, type InputError, type InputFile } from './inputs.js';
import { JsonIndex } from './jsonIndex.js';
import {
  isKustomization,
  json6902Object,
  json6902Source,
  type KustomizePatch,
  kustomizePatches,
  renderKustomize,
  targetApiVersion,
} from './kustomize.js';
import { OriginLocator } from './origins.js';
import {
  type HerePart,
  type RenderedFormat,
  scanOnThreads,
  type Tally,
  tallyFindings,
} from './parallelScan.js';
import { findTemplateAction, UNRENDERED_TEMPLATE } from './templates.js';

/** How far a scan is: files done, and bytes read of the files' total size (stdin counts 0). */
export interface ScanProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  /** Bytes read so far from standard input, whose size is not known beforehand. */
  stdinBytes: number;
}

export interface ScanRequest {
  paths: string[];
  cwd: string;
  stdin: Readable;
  /**
   * Options for the core: profile, version, imageUsers, UID/GID policy, rules, suppressions,
   * failOn, nonRootBases. One evaluation session runs every manifest and Dockerfile with them.
   */
  options: EvaluateOptions;
  /** Image users from `--image-user` (they win over every other source). */
  imageUsers: Record<string, string>;
  /** `--image-config` files and the config file's `imageConfigs`. */
  imageConfigs: string[];
  /** The config file's `imageDockerfiles`, resolved against its directory. */
  imageDockerfiles: Record<string, string>;
  /** What Jib builds are given: the config file's `jibProperties` (`-D`) and `mavenProfiles` (`-P`). */
  jibBuild?: { properties: Record<string, string>; profiles: string[] | undefined };
  /** Kustomization directories to render (`--kustomize`) and scan. */
  kustomize?: string[];
  /** PATH to find kubectl or kustomize on (default: the process's). */
  toolPath?: string;
  /** Inputs made in memory (a chart rendered by `helm template`), scanned after `paths`. */
  rendered?: InputFile[];
  /** Keep parsed documents of rewritable files (Helm post-rendering rewrites them). */
  keepDocuments: boolean;
  /** Plan the fixes of --fix while scanning (unsafe ones too when asked): see {@link ScannedFile.fixes}. */
  fix?: { unsafe: boolean };
  /**
   * Takes the findings as the scan finds them (after each document, or each item of a List read
   * item by item), with the objects checked in the same document or item, for reports written
   * while the scan runs: the result's `findings` and `objects` are then empty, and memory does not
   * grow with them. A finding about a checked object comes in the same batch as the object. Not
   * with `keepDocuments` (--fix needs them).
   */
  sink?: (findings: LocatedFinding[], objects: CheckedObject[]) => Promise<void>;
  /**
   * With a sink: hand over the checked objects of List items too (JUnit's test cases need them).
   * Without it they are not made: an item is located only when it has a finding.
   */
  sinkObjects?: boolean;
  /**
   * With a sink and worker threads, for a report in a separable format (`StreamedFormat.separable`):
   * workers write the text of their findings in `format` and the scan hands it over to `write`
   * (`count` findings, in order with the sink's batches) instead of the findings themselves.
   */
  render?: {
    format: RenderedFormat;
    write(text: string, count: number): Promise<void>;
  };
  /**
   * Worker threads (`--jobs`): the worker script (dist/scan-worker.mjs) and how many. They are
   * used when the input is files read in a first pass (see {@link learnsFirst}) and nothing is
   * fixed; the report is the same as one thread's. Without it, one thread.
   */
  workers?: {
    script: URL | string;
    jobs: number;
    /** Use them however small the input (`--jobs` was given); else only for inputs worth it. */
    always: boolean;
  };
  /** Called as the scan goes: after each file, and after each document of a streamed file. */
  onProgress?: (progress: ScanProgress) => void;
  version: string;
}

/** A scanned file whose documents can be rewritten by --fix. */
export interface ScannedFile {
  file: InputFile;
  /** With `keepDocuments`: the documents a fix would change, parsed (Helm post-rendering rewrites them). */
  documents: ParsedDocument[];
  /** Why the file must not be rewritten (stdin, Helm output), if so. */
  generated?: string;
  /** The file is a Kustomize patch: fixes never add fields to it. */
  partial?: boolean;
  /** SHA-256 of the bytes scanned: --fix rewrites the file only if it still has them. */
  hash?: string;
  /** With `fix`: the edits of each document a fix changes (none for input that is never rewritten). */
  fixes: DocumentFix[];
  /** With `fix`: why documents (or the whole file) were left alone, as notes. */
  fixNotes: string[];
}

export interface ScanResult {
  report: ScanReport;
  files: ScannedFile[];
  /** The options the core ran with (image users merged). */
  options: EvaluateOptions;
  /** Whether a finding blocks under the options' `failOn` (the session's verdict). */
  blocking: boolean;
}

/** Files up to this size are read whole; larger ones are streamed. */
const WHOLE_FILE_LIMIT = 1024 * 1024;

/**
 * Files read whole (each up to {@link WHOLE_FILE_LIMIT}, from disk) are read in a first pass that
 * teaches the session the cross-object facts (ServiceAccounts, and the pods of the Namespaces
 * without an enforce label) before anything is judged, so their verdicts do not depend on the order
 * of files. Of what the first pass parses, up to this much text is kept for the second pass (the
 * rest is parsed again). Standard input, tools' output and larger files (cluster dumps) keep memory
 * bounded by the largest document: their facts count for the objects after them
 * (docs/fixes.md#cross-object-facts).
 */
const LEARN_FIRST_KEEP = 8 * 1024 * 1024;

/** A file read and parsed by the first pass, reused by the second. */
export interface Prepared {
  readonly bytes: Buffer;
  readonly chunks: readonly DocumentChunk[];
  readonly parsed: Map<DocumentChunk, ParsedDocument>;
}

/** Whether a manifest is read in the first pass ({@link LEARN_FIRST_KEEP}): a file on disk read whole. */
const readFirst = (file: InputFile): boolean =>
  file.path !== undefined &&
  file.rendered === undefined &&
  file.text === undefined &&
  file.size <= WHOLE_FILE_LIMIT;

/** Whether every manifest of the input is read in the first pass: its facts are then all there is. */
export function learnsFirst(files: readonly InputFile[]): boolean {
  return files.every((file) => (file.kind !== 'manifest' && file.kind !== 'json') || readFirst(file));
}

/**
 * With `--jobs` not given, worker threads are started only for more input than this: a thread's
 * start and its compiler's warm-up cost about 0.3 s of CPU, which a smaller scan does not win back
 * (`node packages/cli/bench/cli.bench.mjs jobs`).
 */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;
const WORKER_MIN_FILES = 16;

/**
 * How many worker threads scan the files (0: the scan runs on this thread): only for files read
 * in a first pass (the caller checks it: {@link learnsFirst}), when nothing is rewritten.
 */
function workerCount(request: ScanRequest, files: readonly InputFile[]): number {
  const workers = request.workers;
  if (!workers || workers.jobs < 2 || request.keepDocuments || request.fix) return 0;
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  if (!workers.always && (files.length < WORKER_MIN_FILES || bytes < WORKER_MIN_BYTES)) return 0;
  const jobs = Math.min(workers.jobs, files.length);
  return jobs > 1 ? jobs : 0;
}

/** Kinds whose objects give facts whatever their namespace: parsed by the first pass. */
const FACT_KINDS: ReadonlySet<string> = new Set(['Namespace', 'ServiceAccount']);

/**
 * The first pass over the files read whole ({@link LEARN_FIRST_KEEP}). It parses and learns the documents
 * that give facts (Namespaces, ServiceAccounts, Lists, and any whose kind is not plain from its
 * top-level lines) and sets aside those with a pod: their facts count only for Namespaces without
 * an enforce label, so {@link FirstPass.learnPods} parses them only if the input has one. Of a
 * file with a bad document, what comes before it is learned (the second pass judges it). When it
 * read every input ({@link learnsFirst}), the caller makes these the session's facts for good
 * ({@link EvaluationSession.adoptFacts}), so verdicts depend neither on the order of files nor on
 * how they are shared among threads; else the inputs it could not read add theirs as they are read.
 */
export class FirstPass {
  /** Files with documents kept parsed for the second pass. */
  readonly prepared = new Map<InputFile, Prepared>();
  /** Per file, the positions of its chunks set aside (documents with a pod). */
  readonly #podChunks = new Map<InputFile, number[]>();
  #kept = 0;

  constructor(
    private readonly patches: ReadonlyMap<string, unknown>,
    private readonly session: EvaluationSession,
    private readonly planner: FixPlanner | undefined,
  ) {}

  /** Learns the facts of `files` but for their pods. */
  learn(files: readonly InputFile[]): void {
    for (const file of files) {
      if ((file.kind !== 'manifest' && file.kind !== 'json') || !readFirst(file)) continue;
      if (file.path === undefined || this.patches.has(file.path)) continue;
      const keep = isKustomization(file.path);
      const pods: number[] = [];
      this.#read(file, (chunk, index) => {
        if (keep || chunk.item !== undefined || chunk.inline) return true;
        const header = peekKind(chunk.text);
        if (header === undefined || header.kind.endsWith('List') || FACT_KINDS.has(header.kind)) return true;
        if (this.session.reads(header.apiVersion, header.kind)) pods.push(index);
        return false;
      });
      if (pods.length > 0) this.#podChunks.set(file, pods);
    }
  }

  /** Learns the pods set aside: the facts of the Namespaces without an enforce label need them. */
  learnPods(): void {
    for (const [file, pods] of this.#podChunks) {
      const wanted = new Set(pods);
      this.#read(file, (_, index) => wanted.has(index));
    }
    this.#podChunks.clear();
  }

  /**
   * Reads `file` (again, unless kept) and parses and learns the chunks `parse` picks, keeping them
   * while {@link LEARN_FIRST_KEEP} allows. Stops at the first that cannot be read.
   */
  #read(file: InputFile, parse: (chunk: DocumentChunk, index: number) => boolean): void {
    let ready = this.prepared.get(file);
    let bytes = ready?.bytes;
    try {
      bytes ??= readFileSync(file.path as string);
    } catch {
      return; // The second pass reads it again and reports the problem.
    }
    const chunks = ready?.chunks ?? splitChunks(bytes.toString('utf8'), file.kind === 'json', true);
    const seen: DocumentChunk[] = [];
    try {
      let index = 0;
      for (const chunk of chunks) {
        seen.push(chunk);
        if (!parse(chunk, index++)) continue;
        const document = ready?.parsed.get(chunk) ?? parseChunk(chunk);
        const values = (Array.isArray(document.value) ? document.value : [document.value]).filter(
          isKubernetesObject,
        );
        this.session.learn(values);
        this.planner?.learn(values);
        if (ready?.parsed.has(chunk) || this.#kept + chunk.text.length > LEARN_FIRST_KEEP) continue;
        this.#kept += chunk.text.length;
        ready ??= { bytes, chunks: seen, parsed: new Map() };
        ready.parsed.set(chunk, document);
      }
    } catch {
      // Invalid: the second pass reads it again and reports the problem; nothing of it is kept.
      for (const chunk of ready?.parsed.keys() ?? []) this.#kept -= chunk.text.length;
      this.prepared.delete(file);
      return;
    }
    if (ready && !this.prepared.has(file)) this.prepared.set(file, ready);
  }
}

/**
 * Whether a document need not be parsed: its top-level lines say plainly an `apiVersion` and a
 * `kind` the session does not read (no pod template, no Namespace, ServiceAccount or List).
 */
function skipsParsing(chunk: DocumentChunk, session: EvaluationSession): boolean {
  if (chunk.inline) return false;
  const header = peekKind(chunk.text);
  return header !== undefined && !session.reads(header.apiVersion, header.kind);
}

export const isKubernetesObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as Record<string, unknown>).kind === 'string' &&
  typeof (value as Record<string, unknown>).apiVersion === 'string';

/**
 * A document meant as a Kubernetes object that is not a valid one: it has `kind` (of any type), or
 * `metadata` with `apiVersion` or `spec`, or `apiVersion` with `spec`, but not both identity fields
 * as strings. It goes to the
 * core, which reports it as `invalidInput` (kubectl refuses it); documents with none of these
 * (values files, other tools' configuration) are still skipped (issue 19).
 */
const isBrokenKubernetesObject = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isKubernetesObject(value))
    return false;
  const has = (key: string) => Object.hasOwn(value, key);
  // `apiVersion` alone is no sign: Helm's Chart.yaml has one (and `name`, `version`).
  return has('kind') || ((has('apiVersion') || has('metadata')) && (has('metadata') || has('spec')));
};

/** Image users from every source: image configs, Dockerfiles, then `--image-user`. */
async function resolveImageUsers(
  request: ScanRequest,
  errors: InputError[],
): Promise<Record<string, string>> {
  const users: Record<string, string> = { ...(request.options.imageUsers ?? {}) };
  for (const entry of request.imageConfigs) {
    // `IMAGE=FILE` names the image an OCI config belongs to; `docker inspect` output names itself.
    const match = /^([^=]+)=(.+)$/.exec(entry);
    const [reference, file] = match ? [match[1], match[2] as string] : [undefined, entry];
    const path = resolve(request.cwd, file);
    try {
      Object.assign(users, imageUsersFromImageConfig(JSON.parse(await readFile(path, 'utf8')), reference));
    } catch (error) {
      errors.push({ file, message: `cannot read image config: ${(error as Error).message}` });
    }
  }
  for (const [image, file] of Object.entries(request.imageDockerfiles)) {
    try {
      const user = dockerfileUser(await readFile(file, 'utf8'));
      // An image whose Dockerfile sets no USER runs as root: the empty OCI User.
      users[image] = user?.user ?? '';
    } catch (error) {
      errors.push({
        file,
        message: `cannot read Dockerfile for image ${image}: ${(error as Error).message}`,
      });
    }
  }
  return Object.assign(users, request.imageUsers);
}

/** Runs a scan. Throws only for invalid options (PodguardInputError). */
export async function scan(request: ScanRequest): Promise<ScanResult> {
  const { files, errors, charts } = collectInputs(request.paths, request.cwd);
  files.push(...(request.rendered ?? []));
  for (const directory of request.kustomize ?? []) {
    const absolute = resolve(request.cwd, directory);
    const rendered = renderKustomize(absolute, request.toolPath);
    files.push({
      display: `${rendered.tool} ${directory}`,
      path: undefined,
      kind: 'manifest',
      size: rendered.text.length,
      rendered: {
        text: rendered.text,
        by: `${rendered.tool} ${directory}`,
        ...(rendered.origins ? { originBase: rendered.originBase } : {}),
      },
    });
  }
  const patches = kustomizePatches(files);
  const origins = new OriginLocator(request.cwd);
  const imageUsers = await resolveImageUsers(request, errors);
  const options: EvaluateOptions = { ...request.options, imageUsers };
  const session = createEvaluation(options);
  const findings: LocatedFinding[] = [...session.settings];
  const objects: CheckedObject[] = [];
  let blocking = false;
  const addTally = (counts: Tally) => {
    summary.failed += counts.failed;
    summary.warnings += counts.warnings;
    summary.suppressed += counts.suppressed;
    summary.errors += counts.errors;
    blocking ||= counts.blocking;
  };
  const tally = (batch: readonly LocatedFinding[]) => addTally(tallyFindings(batch, session));
  const sink = request.keepDocuments ? undefined : request.sink;
  /** With a sink, hands over the findings and the checked objects so far, and drops them. */
  const flush = async () => {
    if (!sink) return;
    if (findings.length === 0 && objects.length === 0) return;
    const batch = findings.splice(0);
    tally(batch);
    try {
      await sink(batch, objects.splice(0));
    } catch (error) {
      throw new SinkError(error);
    }
  };
  const scanned: ScannedFile[] = [];
  const planner = request.fix ? new FixPlanner(options, request.fix.unsafe, isKubernetesObject) : undefined;
  // Threads need the facts of the whole input first: every input read in the first pass.
  const whole = learnsFirst(files);
  const jobs = whole ? workerCount(request, files) : 0;
  const first = new FirstPass(patches, session, planner);
  const prepared = first.prepared;
  if (jobs === 0) {
    first.learn(files);
    if (session.shareFacts().unlabelledNamespaces.length > 0) first.learnPods();
    if (whole) session.adoptFacts();
  }
  const summary = emptySummary();
  // Files finished, and the bytes they hold.
  let done = 0;
  let bytesDone = 0;
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const progress = (current = 0) =>
    request.onProgress?.({
      files: done,
      totalFiles: files.length,
      bytes: bytesDone + current,
      totalBytes,
      stdinBytes: at.stdinBytes,
    });
  const at: FileScan = {
    request,
    session,
    planner,
    patches,
    origins,
    prepared,
    itemObjects: !sink || request.sinkObjects === true,
    findings,
    objects,
    errors,
    summary,
    scanned,
    flush,
    progress,
    stdinBytes: 0,
  };
  let usedElsewhere: number[] = [];
  const scanFrom = async (position: number, file: InputFile) => {
    done = position;
    bytesDone = position === 0 ? 0 : bytesDone + (files[position - 1] as InputFile).size;
    progress();
    await scanFile(file, at);
  };
  if (jobs > 0 && request.workers) {
    // This thread scans the first block of files, worker threads the others (parallelScan.ts).
    const here: HerePart = {
      learn(block) {
        first.learn(block);
        return session.shareFacts();
      },
      levels(namespaces) {
        first.learnPods();
        return session.namespaceLevels(namespaces);
      },
      async scan(block, facts) {
        session.adoptFacts(facts);
        for (const [position, file] of block.entries()) await scanFrom(position, file);
      },
    };
    const init = {
      options,
      jibBuild: request.jibBuild,
      cwd: request.cwd,
      patches: [...patches],
      itemObjects: at.itemObjects,
      ...(sink && request.render ? { render: request.render.format } : {}),
    };
    usedElsewhere = await scanOnThreads(request.workers.script, files, jobs, here, init, async (result) => {
      summary.files++;
      summary.documents += result.counts.documents;
      summary.objects += result.counts.objects;
      summary.pods += result.counts.pods;
      errors.push(...result.errors);
      if (result.rendered && sink && request.render) {
        // The worker wrote its findings' text: handed over after what this thread found before.
        await flush();
        addTally(result.rendered.tally);
        try {
          await request.render.write(result.rendered.text, result.rendered.count);
        } catch (error) {
          throw new SinkError(error);
        }
      } else {
        findings.push(...(result.findings ?? []));
        objects.push(...(result.objects ?? []));
        await flush();
      }
      // `bytesDone` holds the bytes of the files before `done`.
      for (; done <= result.position; done++) bytesDone += (files[done] as InputFile).size;
      progress();
    });
  } else for (const [position, file] of files.entries()) await scanFrom(position, file);
  await flush();
  done = files.length;
  bytesDone = totalBytes;
  progress();
  for (const chart of charts) {
    const review = reviewChart(chart);
    findings.push(...review.findings);
    objects.push(review.object);
    errors.push(...review.errors);
  }
  findings.push(...session.finish(usedElsewhere));
  if (sink) await flush();
  else tally(findings);
  summary.errors += errors.length;
  return {
    report: {
      findings,
      objects,
      summary,
      inputErrors: errors,
      tool: { name: 'podguard', version: request.version },
    },
    files: scanned,
    options,
    blocking,
  };
}

type ScanSummary = ScanReport['summary'];

/** A summary before anything is scanned. */
export const emptySummary = (): ScanSummary => ({
  files: 0,
  documents: 0,
  objects: 0,
  pods: 0,
  failed: 0,
  warnings: 0,
  suppressed: 0,
  errors: 0,
});

/** What scanning one file reads, and where it puts what it finds. */
export interface FileScan {
  readonly request: Pick<ScanRequest, 'stdin' | 'jibBuild' | 'keepDocuments'>;
  readonly session: EvaluationSession;
  readonly planner: FixPlanner | undefined;
  readonly patches: ReadonlyMap<string, KustomizePatch>;
  readonly origins: OriginLocator;
  readonly prepared: ReadonlyMap<InputFile, Prepared>;
  /** The checked objects of List items are kept (a report built whole, or JUnit's test cases). */
  readonly itemObjects: boolean;
  readonly findings: LocatedFinding[];
  readonly objects: CheckedObject[];
  readonly errors: InputError[];
  readonly summary: ScanSummary;
  readonly scanned: ScannedFile[];
  /** Hands over what was found so far, if the scan has a sink. */
  flush(): Promise<void>;
  /** Reports progress within the file: `current` bytes of it read. */
  progress(current: number): void;
  /** Bytes read from standard input so far. */
  stdinBytes: number;
}

/** Scans one file: its findings, checked objects, problems and counts go where `at` says. */
export async function scanFile(file: InputFile, at: FileScan): Promise<void> {
  const {
    request,
    session,
    planner,
    patches,
    origins,
    prepared,
    findings,
    objects,
    errors,
    summary,
    scanned,
  } = at;
  const { flush, progress } = at;
  summary.files++;
  let streamed = 0;
  try {
    if (file.kind === 'dockerfile') {
      const text = await readFile(file.path as string, 'utf8');
      if (text.includes('\u0000')) throw new InputProblem('binary file: not a Dockerfile', 1, 1);
      summary.documents++;
      summary.objects++;
      scanDockerfile(file, text, session, findings, objects);
      return;
    }
    if (file.kind === 'jib') {
      const text = await readFile(file.path as string, 'utf8');
      if (text.includes('\u0000')) throw new InputProblem('binary file: not a build file', 1, 1);
      summary.documents++;
      summary.objects++;
      scanJib(file, text, request.jibBuild, session, findings, objects);
      return;
    }
    const kept: ParsedDocument[] = [];
    const patch = file.path === undefined ? undefined : patches.get(file.path);
    // A kustomization is parsed whatever its kind: the patches written in it are judged.
    const kustomization = file.path !== undefined && isKustomization(file.path);
    let generated: string | undefined =
      file.rendered !== undefined
        ? `output of ${file.rendered.by}`
        : file.text !== undefined
          ? 'rendered chart'
          : file.path === undefined
            ? 'standard input'
            : undefined;
    // Small files are read whole (one read, no stream machinery: 10,000 manifests stay fast);
    // large ones, such as cluster dumps, are streamed a document at a time.
    // --fix needs the hash of the very bytes scanned, to check the file is unchanged before writing.
    const rewritable = request.keepDocuments || planner !== undefined;
    const hash = rewritable && file.path !== undefined ? createHash('sha256') : undefined;
    const fixes: DocumentFix[] = [];
    const fixNotes: string[] = [];
    // Documents with something to fix: planned, unless the file turns out to be generated.
    let fixable = 0;
    const plan = (document: PlannedDocument, fixableFindings: boolean, objects: unknown) => {
      if (!planner) return;
      if (!fixableFindings || generated !== undefined || file.path === undefined) {
        if (fixableFindings) fixable++;
        planner.observe(objects);
        return;
      }
      fixable++;
      const planned = planner.plan(document, file.kind === 'json', patch !== undefined);
      if (planned === undefined) return;
      if ('note' in planned) fixNotes.push(planned.note);
      else fixes.push(planned);
    };
    let chunks: Iterable<DocumentChunk> | AsyncIterable<DocumentChunk>;
    const ready = prepared.get(file);
    if (ready) {
      hash?.update(ready.bytes);
      chunks = ready.chunks;
    } else if (file.rendered !== undefined) chunks = splitChunks(file.rendered.text, false);
    else if (file.text !== undefined) chunks = splitChunks(file.text, file.kind === 'json');
    // A List (`kubectl get -o json|yaml`) is read item by item, so a cluster dump takes the
    // memory of its largest object; --fix rewrites it item by item too.
    else if (file.path === undefined) {
      request.stdin.on('data', (data: Buffer | string) => {
        at.stdinBytes += data.length;
      });
      chunks = readChunks(request.stdin, file.kind === 'json', true);
    } else if (file.size <= WHOLE_FILE_LIMIT) {
      const bytes = readFileSync(file.path);
      hash?.update(bytes);
      chunks = splitChunks(bytes.toString('utf8'), file.kind === 'json', true);
    } else {
      const stream = createReadStream(file.path);
      stream.on('data', (data) => {
        hash?.update(data);
        streamed += data.length;
      });
      chunks = readChunks(stream, file.kind === 'json', true);
    }
    for await (const chunk of chunks) {
      await flush();
      if (streamed > 0 || at.stdinBytes > 0) progress(streamed);
      if (chunk.item !== undefined) {
        // One item of a List: a bad item is an error naming it, and the items after it still count.
        if (chunk.item.index === 0) summary.documents++;
        const problem = scanItem(
          file,
          chunk,
          chunk.item,
          session,
          findings,
          at.itemObjects ? objects : undefined,
          summary,
          ready?.parsed.get(chunk),
          planner ? plan : undefined,
        );
        if (problem) errors.push(problem);
        continue;
      }
      summary.documents++;
      // Before parsing: a template may parse (into nonsense) or fail with a YAML error.
      const action = findTemplateAction(chunk.text);
      if (action !== undefined) {
        const at = filePosition(chunk, chunk.firstLine + action.line - 1, action.column);
        throw new InputProblem(UNRENDERED_TEMPLATE, at.line, at.column);
      }
      if (chunk.template !== undefined) generated ??= `Helm output (# Source: ${chunk.template})`;
      // Kind first: an object that cannot give a finding or a fact (a CRD, a ConfigMap, RBAC) is
      // counted without being parsed, which is most of a cluster's or an operator's YAML.
      if (
        patch === undefined &&
        !kustomization &&
        !ready?.parsed.has(chunk) &&
        skipsParsing(chunk, session)
      ) {
        summary.objects++;
        continue;
      }
      const parsed = ready?.parsed.get(chunk) ?? parseChunk(chunk);
      if (patch !== undefined && isJson6902(parsed.value, patch)) {
        generated ??= `a JSON 6902 patch listed in ${patch.kustomization}: its values are judged, not rewritten`;
        const built = json6902Object(parsed.value as unknown[], patch.target ?? {});
        const result = session.evaluate(built.object, 0, { partial: true });
        for (const object of result.objects) {
          summary.objects++;
          if (object.kind === 'not-applicable') continue;
          if (object.kind === 'pod') summary.pods++;
          objects.push({
            resource: object.resource,
            source: locate(file, parsed, ''),
            rules: [...object.rules],
          });
        }
        for (const finding of result.findings) {
          findings.push({
            ...finding,
            source: locate(file, parsed, json6902Source(built, finding.path) ?? ''),
          });
        }
        continue;
      }
      if (kustomization) scanInlinePatches(file, parsed, session, findings, objects, summary, errors);
      const candidates = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
      const prefixes = Array.isArray(parsed.value) ? candidates.map((_, i) => `/${i}`) : [''];
      const kubernetes: unknown[] = [];
      const bases: string[] = [];
      candidates.forEach((candidate, i) => {
        // Non-Kubernetes documents (values files, other tools' config) are counted and skipped.
        if (isKubernetesObject(candidate) || isBrokenKubernetesObject(candidate)) {
          kubernetes.push(candidate);
          bases.push(prefixes[i] as string);
        }
      });
      if (kubernetes.length === 0) continue;
      const result = session.evaluate(kubernetes, 0, patch ? { partial: true } : undefined);
      const where = (objectIndex: number, path: string): SourceLocation =>
        (file.rendered?.originBase !== undefined
          ? origins.locate(kubernetes[objectIndex], path, file.rendered.originBase)
          : undefined) ?? locate(file, parsed, `${bases[objectIndex] ?? ''}${path}`);
      collectResults(
        result,
        (objectIndex, path, object) =>
          inObject(where(objectIndex, path), `${bases[objectIndex] ?? ''}${object}`),
        findings,
        objects,
        summary,
      );
      const fixableFindings = result.findings.some((f) => f.status === 'fail' && f.fix);
      if (request.keepDocuments && fixableFindings) kept.push(parsed);
      // The yaml package's document only for a fix to write (the fast reader leaves it unparsed).
      plan(
        {
          ...chunk,
          value: parsed.value,
          ...(planner && fixableFindings ? { document: parsed.document } : {}),
        },
        fixableFindings,
        kubernetes,
      );
    }
    if (rewritable) {
      // Generated input is never rewritten (its fixes were planned before it said so: dropped).
      if (generated !== undefined && fixable > 0) {
        fixes.length = 0;
        fixNotes.length = 0;
        fixNotes.push(`generated input (${generated}) is never rewritten: fix its source`);
      }
      scanned.push({
        file,
        documents: kept,
        ...(generated ? { generated } : {}),
        ...(hash ? { hash: hash.digest('hex') } : {}),
        ...(patch ? { partial: true } : {}),
        fixes,
        fixNotes,
      });
    }
  } catch (error) {
    // The report's output failed (a full disk): the scan stops, and the input is not to blame.
    if (error instanceof SinkError) throw error.cause;
    if (error instanceof InputProblem) {
      errors.push({
        file: file.display,
        ...(error.line !== undefined ? { line: error.line } : {}),
        ...(error.column !== undefined ? { column: error.column } : {}),
        message: error.message,
      });
    } else if (error instanceof PodguardInputError) {
      // A document the core refuses as a whole (nested deeper than its limit, say).
      errors.push({ file: file.display, message: error.message });
    } else {
      const code = (error as NodeJS.ErrnoException).code;
      errors.push({
        file: file.display,
        message: `cannot read: ${code === 'EISDIR' ? 'is a directory' : (error as Error).message}`,
      });
    }
  }
}

/** What the sink threw: passed on, not taken for a problem of the file being read. */
class SinkError extends Error {
  constructor(override readonly cause: unknown) {
    super("the scan's sink failed");
  }
}

/**
 * Evaluates one item of a List read item by item: paths are the List's (`/items/N/...`), lines and
 * columns the file's. Returns the problem when the item cannot be read.
 */
function scanItem(
  file: InputFile,
  chunk: DocumentChunk,
  item: NonNullable<DocumentChunk['item']>,
  session: EvaluationSession,
  findings: LocatedFinding[],
  /** Where checked objects go; undefined when the scan hands over none (a report written as it goes). */
  objects: CheckedObject[] | undefined,
  summary: { objects: number; pods: number },
  /** The item as the first pass parsed it. */
  preparsed: ParsedDocument | undefined,
  /** For --fix: plans the item's fixes (or observes its facts). */
  plan: ((document: PlannedDocument, fixable: boolean, objects: unknown) => void) | undefined,
): InputError | undefined {
  const base = `/items/${item.index}`;
  const fast = item.pointer === '' && !preparsed ? readJsonItem(chunk.text, item.members) : undefined;
  /** Plans the item's fixes for --fix: its value, not its tree (parsed again for its edits). */
  const planItem = (result: EvaluationResult, whole: unknown, value: unknown) =>
    plan?.(
      { ...chunk, value: whole },
      result.findings.some((f) => f.status === 'fail' && f.fix),
      value,
    );
  if (fast) {
    // A JSON item read by JSON.parse, placed by its index: what the YAML reader would say, faster.
    const where = (path: string): SourceLocation => {
      const position = fast.index.position(path.slice(base.length));
      const at = filePosition(chunk, chunk.firstLine + position.line - 1, position.column);
      return { file: file.display, line: at.line, column: at.column, document: chunk.index };
    };
    const result = session.evaluate(fast.value, 0, { base });
    collectResults(result, (_, path, object) => inObject(where(path), object), findings, objects, summary);
    planItem(result, fast.value, fast.value);
    return undefined;
  }
  let parsed: ParsedDocument;
  try {
    parsed = preparsed ?? parseItem(chunk);
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    return {
      file: file.display,
      line: error.line ?? chunk.firstLine,
      column: error.column ?? 1,
      message: `items[${item.index}]: ${error.message}`,
    };
  }
  const value = item.pointer === '/0' ? (parsed.value as unknown[])[0] : parsed.value;
  const result = session.evaluate(value, 0, { base });
  const where = (path: string): SourceLocation =>
    locate(file, parsed, `${item.pointer}${path.slice(base.length)}`);
  collectResults(result, (_, path, object) => inObject(where(path), object), findings, objects, summary);
  planItem(result, parsed.value, value);
  return undefined;
}

/**
 * The checked objects and findings of an evaluation, counted and placed: `place` gives the source
 * of a path of input `objectIndex` that belongs to the object at `object` in it.
 */
function collectResults(
  result: EvaluationResult,
  place: (objectIndex: number, path: string, object: string) => SourceLocation,
  findings: LocatedFinding[],
  objects: CheckedObject[] | undefined,
  summary: { objects: number; pods: number },
): void {
  const objectOf = objectPointers(result.objects);
  for (const object of result.objects) {
    summary.objects++;
    if (object.kind === 'not-applicable') continue;
    if (object.kind === 'pod') summary.pods++;
    objects?.push({
      resource: object.resource,
      source: place(object.objectIndex, object.path, object.path),
      rules: [...object.rules],
    });
  }
  for (const finding of result.findings) {
    const object = objectOf(finding.objectIndex, finding.path);
    findings.push({ ...finding, source: place(finding.objectIndex, finding.path, object) });
  }
}

/**
 * For each finding of an evaluation, the pointer of its object in the evaluated value: the
 * longest path of an evaluated object (of the same input) that is the finding's path or a parent
 * of it. A few lookups per finding, whatever the number of objects (a List of 10,000 items).
 */
function objectPointers(objects: readonly EvaluatedObject[]): (objectIndex: number, path: string) => string {
  const only = objects.length === 1 ? objects[0] : undefined;
  if (only) {
    // One object (a List item read alone, a document): its findings are its own, or the input's.
    const { objectIndex: index, path: at } = only;
    return (objectIndex, path) =>
      objectIndex === index && (path === at || path.startsWith(`${at}/`)) ? at : '';
  }
  const paths = new Set<string>();
  for (const object of objects)
    if (object.path !== '') paths.add(`${object.objectIndex}\u0000${object.path}`);
  if (paths.size === 0) return () => '';
  return (objectIndex, path) => {
    for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
      const prefix = path.slice(0, end);
      if (paths.has(`${objectIndex}\u0000${prefix}`)) return prefix;
    }
    return '';
  };
}

/** A location in the object at `object` of its document (`''`: the document is the object). */
function inObject(source: SourceLocation, object: string): SourceLocation {
  return object === '' ? source : { ...source, object };
}

/** Parses a List item, refusing an unrendered template as a document is refused. */
function parseItem(chunk: DocumentChunk): ParsedDocument {
  const action = findTemplateAction(chunk.text);
  if (action !== undefined) {
    const at = filePosition(chunk, chunk.firstLine + action.line - 1, action.column);
    throw new InputProblem(UNRENDERED_TEMPLATE, at.line, at.column);
  }
  return parseChunk(chunk);
}

/**
 * The patches written inside a kustomization, judged as partial objects like patch files: what they
 * set, at the line and column of the field inside the patch text.
 */
function scanInlinePatches(
  file: InputFile,
  parsed: ParsedDocument,
  session: EvaluationSession,
  findings: LocatedFinding[],
  objects: CheckedObject[],
  summary: { objects: number; pods: number },
  errors: InputError[],
): void {
  for (const patch of inlinePatches(
    parsed.document,
    parsed.value,
    parsed.text,
    parsed.lineCounter,
    parsed.firstLine,
  )) {
    // The patch text read like every other document (Kubernetes' YAML), its lines counted from 1.
    let inline: ParsedDocument;
    try {
      inline = parseChunk({ index: parsed.index, text: patch.text, firstLine: 1, lastLine: 1 });
    } catch (error) {
      if (!(error instanceof InputProblem)) throw error;
      errors.push({
        file: file.display,
        ...patch.place(error.line ?? 1, error.column ?? 1),
        message: `inline patch ${patch.pointer}: ${error.message}`,
      });
      continue;
    }
    const located = (pointer: string): SourceLocation => {
      const { line, col } = inline.position(pointer);
      return { file: file.display, ...patch.place(line, col), document: parsed.index };
    };
    const value = inline.value;
    let object: unknown;
    let sourceOf: (path: string) => string;
    const target = patch.target ?? {};
    if (Array.isArray(value) && (patch.json6902 || value.every((item) => isJsonOperation(item)))) {
      const built = json6902Object(value, target);
      object = built.object;
      sourceOf = (path) => json6902Source(built, path) ?? '';
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // A strategic-merge patch names its object, or the entry's target does.
      const record = value as Record<string, unknown>;
      object =
        typeof record.kind === 'string'
          ? record
          : {
              apiVersion: targetApiVersion(target),
              kind: target.kind ?? '',
              ...record,
            };
      sourceOf = (path) => path;
    } else continue;
    const result = session.evaluate(object, 0, { partial: true });
    for (const evaluated of result.objects) {
      summary.objects++;
      if (evaluated.kind === 'not-applicable') continue;
      if (evaluated.kind === 'pod') summary.pods++;
      objects.push({ resource: evaluated.resource, source: located(''), rules: [...evaluated.rules] });
    }
    for (const finding of result.findings)
      findings.push({ ...finding, source: located(sourceOf(finding.path)) });
  }
}

const isJsonOperation = (item: unknown) =>
  typeof item === 'object' && item !== null && 'op' in item && 'path' in item;

/**
 * A JSON List item read with JSON.parse and indexed for locations, or undefined when the YAML reader
 * must read it: invalid JSON (its error names the place), a repeated key, an unrendered template.
 */
function readJsonItem(
  text: string,
  members: number | undefined,
): { value: unknown; index: JsonIndex } | undefined {
  if (findTemplateAction(text) !== undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const index = new JsonIndex(text);
  // As many members parsed as the List's scanner counted: no key repeats (the usual case, and no
  // second scan of the text); else the index looks for the repeat.
  if (members !== undefined && countMembers(value) === members) return { value, index };
  return index.duplicateKey ? undefined : { value, index };
}

/** The object members of a parsed JSON value, nested ones included. */
function countMembers(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (const item of current) if (typeof item === 'object' && item !== null) pending.push(item);
      continue;
    }
    for (const key in current) {
      count++;
      const member = (current as Record<string, unknown>)[key];
      if (typeof member === 'object' && member !== null) pending.push(member);
    }
  }
  return count;
}

/** A JSON 6902 patch: listed as one, or a `patches` file whose content is a list of operations. */
function isJson6902(value: unknown, patch: KustomizePatch): boolean {
  if (!Array.isArray(value)) return false;
  return (
    patch.json6902 ||
    (value.length > 0 &&
      value.every((item) => typeof item === 'object' && item !== null && 'op' in item && 'path' in item))
  );
}

function locate(file: InputFile, parsed: ParsedDocument, pointer: string): SourceLocation {
  const position = parsed.position(pointer);
  const { line, column } = filePosition(parsed, position.line + parsed.firstLine - 1, position.col);
  if (file.helmOutput && parsed.template !== undefined) {
    // Helm output: the template the document came from, at the line in the rendered document.
    const { chartDir } = file.helmOutput;
    const inChart = parsed.template.split('/').slice(1).join('/');
    return {
      file: chartDir === undefined ? parsed.template : chartFile(chartDir, inChart),
      line: line - parsed.firstLine + 1,
      column,
      document: parsed.index,
      template: parsed.template,
    };
  }
  return {
    file: file.display,
    line,
    column,
    document: parsed.index,
    ...(parsed.template !== undefined ? { template: parsed.template } : {}),
  };
}

/** A Dockerfile through the session: its rules, suppressions, profile and failOn, as any manifest. */
function scanDockerfile(
  file: InputFile,
  text: string,
  session: EvaluationSession,
  findings: LocatedFinding[],
  objects: CheckedObject[],
): void {
  const result = session.evaluateDockerfile({ text, name: file.display });
  locateTextFile(file, result, findings, objects);
}

/** Places the results of a text file judged by line and column (a Dockerfile, a build file). */
function locateTextFile(
  file: InputFile,
  result: Pick<EvaluationResult, 'objects' | 'findings'>,
  findings: LocatedFinding[],
  objects: CheckedObject[],
): void {
  for (const object of result.objects) {
    objects.push({
      resource: object.resource,
      source: { file: file.display, line: 1, column: 1, document: 0 },
      rules: [...object.rules],
    });
  }
  for (const finding of result.findings) {
    const at = finding.locations[0];
    findings.push({
      ...finding,
      source: { file: file.display, line: at?.line ?? 1, column: at?.column ?? 1, document: 0 },
    });
  }
}

/** How many parent POMs a module's chain may have (a loop of relativePaths ends here). */
const MAX_PARENTS = 16;

/** The texts of the parent POMs on disk, nearest first, by `<parent><relativePath>` (default `../pom.xml`). */
function parentPoms(path: string, text: string): string[] {
  const parents: string[] = [];
  const seen = new Set([resolve(path)]);
  let current = { path, text };
  while (parents.length < MAX_PARENTS) {
    const relative = mavenParentPath(current.text);
    if (relative === undefined) break;
    let next = resolve(dirname(current.path), relative);
    if (existsSync(next) && statSync(next).isDirectory()) next = join(next, 'pom.xml');
    // A parent that is not on disk comes from a repository: what it says is not known here.
    if (seen.has(next) || !existsSync(next)) break;
    seen.add(next);
    current = { path: next, text: readFileSync(next, 'utf8') };
    parents.push(current.text);
  }
  return parents;
}

/** A Maven or Gradle build file through the session's Jib rules, as a Dockerfile. */
function scanJib(
  file: InputFile,
  text: string,
  build: ScanRequest['jibBuild'],
  session: EvaluationSession,
  findings: LocatedFinding[],
  objects: CheckedObject[],
): void {
  const format = jibBuildFormat(file.path as string) ?? ('maven' as JibBuildFormat);
  const parents = format === 'maven' ? parentPoms(file.path as string, text) : [];
  const result = session.evaluateJib({
    text,
    format,
    name: file.display,
    parents,
    properties: build?.properties ?? {},
    ...(build?.profiles !== undefined ? { profiles: build.profiles } : {}),
  });
  locateTextFile(file, result, findings, objects);
}

/** Resolves the config file's paths against its directory. */
export function configPaths(config: PodguardConfig, configFile: string | undefined, cwd: string) {
  const base = configFile ? dirname(configFile) : cwd;
  return {
    imageConfigs: (config.imageConfigs ?? []).map((file) => resolve(base, file)),
    imageDockerfiles: Object.fromEntries(
      Object.entries(config.imageDockerfiles ?? {}).map(([image, file]) => [image, resolve(base, file)]),
    ),
    jibBuild: { properties: config.jibProperties ?? {}, profiles: config.mavenProfiles },
  };
}
