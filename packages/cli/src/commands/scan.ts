import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type EvaluateOptions,
  formatJson,
  formatJunit,
  formatSarif,
  formatText,
  type ProfileName,
  builtinRuleDescriptors as ruleDescriptors,
} from '@podguard/policy-core';
import { ConfigError, findConfig, loadConfig } from '../config.js';
import { fixArgs, fixFs, runFix } from '../fix.js';
import { type CliIo, emit, parse, UsageError } from '../io.js';
import { configPaths, type ScanRequest, scan } from '../scan.js';
import { cliVersion } from '../version.js';

const PROFILES: readonly ProfileName[] = ['baseline', 'restricted', 'hardened', 'openshift'];
const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
const FAIL_ON = ['error', 'warning', 'none'] as const;

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** `podguard scan`. */
export async function runScan(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(fixArgs(args), {
    profile: { type: 'string' },
    'pss-version': { type: 'string' },
    format: { type: 'string', default: 'text' },
    output: { type: 'string' },
    config: { type: 'string' },
    'image-user': { type: 'string', multiple: true, default: [] },
    'image-config': { type: 'string', multiple: true, default: [] },
    'fail-on': { type: 'string' },
    fix: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    unsafe: { type: 'boolean', default: false },
    summary: { type: 'string' },
    kustomize: { type: 'string', multiple: true, default: [] },
  });
  const kustomize = values.kustomize as string[];
  if (positionals.length === 0 && kustomize.length === 0)
    throw new UsageError('no input: give files, directories, - for standard input, or --kustomize DIR');
  const format = oneOf(values.format as string, FORMATS, '--format');
  if (values['dry-run'] && !values.fix) throw new UsageError('--dry-run only goes with --fix');
  if (values.unsafe && !values.fix) throw new UsageError('--unsafe only goes with --fix');
  if (values.summary !== undefined && values.summary !== 'controls') {
    throw new UsageError(`--summary must be "controls", got "${values.summary}"`);
  }
  const imageUsers: Record<string, string> = {};
  for (const entry of values['image-user'] as string[]) {
    const match = /^([^=]+)=(.*)$/.exec(entry);
    if (!match)
      throw new UsageError(`--image-user must be IMAGE=USER (e.g. registry/app:1.2=1000:0), got "${entry}"`);
    imageUsers[match[1] as string] = match[2] as string;
  }

  const configFile = values.config !== undefined ? resolve(io.cwd, values.config) : findConfig(io.cwd);
  if (values.config !== undefined && !existsSync(configFile as string)) {
    throw new ConfigError(`${values.config}: configuration file not found`);
  }
  const config = configFile ? loadConfig(configFile) : {};
  const { imageDockerfiles: _d, imageConfigs: _c, ...core } = config;
  // Flags win over the file, under the current names (the file may still use deprecated ones).
  const options: EvaluateOptions = { ...core };
  if (values.profile !== undefined) options.profile = oneOf(values.profile as string, PROFILES, '--profile');
  if (values['pss-version'] !== undefined) {
    delete options.pssVersion;
    options.version = values['pss-version'] as string;
  }
  if (values['fail-on'] !== undefined) {
    delete options.warnings;
    options.failOn = oneOf(values['fail-on'] as string, FAIL_ON, '--fail-on');
  }
  const paths = configPaths(config, configFile, io.cwd);

  const progress = io.stderr.isTTY === true && format !== undefined;
  const request: ScanRequest = {
    paths: positionals,
    cwd: io.cwd,
    stdin: io.stdin,
    options,
    imageUsers,
    imageConfigs: [...paths.imageConfigs, ...(values['image-config'] as string[])],
    imageDockerfiles: paths.imageDockerfiles,
    keepDocuments: values.fix === true,
    kustomize,
    ...(io.env.PATH !== undefined ? { toolPath: io.env.PATH } : {}),
    version: cliVersion(),
    ...(progress
      ? {
          onProgress: (done: number, total: number) => {
            if (total >= 20)
              io.stderr.write(done === total ? '\r\x1b[K' : `\rscanning ${done}/${total} files`);
          },
        }
      : {}),
  };

  let result = await scan(request);
  if (values.fix) {
    const dryRun = values['dry-run'] === true;
    const fix = await runFix(result, { dryRun, unsafe: values.unsafe === true, ...fixFs(io) }, io);
    if (dryRun) return fix.errors.length > 0 ? 2 : fix.changed ? 1 : 0;
    // Report what is left after fixing, as `eslint --fix` does; files that could not be written are errors.
    if (fix.changed) result = await scan({ ...request, keepDocuments: false });
    result.report.inputErrors.push(...fix.errors);
    result.report.summary.errors += fix.errors.length;
  }

  const { report } = result;
  const color =
    format === 'text' && values.output === undefined && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const text =
    format === 'json'
      ? formatJson(report)
      : format === 'sarif'
        ? formatSarif(report, ruleDescriptors())
        : format === 'junit'
          ? formatJunit(report)
          : formatText(report, { color, summaryControls: values.summary === 'controls' });
  await emit(text, values.output as string | undefined, io);
  if (format !== 'text' && report.inputErrors.length > 0) {
    for (const error of report.inputErrors) {
      io.stderr.write(
        `podguard: ${error.file}${error.line ? `:${error.line}:${error.column ?? 1}` : ''}: ${error.message}\n`,
      );
    }
  }
  if (report.inputErrors.length > 0) return 2;
  return result.blocking ? 1 : 0;
}
