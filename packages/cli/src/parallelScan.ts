/**
 * The files of a scan shared among threads (`--jobs N`: this one and N-1 workers), with a report
 * identical to that of one thread: same findings in the same order, same summary, same verdicts.
 * Each thread takes a contiguous block of files (balanced by size; this thread's is the smaller,
 * as it also writes the report) with an evaluation session of its own; the sessions learn their
 * blocks, the core joins their cross-object facts ({@link joinFacts}) and every session adopts the
 * whole before judging anything; this thread puts the workers' results after its own, in order,
 * and counts the suppressions used anywhere once. No rule logic and no verdict here: the protocol
 * only carries the core's.
 */
import { Worker } from 'node:worker_threads';
import {
  type CheckedObject,
  type EvaluateOptions,
  type EvaluationSession,
  joinFacts,
  type LocatedFinding,
  type PartFacts,
  type PssLevel,
  type WholeFacts,
} from '@podguard/policy-core';
import type { InputError, InputFile } from './inputs.js';
import type { KustomizePatch } from './kustomize.js';

/** A batch of findings counted for the summary, and whether one blocks. */
export interface Tally {
  failed: number;
  warnings: number;
  suppressed: number;
  errors: number;
  blocking: boolean;
}

/** Counts findings as the summary does, and says whether one blocks under the session's options. */
export function tallyFindings(findings: readonly LocatedFinding[], session: EvaluationSession): Tally {
  const tally: Tally = { failed: 0, warnings: 0, suppressed: 0, errors: 0, blocking: false };
  for (const finding of findings) {
    if (finding.status === 'suppressed') tally.suppressed++;
    else if (finding.status === 'error') tally.errors++;
    else if (finding.severity === 'error') tally.failed++;
    else tally.warnings++;
    tally.blocking ||= session.isBlocking(finding);
  }
  return tally;
}

/** What a worker is given: its block of the scan's files and what a scan of them needs. */
export interface WorkerInit {
  /** The block's files, in order, and their positions among all the scan's files. */
  readonly files: readonly InputFile[];
  readonly positions: readonly number[];
  readonly options: EvaluateOptions;
  readonly jibBuild: { properties: Record<string, string>; profiles: string[] | undefined } | undefined;
  readonly cwd: string;
  /** The kustomize patches among all the scan's files (by path). */
  readonly patches: readonly (readonly [string, KustomizePatch])[];
  /** The checked objects of List items are kept (see the scan's `sinkObjects`). */
  readonly itemObjects: boolean;
  /** Findings are handed over as text of this format (see the scan's `render`), not as objects. */
  readonly render?: RenderedFormat;
}

/** Report formats whose findings' text a worker can write (`StreamedFormat.separable`). */
export type RenderedFormat = 'json' | 'ndjson' | 'compact';

/** What one file gave, as a worker hands it over. */
export interface FileResult {
  readonly position: number;
  readonly errors: InputError[];
  readonly counts: { documents: number; objects: number; pods: number };
  /** The findings and checked objects (without `render`). */
  readonly findings?: LocatedFinding[];
  readonly objects?: CheckedObject[];
  /** With `render`: the findings' text, joined (`SeparableFindings.between`), how many, their counts. */
  readonly rendered?: { text: string; count: number; tally: Tally };
}

/** A worker's messages, in the order it sends them. */
export type FromWorker =
  | { readonly type: 'facts'; readonly facts: PartFacts }
  | { readonly type: 'levels'; readonly levels: Record<string, PssLevel> }
  /**
   * A {@link FileResult} as JSON text (read back faster than a structured clone of many small
   * objects), but for the rendered text, which goes as it is (JSON would escape it).
   */
  | { readonly type: 'file'; readonly result: string; readonly text?: string }
  | { readonly type: 'done'; readonly usedSuppressions: number[] }
  | { readonly type: 'failed'; readonly message: string };

/** The main thread's messages. */
export type ToWorker =
  | { readonly type: 'levels'; readonly namespaces: string[] }
  | { readonly type: 'scan'; readonly facts: WholeFacts };

/** The main thread's block, as a share of the others' (it also writes the report). */
const HERE_SHARE = 0.75;

/**
 * Splits files into at most `jobs` contiguous blocks (each at least one file) whose sizes in
 * bytes are about equal, but for the first, which gets `firstShare` of the others' size; so the
 * blocks' order is the files' order.
 */
export function blocksOf(
  files: readonly InputFile[],
  jobs: number,
  firstShare = 1,
): { files: InputFile[]; positions: number[] }[] {
  const weight = (file: InputFile) => file.size + 1;
  const total = files.reduce((sum, file) => sum + weight(file), 0);
  // Where each block ends, as a share of the total: the first is firstShare of one unit.
  const unit = total / (firstShare + jobs - 1);
  const blocks: { files: InputFile[]; positions: number[] }[] = [];
  let filled = 0;
  for (const [position, file] of files.entries()) {
    const current = blocks.at(-1);
    const end = (firstShare + blocks.length - 1) * unit;
    if (!current || (filled >= end - 1e-9 && blocks.length < jobs))
      blocks.push({ files: [file], positions: [position] });
    else {
      current.files.push(file);
      current.positions.push(position);
    }
    filled += weight(file);
  }
  return blocks;
}

