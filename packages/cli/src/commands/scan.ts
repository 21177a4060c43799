import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import {
  type EvaluateOptions,
  formatJunit,
  formatText,
  joinFindings,
  type LocatedFinding,
  type ProfileName,
  parseVersion,
  reportPieces,
  builtinRuleDescriptors as ruleDescriptors,
  type ScanReport,
  type StreamedFormat,
  sarifStream,
  streamedFormats,
  textStream,
} from '@podguard/policy-core';
import { ConfigError, findConfig, loadConfig, type PodguardConfig } from '../config.js';
import { fixArgs, fixFs, isFixAdvice, runFix } from '../fix.js';
import { commandHelp, parseFlags } from '../flags.js';
import { HelmError, renderCharts } from '../helmTemplate.js';
import type { InputError, InputFile } from '../inputs.js';
import { type CliIo, canRedraw, checkOutput, colorFor, emit, ReportWriter, UsageError } from '../io.js';
import { JunitSpool } from '../junitSpool.js';
import { configPaths, type ScanProgress, type ScanRequest, type ScanResult, scan } from '../scan.js';
import { cliVersion } from '../version.js';
import { SCAN, type SCAN_FORMATS } from './spec.js';

type Format = (typeof SCAN_FORMATS)[number];

/** A scan with more input than this shows progress (on a terminal's stderr). */
const PROGRESS_FILES = 20;
const PROGRESS_BYTES = 1024 * 1024;

const megabytes = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** The progress line: files for many inputs, bytes when the input is large. */
function progressLine(progress: ScanProgress): string | undefined {
  const { files, totalFiles, bytes, totalBytes, stdinBytes } = progress;
  const byBytes = totalBytes >= PROGRESS_BYTES;
  const byStdin = stdinBytes >= PROGRESS_BYTES;
  if (!byBytes && !byStdin && totalFiles < PROGRESS_FILES) return undefined;
  const parts: string[] = [];
  if (totalFiles > 1) parts.push(`${files}/${totalFiles} files`);
  if (byBytes) {
    const percent = Math.floor((bytes / totalBytes) * 100);
    parts.push(`${megabytes(bytes)} of ${megabytes(totalBytes)} MB (${percent}%)`);
  }
  // Standard input has no size to show a share of: the bytes read so far.
  if (byStdin) parts.push(`${megabytes(stdinBytes)} MB read from standard input`);
  return `scanning ${parts.join(', ')}`;
}

