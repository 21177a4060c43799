/**
 * `--format junit` written as the scan goes. JUnit puts counts on each suite and on the root
 * before their test cases, and a single file (a cluster dump) may hold 200,000 objects: the test
 * cases are written to temporary files as each batch of the scan is done, and copied into place
 * once the counts are known. Memory holds the counts and where each suite's cases lie.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  type CheckedObject,
  type JunitPart,
  junitStream,
  type LocatedFinding,
  type ScanReport,
} from '@podguard/policy-core';
import { OutputError, type ReportWriter } from './io.js';
import { describeFsError } from './safeWrite.js';

/**
 * The test cases of one part, appended as they come (a run of one suite's cases is a segment),
 * written in blocks: a List of 200,000 objects is 200,000 small runs.
 */
interface SpoolFile {
  handle: Awaited<ReturnType<typeof open>>;
  /** Bytes appended, written or not. */
  size: number;
  /** Bytes written to the file. */
  written: number;
  pending: Buffer[];
}

interface Segment {
  start: number;
  length: number;
}

/** Bytes written to, and copied from, a spool file at a time. */
const CHUNK = 64 * 1024;

export class JunitSpool {
  private readonly stream = junitStream();
  private directory: string | undefined;
  private readonly files = new Map<JunitPart, SpoolFile>();
  /** Segments by suite and part, in order. */
  private readonly segments = new Map<string, Segment[]>();

  /** Renders and stores the test cases of a batch of the scan. */
  async add(objects: readonly CheckedObject[], findings: readonly LocatedFinding[]): Promise<void> {
    for (const run of this.stream.cases(objects, findings)) {
      const file = await this.file(run.part);
      const bytes = Buffer.from(run.xml, 'utf8');
      file.pending.push(bytes);
      const key = `${run.suite}\u0000${run.part}`;
      let segments = this.segments.get(key);
      if (!segments) {
        segments = [];
        this.segments.set(key, segments);
      }
      const last = segments[segments.length - 1];
      // Cases of one file come one batch after the other: one segment, however many batches.
      if (last && last.start + last.length === file.size) last.length += bytes.length;
      else segments.push({ start: file.size, length: bytes.length });
      file.size += bytes.length;
      if (file.size - file.written >= CHUNK) await writePending(file);
    }
  }

  /** Writes the report: the root and suites with their counts, and the stored cases in place. */
  async writeTo(writer: ReportWriter, report: Pick<ScanReport, 'inputErrors' | 'tool'>): Promise<void> {
    for (const file of this.files.values()) await writePending(file);
    const buffer = Buffer.alloc(CHUNK);
    const decoder = new StringDecoder('utf8');
    for (const piece of this.stream.layout(report)) {
      if (typeof piece === 'string') {
        await writer.write(piece);
        continue;
      }
      const file = this.files.get(piece.part);
      for (const segment of this.segments.get(`${piece.suite}\u0000${piece.part}`) ?? []) {
        for (let done = 0; done < segment.length; ) {
          const wanted = Math.min(CHUNK, segment.length - done);
          const { bytesRead } = await (file as SpoolFile).handle.read(
            buffer,
            0,
            wanted,
            segment.start + done,
          );
          if (bytesRead === 0) throw new Error('junit spool: temporary file shorter than written');
          await writer.write(decoder.write(buffer.subarray(0, bytesRead)));
          done += bytesRead;
        }
      }
    }
    await writer.write(decoder.end());
  }

  /** Closes and removes the temporary files. */
  async close(): Promise<void> {
    for (const file of this.files.values()) await file.handle.close().catch(() => undefined);
    this.files.clear();
    if (this.directory !== undefined) await rm(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }

  private async file(part: JunitPart): Promise<SpoolFile> {
    let file = this.files.get(part);
    if (!file) {
      try {
        this.directory ??= await mkdtemp(join(tmpdir(), 'podguard-junit-'));
        file = {
          handle: await open(join(this.directory, `${part}.xml`), 'w+'),
          size: 0,
          written: 0,
          pending: [],
        };
      } catch (error) {
        throw spoolError(error);
      }
      this.files.set(part, file);
    }
    return file;
  }
}

/** Writes what was appended to the file since the last write. */
async function writePending(file: SpoolFile): Promise<void> {
  if (file.pending.length === 0) return;
  const block = Buffer.concat(file.pending);
  file.pending = [];
  try {
    await file.handle.write(block, 0, block.length, file.written);
  } catch (error) {
    throw spoolError(error);
  }
  file.written += block.length;
}

/** A temporary file that cannot be written (no space, no such directory): one line naming it, exit 2. */
function spoolError(error: unknown): OutputError {
  return new OutputError(
    `--format junit: cannot write its temporary files in ${tmpdir()}: ${describeFsError(error)}`,
  );
}