/** A worker thread and what it has sent that nobody took yet. */
class Part {
  readonly #worker: Worker;
  readonly #waiting: ((message: FromWorker) => void)[] = [];
  readonly #queued: FromWorker[] = [];
  #failure: Error | undefined;
  #onFailure: ((error: Error) => void)[] = [];

  constructor(script: URL | string, init: WorkerInit, onFile: (result: FileResult) => void) {
    this.#worker = new Worker(script, { workerData: init });
    this.#worker.on('message', (message: FromWorker) => {
      if (message.type === 'file') {
        const result = JSON.parse(message.result) as FileResult;
        if (result.rendered && message.text !== undefined) result.rendered.text = message.text;
        onFile(result);
      } else if (message.type === 'failed') this.#fail(new Error(message.message));
      else {
        const taker = this.#waiting.shift();
        if (taker) taker(message);
        else this.#queued.push(message);
      }
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => {
      if (code !== 0) this.#fail(new Error(`a scan worker stopped with exit code ${code}`));
    });
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const reject of this.#onFailure.splice(0)) reject(this.#failure);
  }

  /** The next message other than a file's result, which must be of `type`. */
  next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#onFailure.push(reject);
      const take = (message: FromWorker) => {
        if (message.type !== type) reject(new Error(`a scan worker sent ${message.type}, not ${type}`));
        else resolve(message as Extract<FromWorker, { type: T }>);
      };
      const queued = this.#queued.shift();
      if (queued) take(queued);
      else this.#waiting.push(take);
    });
  }

  send(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  stop(): Promise<number> {
    return this.#worker.terminate();
  }
}

/**
 * The main thread's share of a scan on several threads: the first block of files, scanned with
 * the scan's own session (its results go straight to the report, before the workers').
 */
export interface HerePart {
  /** Learns the block's facts (the first pass) and hands them over. */
  learn(files: readonly InputFile[]): PartFacts;
  /** The levels of the block's pods in `namespaces`. */
  levels(namespaces: string[]): Record<string, PssLevel>;
  /** Adopts the facts of the whole input and scans the block. */
  scan(files: readonly InputFile[], facts: WholeFacts): Promise<void>;
}

/**
 * Scans `files` on `jobs` threads: the first block on this one (`here`), the others on workers.
 * `deliver` gets the workers' files' results in the files' order, after `here` has scanned its
 * block (one at a time: the next comes when its promise settles). Returns the positions, in the
 * options' suppressions, of those the workers used (`here` counts its own).
 */
export async function scanOnThreads(
  script: URL | string,
  files: readonly InputFile[],
  jobs: number,
  here: HerePart,
  init: Omit<WorkerInit, 'files' | 'positions'>,
  deliver: (result: FileResult) => Promise<void>,
): Promise<number[]> {
  // This thread also writes the report: its block is the smaller, as the report is the larger.
  const [first, ...blocks] = blocksOf(files, jobs, HERE_SHARE);
  if (!first) return [];
  const results = new Map<number, FileResult>();
  let next = first.files.length;
  let hereDone = false;
  let delivering: Promise<void> = Promise.resolve();
  let failed: unknown;
  // Rejects when a result cannot be delivered (the report's output failed): the workers stop.
  let abort: (error: unknown) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    abort = reject;
  });
  aborted.catch(() => {});
  const drain = () => {
    if (!hereDone) return;
    delivering = delivering.then(async () => {
      for (let result = results.get(next); result && failed === undefined; result = results.get(next)) {
        results.delete(next);
        next++;
        try {
          await deliver(result);
        } catch (error) {
          failed = error;
          abort(error);
        }
      }
    });
  };
  const parts = blocks.map(
    (block) =>
      new Part(script, { ...init, ...block }, (result) => {
        results.set(result.position, result);
        if (result.position === next) drain();
      }),
  );
  try {
    const shared = [here.learn(first.files)];
    for (const part of parts) shared.push((await part.next('facts')).facts);
    const whole = await joinFacts(shared, (namespaces) =>
      Promise.all([
        here.levels(namespaces),
        ...parts.map(async (part) => {
          part.send({ type: 'levels', namespaces });
          return (await part.next('levels')).levels;
        }),
      ]),
    );
    for (const part of parts) part.send({ type: 'scan', facts: whole });
    await here.scan(first.files, whole);
    hereDone = true;
    drain();
    const used = await Promise.race([
      Promise.all(parts.map(async (part) => (await part.next('done')).usedSuppressions)),
      aborted,
    ]);
    drain();
    await delivering;
    if (failed !== undefined) throw failed;
    return [...new Set(used.flat())].sort((a, b) => a - b);
  } finally {
    await Promise.all(parts.map((part) => part.stop()));
  }
}
