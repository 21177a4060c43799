import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type EvaluateOptions, type ProfileName, toAdmissionPolicies } from '@podguard/policy-core';
import { stringify } from 'yaml';
import { ConfigError, findConfig, loadConfig } from '../config.js';
import { commandHelp, parseFlags } from '../flags.js';
import { type CliIo, emit, UsageError } from '../io.js';
import { ADMISSION } from './spec.js';

/**
 * `podguard admission`: the core's ValidatingAdmissionPolicies for the configuration's options,
 * as YAML documents (or a JSON List). The rules the API server cannot check are listed on
 * standard error, and in the policies' `podguard.dev/not-enforced` annotation.
 */
export async function runAdmission(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(ADMISSION, args);
  if (values.help) {
    io.stdout.write(commandHelp(ADMISSION));
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`admission takes no arguments, got "${positionals[0]}"; podguard admission --help`);
  if (values.config !== undefined && values['no-config'])
    throw new UsageError('--config and --no-config exclude each other');
  const configFile = values['no-config']
    ? undefined
    : values.config !== undefined
      ? resolve(io.cwd, values.config as string)
      : findConfig(io.cwd);
  if (values.config !== undefined && !existsSync(configFile as string)) {
    throw new ConfigError(`${values.config}: configuration file not found`);
  }
  const config = configFile ? loadConfig(configFile) : {};
  // The CLI's file keys feed image data, which admission cannot use; the core options stay as they are.
  const { imageDockerfiles: _d, imageConfigs: _c, ...options } = config;
  const core: EvaluateOptions = { ...options };
  if (values.profile !== undefined) core.profile = values.profile as ProfileName;
  if (values['fail-on'] !== undefined) {
    delete core.warnings;
    core.failOn = values['fail-on'] as EvaluateOptions['failOn'];
  }
  const generated = toAdmissionPolicies(core, {
    ...(values.name !== undefined ? { name: values.name as string } : {}),
    exemptNamespaces: values['exempt-namespace'] as string[],
  });
  const text =
    values.format === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: generated.objects }, null, 2)}\n`
      : generated.objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
  await emit(text, values.output as string | undefined, io);
  for (const entry of generated.notEnforced) {
    io.stderr.write(
      `podguard: ${entry.rule} is ${entry.partial ? 'enforced only in part' : 'not enforced'} at admission: ${entry.reason}\n`,
    );
  }
  for (const entry of generated.ignoredSuppressions)
    io.stderr.write(`podguard: not honoured at admission: ${entry}\n`);
  return 0;
}
