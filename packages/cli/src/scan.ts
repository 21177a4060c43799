/**
 * The scan: inputs → documents → the core's verdicts → a located report. No rule logic here:
 * every verdict comes from @podguard/policy-core.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  type CheckedObject,
  createEvaluation,
  dockerfileUser,
  type EvaluateOptions,
  type EvaluationSession,
  imageUsersFromImageConfig,
  type LocatedFinding,
  PodguardInputError,
  type ScanReport,
  type SourceLocation,
} from '@podguard/policy-core';
import { reviewChart } from './chartReview.js';
import type { PodguardConfig } from './config.js';
import {
  type DocumentChunk,
  InputProblem,
  type ParsedDocument,
  parseChunk,
  readChunks,
  splitChunks,
} from './documents.js';
import { chartFile, collectInputs, type InputError, type InputFile } from './inputs.js';
import {
  json6902Object,
  json6902Source,
  type KustomizePatch,
  kustomizePatches,
  renderKustomize,
} from './kustomize.js';
import { OriginLocator } from './origins.js';
import { offsetOf, positionAt } from './sourceMap.js';
import { findTemplateAction, UNRENDERED_TEMPLATE } from './templates.js';

/** How far a scan is: files done, and bytes read of the files' total size (stdin counts 0). */
export interface ScanProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
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
  /** Kustomization directories to render (`--kustomize`) and scan. */
  kustomize?: string[];
  /** PATH to find kubectl or kustomize on (default: the process's). */
  toolPath?: string;
  /** Inputs made in memory (a chart rendered by `helm template`), scanned after `paths`. */
  rendered?: InputFile[];
  /** Keep parsed documents of rewritable files, for --fix. */
  keepDocuments: boolean;
  /** Called as the scan goes: after each file, and after each document of a streamed file. */
  onProgress?: (progress: ScanProgress) => void;
  version: string;
}

