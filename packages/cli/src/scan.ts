/**
 * The scan: inputs → documents → the core's verdicts → a located report. No rule logic here:
 * every verdict comes from @podguard/policy-core.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  analyzeDockerfile,
  type CheckedObject,
  createEvaluation,
  type DockerfileOptions,
  dockerfileUser,
  type EvaluateOptions,
  imageUsersFromImageConfig,
  type LocatedFinding,
  type ScanReport,
  type SourceLocation,
} from '@podguard/policy-core';
import type { PodguardConfig } from './config.js';
import { InputProblem, type ParsedDocument, parseChunk, readChunks, splitChunks } from './documents.js';
import { collectInputs, type InputError, type InputFile } from './inputs.js';
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
  /** Options for the core: profile, version, imageUsers, UID/GID policy, rules, suppressions. */
  options: EvaluateOptions;
  /** Image users from `--image-user` (they win over every other source). */
  imageUsers: Record<string, string>;
  /** `--image-config` files and the config file's `imageConfigs`. */
  imageConfigs: string[];
  /** The config file's `imageDockerfiles`, resolved against its directory. */
  imageDockerfiles: Record<string, string>;
  nonRootBases: string[];
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
}

export interface ScanResult {
  report: ScanReport;
  files: ScannedFile[];
  /** The options the core ran with (image users merged). */
  options: EvaluateOptions;
}

/** Files up to this size are read whole; larger ones are streamed. */
const WHOLE_FILE_LIMIT = 1024 * 1024;

const isKubernetesObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as Record<string, unknown>).kind === 'string' &&
  typeof (value as Record<string, unknown>).apiVersion === 'string';

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
  const { files, errors } = collectInputs(request.paths, request.cwd);
  const imageUsers = await resolveImageUsers(request, errors);
  const options: EvaluateOptions = { ...request.options, imageUsers };
  const session = createEvaluation(options);
  const findings: LocatedFinding[] = [...session.settings];
  const objects: CheckedObject[] = [];
  const scanned: ScannedFile[] = [];
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
  const dockerfileOptions: DockerfileOptions = {
    imageUsers,
    nonRootBases: request.nonRootBases,
    ...(options.uidRange ? { uidRange: options.uidRange } : {}),
    ...(options.denyUids ? { denyUids: options.denyUids } : {}),
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
        scanDockerfile(file, text, dockerfileOptions, findings, objects);
        continue;
      }
      const kept: ParsedDocument[] = [];
      let generated: string | undefined = file.path === undefined ? 'standard input' : undefined;
      // Small files are read whole (one read, no stream machinery: 10,000 manifests stay fast);
      // large ones, such as cluster dumps, are streamed a document at a time.
      const chunks =
        file.path === undefined
          ? readChunks(request.stdin, file.kind === 'json')
          : file.size <= WHOLE_FILE_LIMIT
            ? splitChunks(readFileSync(file.path, 'utf8'), file.kind === 'json')
            : readChunks(
                createReadStream(file.path).on('data', (data) => {
                  streamed += data.length;
                }),
                file.kind === 'json',
              );
      for await (const chunk of chunks) {
        if (streamed > 0) progress(streamed);
        summary.documents++;
        // Before parsing: a template may parse (into nonsense) or fail with a YAML error.
        const action = findTemplateAction(chunk.text);
        if (action !== undefined)
          throw new InputProblem(UNRENDERED_TEMPLATE, chunk.firstLine + action.line - 1, action.column);
        if (chunk.template !== undefined) generated ??= `Helm output (# Source: ${chunk.template})`;
        const parsed = parseChunk(chunk);
        const candidates = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
        const prefixes = Array.isArray(parsed.value) ? candidates.map((_, i) => `/${i}`) : [''];
        const kubernetes: unknown[] = [];
        const bases: string[] = [];
        candidates.forEach((candidate, i) => {
          // Non-Kubernetes documents (values files, other tools' config) are counted and skipped.
          if (isKubernetesObject(candidate)) {
            kubernetes.push(candidate);
            bases.push(prefixes[i] as string);
          }
        });
        if (kubernetes.length === 0) continue;
        const result = session.evaluate(kubernetes);
        for (const object of result.objects) {
          if (object.kind === 'not-applicable') {
            summary.objects++;
            continue;
          }
          summary.objects++;
          if (object.kind === 'pod') summary.pods++;
          objects.push({
            resource: object.resource,
            source: locate(file, parsed, `${bases[object.objectIndex]}${object.path}`),
            rules: [...object.rules],
          });
        }
        for (const finding of result.findings) {
          findings.push({
            ...finding,
            source: locate(file, parsed, `${bases[finding.objectIndex] ?? ''}${finding.path}`),
          });
        }
        if (request.keepDocuments && result.findings.some((f) => f.status === 'fail' && f.fix))
          kept.push(parsed);
      }
      if (request.keepDocuments) scanned.push({ file, documents: kept, ...(generated ? { generated } : {}) });
    } catch (error) {
      if (error instanceof InputProblem) {
        errors.push({
          file: file.display,
          ...(error.line !== undefined ? { line: error.line } : {}),
          ...(error.column !== undefined ? { column: error.column } : {}),
          message: error.message,
        });
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
  };
}

function locate(file: InputFile, parsed: ParsedDocument, pointer: string): SourceLocation {
  const { line, column } = positionAt(
    parsed.lineCounter,
    offsetOf(parsed.document, pointer),
    parsed.firstLine,
  );
  return {
    file: file.display,
    line,
    column,
    document: parsed.index,
    ...(parsed.template !== undefined ? { template: parsed.template } : {}),
  };
}

function scanDockerfile(
  file: InputFile,
  text: string,
  options: DockerfileOptions,
  findings: LocatedFinding[],
  objects: CheckedObject[],
): void {
  const resource = { apiVersion: '', kind: 'Dockerfile', name: file.display };
  objects.push({
    resource,
    source: { file: file.display, line: 1, column: 1, document: 0 },
    rules: ['dockerfileUser'],
  });
  for (const finding of analyzeDockerfile(text, options)) {
    const located: LocatedFinding = {
      rule: finding.rule,
      status: finding.status,
      level: 'hardened',
      severity: finding.severity,
      resource,
      objectIndex: 0,
      path: '',
      locations: [{ path: '' }],
      reason: finding.messageId,
      detail: finding.message,
      message: finding.message,
      messageId: finding.messageId,
      controls: finding.controls,
      source: { file: file.display, line: finding.line, column: finding.column, document: 0 },
    };
    if (finding.fix) {
      const { description, line } = finding.fix;
      located.fix = {
        description: description.includes(line) ? description : `${description} (${line})`,
        patch: [],
      };
    }
    findings.push(located);
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
