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
import { fixFiles } from '../fix.js';
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
  const { values, positionals } = parse(args, {
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
    summary: { type: 'string' },
    kustomize: { type: 'string', multiple: true, default: [] },
  });
  const kustomize = values.kustomize as string[];
  if (positionals.length === 0 && kustomize.length === 0)
    throw new UsageError('no input: give files, directories, - for standard input, or --kustomize DIR');
  const format = oneOf(values.format as string, FORMATS, '--format');
  if (values['dry-run'] && !values.fix) throw new UsageError('--dry-run only goes with --fix');
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
    const fixes = await fixFiles(result.files, result.options, values['dry-run'] === true);
    for (const fix of fixes) {
      if (fix.skipped) io.stderr.write(`podguard: ${fix.file}: not fixed: ${fix.skipped}\n`);
      else if (values['dry-run']) io.stdout.write(fix.diff);
      else
        io.stderr.write(
          `podguard: ${fix.file}: applied ${fix.changes} fix${fix.changes === 1 ? '' : 'es'}\n`,
        );
    }
    // Dockerfile fixes are advice (which UID an image should run as is the author's call).
    for (const finding of result.report.findings) {
      if (finding.resource.kind === 'Dockerfile' && finding.status === 'fail' && finding.source) {
        const { file, line } = finding.source;
        io.stderr.write(`podguard: ${file}:${line}: not fixed: Dockerfiles are not rewritten by --fix\n`);
      }
    }
    if (values['dry-run']) return fixes.some((fix) => !fix.skipped && fix.changes > 0) ? 1 : 0;
    // Report what is left after fixing, as `eslint --fix` does.
    if (fixes.some((fix) => fix.changes > 0)) result = await scan({ ...request, keepDocuments: false });
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