/** A scanned file whose documents can be rewritten by --fix. */
export interface ScannedFile {
  file: InputFile;
  documents: ParsedDocument[];
  /** Why the file must not be rewritten (stdin, Helm output), if so. */
  generated?: string;
  /** The file is a Kustomize patch: fixes never add fields to it. */
  partial?: boolean;
  /**
   * The file's other Kubernetes objects (in documents with nothing to fix): --fix hardens them
   * along, for what fixes learn from the whole input (ServiceAccounts, the pods of a namespace).
   */
  context: unknown[];
  /** SHA-256 of the bytes scanned: --fix rewrites the file only if it still has them. */
  hash?: string;
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
 * Inputs of files that are read whole, up to this size together, are read in a first pass that
 * teaches the session the cross-object facts (ServiceAccounts, the pods of each Namespace) before
 * anything is judged, so verdicts do not depend on the order of files; the second pass reuses what
 * the first parsed. Larger inputs, stdin and streamed files (cluster dumps) keep memory bounded by
 * the largest document: a fact counts only for objects after it (docs/fixes.md#cross-object-facts).
 */
const LEARN_FIRST_LIMIT = 8 * 1024 * 1024;

/** A file read and parsed by the first pass, reused by the second. */
interface Prepared {
  readonly bytes: Buffer;
  readonly chunks: readonly DocumentChunk[];
  readonly parsed: ReadonlyMap<DocumentChunk, ParsedDocument>;
}

/** The first pass: reads and parses the small inputs and lets the session learn their objects. */
function learnFirst(
  files: readonly InputFile[],
  patches: ReadonlyMap<string, unknown>,
  session: EvaluationSession,
): Map<InputFile, Prepared> {
  const prepared = new Map<InputFile, Prepared>();
  const manifests = files.filter((file) => file.kind === 'manifest' || file.kind === 'json');
  if (manifests.some((file) => file.path === undefined || file.size > WHOLE_FILE_LIMIT)) return prepared;
  const total = manifests.reduce((sum, file) => sum + (file.rendered?.text.length ?? file.size), 0);
  if (total > LEARN_FIRST_LIMIT) return prepared;
  for (const file of manifests) {
    if (file.path === undefined || file.rendered !== undefined || patches.has(file.path)) continue;
    try {
      const bytes = readFileSync(file.path);
      const chunks = [...splitChunks(bytes.toString('utf8'), file.kind === 'json')];
      const parsed = new Map<DocumentChunk, ParsedDocument>();
      for (const chunk of chunks) parsed.set(chunk, parseChunk(chunk));
      for (const document of parsed.values()) {
        const values = Array.isArray(document.value) ? document.value : [document.value];
        session.learn(values.filter(isKubernetesObject));
      }
      prepared.set(file, { bytes, chunks, parsed });
    } catch {
      // Unreadable or invalid: the second pass reads it again and reports the problem.
    }
  }
  return prepared;
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
  const scanned: ScannedFile[] = [];
  const prepared = learnFirst(files, patches, session);
  const summary = {
    files: 0,
    documents: 0,
    objects: 0,
    pods: 0,
    failed: 0,
    warnings: 0,
    suppressed: 0,
    errors: 0,
  };
  // Files finished, and the bytes they hold.
  let done = 0;
  let bytesDone = 0;
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const progress = (current = 0) =>
    request.onProgress?.({ files: done, totalFiles: files.length, bytes: bytesDone + current, totalBytes });
  for (const [position, file] of files.entries()) {
    done = position;
    bytesDone = position === 0 ? 0 : bytesDone + (files[position - 1] as InputFile).size;
    progress();
    summary.files++;
    let streamed = 0;
    try {
      if (file.kind === 'dockerfile') {
        const text = await readFile(file.path as string, 'utf8');
        if (text.includes('\u0000')) throw new InputProblem('binary file: not a Dockerfile', 1, 1);
        summary.documents++;
        summary.objects++;
        scanDockerfile(file, text, session, findings, objects);
        continue;
      }
      const kept: ParsedDocument[] = [];
      const patch = file.path === undefined ? undefined : patches.get(file.path);
      const context: unknown[] = [];
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
      const hash = request.keepDocuments && file.path !== undefined ? createHash('sha256') : undefined;
      let chunks: Iterable<DocumentChunk> | AsyncIterable<DocumentChunk>;
      const ready = prepared.get(file);
      if (ready) {
        hash?.update(ready.bytes);
        chunks = ready.chunks;
      } else if (file.rendered !== undefined) chunks = splitChunks(file.rendered.text, false);
      else if (file.text !== undefined) chunks = splitChunks(file.text, file.kind === 'json');
      else if (file.path === undefined) chunks = readChunks(request.stdin, file.kind === 'json');
      else if (file.size <= WHOLE_FILE_LIMIT) {
        const bytes = readFileSync(file.path);
        hash?.update(bytes);
        chunks = splitChunks(bytes.toString('utf8'), file.kind === 'json');
      } else {
        const stream = createReadStream(file.path);
        stream.on('data', (data) => {
          hash?.update(data);
          streamed += data.length;
        });
        chunks = readChunks(stream, file.kind === 'json');
      }
      for await (const chunk of chunks) {
        if (streamed > 0) progress(streamed);
        summary.documents++;
        // Before parsing: a template may parse (into nonsense) or fail with a YAML error.
        const action = findTemplateAction(chunk.text);
        if (action !== undefined)
          throw new InputProblem(UNRENDERED_TEMPLATE, chunk.firstLine + action.line - 1, action.column);
        if (chunk.template !== undefined) generated ??= `Helm output (# Source: ${chunk.template})`;
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
        for (const object of result.objects) {
          if (object.kind === 'not-applicable') {
            summary.objects++;
            continue;
          }
          summary.objects++;
          if (object.kind === 'pod') summary.pods++;
          objects.push({
            resource: object.resource,
            source: where(object.objectIndex, object.path),
            rules: [...object.rules],
          });
        }
        for (const finding of result.findings) {
          findings.push({ ...finding, source: where(finding.objectIndex, finding.path) });
        }
        if (request.keepDocuments) {
          if (result.findings.some((f) => f.status === 'fail' && f.fix)) kept.push(parsed);
          else context.push(...kubernetes);
        }
      }
      if (request.keepDocuments) {
        scanned.push({
          file,
          documents: kept,
          context,
          ...(generated ? { generated } : {}),
          ...(hash ? { hash: hash.digest('hex') } : {}),
          ...(patch ? { partial: true } : {}),
        });
      }
    } catch (error) {
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
  done = files.length;
  bytesDone = totalBytes;
  progress();
  for (const chart of charts) {
    const review = reviewChart(chart);
    findings.push(...review.findings);
    objects.push(review.object);
    errors.push(...review.errors);
  }
  findings.push(...session.finish());

  for (const finding of findings) {
    if (finding.status === 'suppressed') summary.suppressed++;
    else if (finding.status === 'error') summary.errors++;
    else if (finding.severity === 'error') summary.failed++;
    else summary.warnings++;
  }
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
    blocking: findings.some((finding) => session.isBlocking(finding)),
  };
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
  const { line, column } = positionAt(
    parsed.lineCounter,
    offsetOf(parsed.document, pointer),
    parsed.firstLine,
  );
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

/** Resolves the config file's paths against its directory. */
export function configPaths(config: PodguardConfig, configFile: string | undefined, cwd: string) {
  const base = configFile ? dirname(configFile) : cwd;
  return {
    imageConfigs: (config.imageConfigs ?? []).map((file) => resolve(base, file)),
    imageDockerfiles: Object.fromEntries(
      Object.entries(config.imageDockerfiles ?? {}).map(([image, file]) => [image, resolve(base, file)]),
    ),
  };
}
