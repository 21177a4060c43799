/**
 * `podguard.config.{json,yaml,yml}`: found upward from the working directory or given with
 * `--config`. It holds the core's options (the one options schema every door shares, validated
 * by the core: unknown keys and wrong values are errors naming the key) plus the CLI's own keys,
 * file paths the CLI reads (`imageDockerfiles`, `imageConfigs`) and what Jib builds are given
 * (`jibProperties`, `mavenProfiles`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type EvaluateOptions, PodguardInputError, resolveEvaluation } from '@podguard/policy-core';
import { parse } from 'yaml';

export const CONFIG_NAMES = ['podguard.config.json', 'podguard.config.yaml', 'podguard.config.yml'];

/** The CLI's own keys: paths of files to read, relative to the configuration file. */
export interface CliConfigKeys {
  /** Image reference → Dockerfile whose final USER the image has. */
  imageDockerfiles?: Record<string, string>;
  /** `docker inspect` or OCI image config files. */
  imageConfigs?: string[];
  /** The `-D` values Jib builds run with (Maven user properties, Gradle system and project properties). */
  jibProperties?: Record<string, string>;
  /** The Maven profiles Jib builds run with (`-P`); default: those active by default. */
  mavenProfiles?: string[];
}

/** The configuration file's content: the core's options plus the CLI's keys. */
export type PodguardConfig = EvaluateOptions & CliConfigKeys;

type Check = (value: unknown) => boolean;
const isObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';

const CLI_KEYS: Readonly<Record<keyof CliConfigKeys, [Check, string]>> = {
  imageDockerfiles: [
    (v) => isObject(v) && Object.values(v as object).every(isString),
    'a map of image reference to Dockerfile path',
  ],
  imageConfigs: [(v) => Array.isArray(v) && v.every(isString), 'a list of file paths'],
  jibProperties: [
    (v) => isObject(v) && Object.values(v as object).every(isString),
    'a map of property name to value (the -D values of Jib builds)',
  ],
  mavenProfiles: [(v) => Array.isArray(v) && v.every(isString), 'a list of Maven profile ids'],
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The nearest configuration file at or above `cwd`, if any. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and checks a configuration file. Throws {@link ConfigError} naming the file and key. */
export function loadConfig(file: string): PodguardConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file}: cannot read configuration: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = file.endsWith('.json')
      ? JSON.parse(text)
      : parse(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (error) {
    throw new ConfigError(`${file}: invalid configuration: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (!isObject(value)) throw new ConfigError(`${file}: the configuration must be an object of settings`);
  const options: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(value as Record<string, unknown>)) {
    // Own keys only: `toString` or `constructor` in the file are unknown options, not Object's methods.
    const rule = Object.hasOwn(CLI_KEYS, key) ? CLI_KEYS[key as keyof CliConfigKeys] : undefined;
    // defineProperty: `__proto__` stays a key (rejected as unknown) instead of setting the prototype.
    if (!rule)
      Object.defineProperty(options, key, {
        value: setting,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else if (!rule[0](setting))
      throw new ConfigError(`${file}: key "${key}" must be ${rule[1]}, got ${JSON.stringify(setting)}`);
  }
  try {
    // The core's validator: every key at every level known, every value checked.
    resolveEvaluation(options);
  } catch (error) {
    if (error instanceof PodguardInputError) throw new ConfigError(`${file}: ${error.message}`);
    throw error;
  }
  return value as PodguardConfig;
}
