/**
 * `podguard.config.{json,yaml,yml}`: found upward from the working directory or given with
 * `--config`. Unknown keys and wrong types are errors naming the key; the core validates the
 * values of the options it owns.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EvaluateOptions } from '@podguard/policy-core';
import { parse } from 'yaml';

export const CONFIG_NAMES = ['podguard.config.json', 'podguard.config.yaml', 'podguard.config.yml'];

/** The configuration file's content. Paths inside it are relative to the file. */
export interface PodguardConfig {
  profile?: EvaluateOptions['profile'];
  version?: string;
  imageUsers?: Record<string, string>;
  /** Image reference → Dockerfile whose final USER the image has. */
  imageDockerfiles?: Record<string, string>;
  /** `docker inspect` or OCI image config files. */
  imageConfigs?: string[];
  uidRange?: { min?: number; max?: number };
  denyUids?: number[];
  gidRange?: { min?: number; max?: number };
  allowRootGroup?: boolean;
  requireRunAsUser?: boolean;
  namespaceLevel?: EvaluateOptions['namespaceLevel'];
  rules?: EvaluateOptions['rules'];
  suppressions?: EvaluateOptions['suppressions'];
  failOn?: 'error' | 'warning' | 'none';
  /** Base images known to run as non-root, for Dockerfiles. */
  nonRootBases?: string[];
}

type Check = (value: unknown) => boolean;
const isObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';
const isStringMap: Check = (v) => isObject(v) && Object.values(v as object).every(isString);
const isStringList: Check = (v) => Array.isArray(v) && v.every(isString);
const isNumberList: Check = (v) => Array.isArray(v) && v.every((n) => typeof n === 'number');

const KEYS: Readonly<Record<keyof PodguardConfig, [Check, string]>> = {
  profile: [(v) => isString(v) || isObject(v), 'a profile name or object'],
  version: [isString, 'a string such as "v1.30" or "latest"'],
  imageUsers: [isStringMap, 'a map of image reference to USER string'],
  imageDockerfiles: [isStringMap, 'a map of image reference to Dockerfile path'],
  imageConfigs: [isStringList, 'a list of file paths'],
  uidRange: [isObject, 'an object { min, max }'],
  denyUids: [isNumberList, 'a list of UIDs'],
  gidRange: [isObject, 'an object { min, max }'],
  allowRootGroup: [(v) => typeof v === 'boolean', 'true or false'],
  requireRunAsUser: [(v) => typeof v === 'boolean', 'true or false'],
  namespaceLevel: [isString, 'privileged, baseline or restricted'],
  rules: [isObject, 'a map of rule id to { enabled, severity }'],
  suppressions: [Array.isArray, 'a list of suppressions'],
  failOn: [(v) => v === 'error' || v === 'warning' || v === 'none', 'error, warning or none'],
  nonRootBases: [isStringList, 'a list of image references'],
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
  for (const [key, setting] of Object.entries(value as Record<string, unknown>)) {
    const rule = KEYS[key as keyof PodguardConfig];
    if (!rule) {
      throw new ConfigError(`${file}: unknown key "${key}" (known keys: ${Object.keys(KEYS).join(', ')})`);
    }
    if (!rule[0](setting))
      throw new ConfigError(`${file}: key "${key}" must be ${rule[1]}, got ${JSON.stringify(setting)}`);
  }
  return value as PodguardConfig;
}