/** `podguard scan`. */
export async function runScan(args: readonly string[], io: CliIo): Promise<number> {
  // `--fix=unsafe` / `--fix=safe` are spellings of `--fix --unsafe` / `--fix`.
  const { values, positionals } = parseFlags(SCAN, fixArgs(args));
  if (values.help) {
    io.stdout.write(commandHelp(SCAN));
    return 0;
  }
  if ((values.values as string[]).length > 0 && !values.helm)
    throw new UsageError('--values only goes with --helm (it is passed to helm template)');
  const kustomize = values.kustomize as string[];
  if (positionals.length === 0 && kustomize.length === 0)
    throw new UsageError('no input: give files, directories, - for standard input, or --kustomize DIR');
  const format = values.format as Format;
  const output = values.output as string | undefined;
  if (values['dry-run'] && !values.fix) throw new UsageError('--dry-run only goes with --fix');
  if (values.unsafe && !values.fix) throw new UsageError('--unsafe only goes with --fix');
  if (values.config !== undefined && values['no-config'])
    throw new UsageError('--config and --no-config exclude each other');
  if (values.verbose && format !== 'text') throw new UsageError('--verbose only goes with --format text');
  if (values.summary !== undefined && format !== 'text')
    throw new UsageError('--summary only goes with --format text');
  const imageUsers: Record<string, string> = {};
  for (const entry of values['image-user'] as string[]) {
    const match = /^([^=]+)=(.*)$/.exec(entry);
    if (!match)
      throw new UsageError(`--image-user must be IMAGE=USER (e.g. registry/app:1.2=1000:0), got "${entry}"`);
    imageUsers[match[1] as string] = match[2] as string;
  }
  const jobsFlag = values.jobs as string | undefined;
  if (jobsFlag !== undefined && !/^[1-9][0-9]{0,2}$/.test(jobsFlag))
    throw new UsageError(`--jobs must be a number of threads from 1 to 999, got "${jobsFlag}"`);
  const jobs = jobsFlag === undefined ? availableParallelism() : Number(jobsFlag);
  // Checked before scanning: a long scan must not end in "cannot write".
  if (output !== undefined) checkOutput(output, io.cwd);

  const configFile = values['no-config']
    ? undefined
    : values.config !== undefined
      ? resolve(io.cwd, values.config as string)
      : findConfig(io.cwd);
  if (values.config !== undefined && !existsSync(configFile as string)) {
    throw new ConfigError(`${values.config}: configuration file not found`);
  }
  const config: PodguardConfig = configFile ? loadConfig(configFile) : {};
  const { imageDockerfiles: _d, imageConfigs: _c, jibProperties: _p, mavenProfiles: _m, ...core } = config;
  // Flags win over the file, under the current names (the file may still use deprecated ones).
  const options: EvaluateOptions = { ...core };
  if (values.profile !== undefined) options.profile = values.profile as ProfileName;
  if (values['pss-version'] !== undefined) {
    const version = values['pss-version'] as string;
    try {
      parseVersion(version);
    } catch (error) {
      throw new UsageError(`--pss-version: ${(error as Error).message}`);
    }
    delete options.pssVersion;
    options.version = version;
  }
  if (values['fail-on'] !== undefined) {
    delete options.warnings;
    options.failOn = values['fail-on'] as EvaluateOptions['failOn'];
  }
  const paths = configPaths(config, configFile, io.cwd);

  let rendered: InputFile[] = [];
  try {
    if (values.helm) rendered = renderCharts(positionals, values.values as string[], io);
  } catch (error) {
    if (!(error instanceof HelmError)) throw error;
    io.stderr.write(`podguard: ${error.message}\n`);
    return 2;
  }
  let lastLine = '';
  const clearProgress = () => {
    if (lastLine !== '') io.stderr.write('\r\u001b[K');
    lastLine = '';
  };
  const request: ScanRequest = {
    paths: positionals,
    cwd: io.cwd,
    stdin: io.stdin,
    options,
    imageUsers,
    imageConfigs: [...paths.imageConfigs, ...(values['image-config'] as string[])],
    imageDockerfiles: paths.imageDockerfiles,
    jibBuild: paths.jibBuild,
    rendered,
    keepDocuments: false,
    ...(io.workerScript !== undefined
      ? { workers: { script: io.workerScript, jobs, always: jobsFlag !== undefined } }
      : {}),
    ...(values.fix === true ? { fix: { unsafe: values.unsafe === true } } : {}),
    kustomize,
    ...(io.env.PATH !== undefined ? { toolPath: io.env.PATH } : {}),
    version: cliVersion(),
    ...(canRedraw(io.stderr, io.env)
      ? {
          onProgress: (progress: ScanProgress) => {
            const line = progress.files === progress.totalFiles ? undefined : progressLine(progress);
            if (line === undefined) clearProgress();
            else if (line !== lastLine) {
              io.stderr.write(`\r${line}\u001b[K`);
              lastLine = line;
            }
          },
        }
      : {}),
  };

  const configName = configFile === undefined ? null : relative(io.cwd, configFile).split('\\').join('/');
  const textOptions = {
    color: format === 'text' && output === undefined && colorFor(io.stdout, io.env),
    summaryControls: values.summary === 'controls',
    verbose: values.verbose === true,
  };
  /**
   * Scans and writes the report as the scan finds: text, JSON, NDJSON, compact and SARIF reports
   * are written as the findings come (they are not kept: a cluster dump of 200,000 findings takes
   * no more memory than one of ten; the text report keeps its summary as counts); JUnit's test
   * cases go to temporary files until the counts that precede them are known. `fixErrors`: files
   * --fix could not write, input errors of the report. Returns the exit code.
   */
  const streamReport = async (scanRequest: ScanRequest, fixErrors: InputError[]): Promise<number> => {
    const withFixErrors = (result: ScanResult) => {
      result.report.inputErrors.push(...fixErrors);
      result.report.summary.errors += fixErrors.length;
      return result;
    };
    if (format === 'junit') {
      const spool = new JunitSpool();
      try {
        const result = await scan({
          ...scanRequest,
          sink: (findings, objects) => spool.add(objects, findings),
          sinkObjects: true,
        });
        clearProgress();
        withFixErrors(result);
        const writer = new ReportWriter(output, io);
        await spool.writeTo(writer, result.report);
        await writer.close();
        writeInputErrors(result.report, io);
        if (result.report.inputErrors.length > 0) return 2;
        return result.blocking ? 1 : 0;
      } finally {
        await spool.close();
      }
    }
    if (format === 'text') {
      const stream = textStream(textOptions);
      const writer = new ReportWriter(output, io);
      const result = await scan({
        ...scanRequest,
        sink: async (findings, objects) => {
          const text = stream.batch(findings, objects);
          if (text === '') return;
          // The progress line (standard error, same terminal) goes before the report's lines.
          clearProgress();
          await writer.write(text);
        },
        sinkObjects: true,
      });
      clearProgress();
      withFixErrors(result);
      await writer.write(stream.tail({ ...result.report, config: configName }));
      await writer.close();
      // The text report lists unreadable inputs itself.
      if (result.report.inputErrors.length > 0) return 2;
      return result.blocking ? 1 : 0;
    }
    const streamed = streamedFormat(format);
    const writer = new ReportWriter(output, io);
    let written = 0;
    // The head once, before the first finding (a batch may hold checked objects only) or the tail.
    let head = streamed.head();
    const separable = streamed.separable;
    const result = await scan({
      ...scanRequest,
      sink: async (batch) => {
        if (batch.length === 0) return;
        let text = head;
        head = '';
        for (const finding of batch) text += streamed.finding(finding, written++);
        await writer.write(text);
      },
      // Worker threads write their findings' text themselves: this thread only joins it.
      ...(separable && (format === 'json' || format === 'ndjson' || format === 'compact')
        ? {
            render: {
              format,
              write: async (text: string, count: number) => {
                if (count === 0) return;
                const joined = `${head}${joinFindings(separable, [text], written)}`;
                head = '';
                written += count;
                await writer.write(joined);
              },
            },
          }
        : {}),
    });
    clearProgress();
    withFixErrors(result);
    const report = { ...result.report, config: configName };
    await writer.write(`${head}${streamed.tail(report, written)}`);
    await writer.close();
    if (format !== 'compact') writeInputErrors(report, io);
    if (report.inputErrors.length > 0) return 2;
    return result.blocking ? 1 : 0;
  };

  if (!values.fix) return streamReport(request, []);

  // The first scan of --fix plans the fixes; its findings are not kept (the report is of the files
  // as fixed, read again), only those runFix speaks of: memory stays that of the planned edits.
  // Standard input cannot be read again: with it, the findings are kept.
  const advice: LocatedFinding[] = [];
  const readAgain = !positionals.includes('-');
  if (readAgain) {
    request.sink = async (batch) => {
      for (const finding of batch) if (isFixAdvice(finding)) advice.push(finding);
    };
  }
  const result = await scan(request);
  clearProgress();
  delete request.sink;
  const dryRun = values['dry-run'] === true;
  const fix = await runFix(result, { dryRun, ...fixFs(io) }, io, readAgain ? advice : result.report.findings);
  if (dryRun) {
    // Inputs that could not be read are neither fixed nor silently passed: exit 2, as scan does.
    writeInputErrors(result.report, io);
    if (result.report.inputErrors.length > 0 || fix.errors.length > 0) return 2;
    return fix.changed ? 1 : 0;
  }
  // Report what is left after fixing, as `eslint --fix` does; files that could not be written are errors.
  if (readAgain || fix.changed) {
    const { fix: _plan, ...plain } = request;
    return streamReport(plain, fix.errors);
  }
  result.report.inputErrors.push(...fix.errors);
  result.report.summary.errors += fix.errors.length;

  const report: ScanReport = { ...result.report, config: configName };
  // Standard input after --fix that changed nothing: the findings of the one scan, kept.
  const text =
    format === 'junit'
      ? formatJunit(report)
      : format === 'text'
        ? formatText(report, textOptions)
        : reportPieces(streamedFormat(format), report);
  await emit(text, output, io);
  // The text and compact reports list unreadable inputs themselves; the others say so on stderr.
  if (format !== 'text' && format !== 'compact') writeInputErrors(report, io);
  if (report.inputErrors.length > 0) return 2;
  return result.blocking ? 1 : 0;
}

/** The pieces of a format written finding by finding (a new stream for each report). */
function streamedFormat(format: Exclude<Format, 'text' | 'junit'>): StreamedFormat {
  return format === 'sarif' ? sarifStream(ruleDescriptors()) : streamedFormats[format];
}

function writeInputErrors(report: Pick<ScanReport, 'inputErrors'>, io: CliIo): void {
  for (const error of report.inputErrors) {
    io.stderr.write(
      `podguard: ${error.file}${error.line ? `:${error.line}:${error.column ?? 1}` : ''}: ${error.message}\n`,
    );
  }
}
