/**
 * Kustomize: which scanned files are patches (judged as partial objects), JSON 6902 patches
 * turned into the partial objects their values make, and `--kustomize DIR` rendering with
 * `kubectl kustomize` or `kustomize build`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path';
import { BUILTIN_WORKLOAD_KINDS, escapePointerToken, parsePointer } from '@podguard/policy-core';
import { parse } from 'yaml';
import type { InputFile } from './inputs.js';

/** The names kustomize reads a kustomization from. */
const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** Whether a file is a kustomization, by its name. */
export const isKustomization = (path: string): boolean => KUSTOMIZATION_NAMES.has(basename(path));

/** A JSON 6902 patch target, as a kustomization names it. */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** What a kustomization says about one file. */
export interface KustomizePatch {
  /** The kustomization that lists the file (as displayed). */
  kustomization: string;
  /** A JSON 6902 patch's target; for `patches` entries, whether the file is one is decided by its content. */
  target?: PatchTarget;
  /** Listed under `patchesJson6902`: the file must be a JSON 6902 patch. */
  json6902: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function targetOf(value: unknown): PatchTarget | undefined {
  if (!isObject(value)) return undefined;
  const target: PatchTarget = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace'] as const) {
    if (typeof value[key] === 'string') target[key] = value[key] as string;
  }
  return target;
}

/**
 * The patch files listed by the kustomizations among the scanned files (`patches[].path`,
 * `patchesStrategicMerge[]`, `patchesJson6902[].path`), by absolute path. Inline patches live in
 * the kustomization itself: the scan judges them there (inlinePatches.ts).
 */
export function kustomizePatches(files: readonly InputFile[]): Map<string, KustomizePatch> {
  const patches = new Map<string, KustomizePatch>();
  for (const file of files) {
    if (file.path === undefined || !KUSTOMIZATION_NAMES.has(basename(file.path))) continue;
    let value: unknown;
    try {
      value = parse(readFileSync(file.path, 'utf8'));
    } catch {
      // The scan reads the file too and reports its YAML error there.
      continue;
    }
    if (!isObject(value)) continue;
    const directory = dirname(file.path);
    const add = (path: unknown, patch: Omit<KustomizePatch, 'kustomization'>) => {
      // Strings with a newline are inline patches, not file names.
      if (typeof path !== 'string' || path.includes('\n')) return;
      patches.set(resolve(directory, path), { kustomization: file.display, ...patch });
    };
    if (Array.isArray(value.patches)) {
      for (const entry of value.patches) {
        if (!isObject(entry)) continue;
        const target = targetOf(entry.target);
        add(entry.path, { json6902: false, ...(target ? { target } : {}) });
      }
    }
    if (Array.isArray(value.patchesStrategicMerge)) {
      for (const entry of value.patchesStrategicMerge) add(entry, { json6902: false });
    }
    if (Array.isArray(value.patchesJson6902)) {
      for (const entry of value.patchesJson6902) {
        if (!isObject(entry)) continue;
        const target = targetOf(entry.target);
        add(entry.path, { json6902: true, ...(target ? { target } : {}) });
      }
    }
  }
  return patches;
}

/**
 * The apiVersion of the object a patch target selects. Kustomize matches a target without `version`
 * (or `group`) against every one; a built-in workload kind is then judged at the group/version the
 * API server serves it (`kind: Deployment` → `apps/v1`), the first of the core's table.
 */
export function targetApiVersion(target: PatchTarget): string {
  if (target.version !== undefined)
    return target.group ? `${target.group}/${target.version}` : target.version;
  const builtin = BUILTIN_WORKLOAD_KINDS.find(
    (entry) =>
      entry.kind === target.kind &&
      (target.group === undefined ||
        (target.group === ''
          ? !entry.apiVersion.includes('/')
          : entry.apiVersion.startsWith(`${target.group}/`))),
  );
  return builtin?.apiVersion ?? '';
}

/** A JSON 6902 operation's value placed in the object, and where it came from. */
interface PlacedValue {
  /** JSON pointer of the value in the built object. */
  path: string;
  /** JSON pointer of the operation's `value` in the patch document. */
  source: string;
}

/** The partial object a JSON 6902 patch's values make, for its target. */
export interface Json6902Object {
  object: Record<string, unknown>;
  placed: PlacedValue[];
}

/**
 * Builds the partial object whose fields are the `add`/`replace` values of a JSON 6902 patch at
 * their paths, on an object of the target's kind. `remove`, `move`, `copy` and `test` set no
 * value of their own and are not judged.
 */
export function json6902Object(operations: readonly unknown[], target: PatchTarget): Json6902Object {
  const object: Record<string, unknown> = {
    apiVersion: targetApiVersion(target),
    kind: target.kind ?? '',
    metadata: {
      ...(target.name !== undefined ? { name: target.name } : {}),
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    },
  };
  const placed: PlacedValue[] = [];
  operations.forEach((operation, index) => {
    if (!isObject(operation) || (operation.op !== 'add' && operation.op !== 'replace')) return;
    if (typeof operation.path !== 'string' || !operation.path.startsWith('/')) return;
    const tokens = parsePointer(operation.path);
    let parent: Record<string, unknown> | unknown[] = object;
    const actual: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      const last = i === tokens.length - 1;
      const nextIsIndex = !last && /^(0|[1-9][0-9]*|-)$/.test(tokens[i + 1] as string);
      if (Array.isArray(parent)) {
        const position = token === '-' ? parent.length : Number(token);
        if (!Number.isInteger(position)) return;
        actual.push(String(position));
        if (last) parent[position] = operation.value;
        else {
          parent[position] ??= nextIsIndex ? [] : {};
          parent = parent[position] as Record<string, unknown> | unknown[];
        }
      } else {
        actual.push(escapePointerToken(token));
        if (last) parent[token] = operation.value;
        else {
          const child = parent[token];
          if (!isObject(child) && !Array.isArray(child)) parent[token] = nextIsIndex ? [] : {};
          parent = parent[token] as Record<string, unknown> | unknown[];
        }
      }
    }
    placed.push({ path: `/${actual.join('/')}`, source: `/${index}/value` });
  });
  return { object, placed };
}

/** The pointer in the patch document of a pointer in the built object: inside the value that put it there. */
export function json6902Source(built: Json6902Object, path: string): string | undefined {
  let best: PlacedValue | undefined;
  for (const entry of built.placed) {
    if (
      (path === entry.path || path.startsWith(`${entry.path}/`)) &&
      entry.path.length >= (best?.path.length ?? -1)
    )
      best = entry;
  }
  return best ? best.source + path.slice(best.path.length) : undefined;
}

/** `--kustomize` cannot run: no tool, or the tool failed. */
export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
}

/** The rendered overlay and how it was rendered. */
export interface RenderedOverlay {
  text: string;
  /** `kubectl kustomize` or `kustomize build`. */
  tool: string;
  /** The objects carry `config.kubernetes.io/origin` annotations (kustomize 4 and later). */
  origins: boolean;
  /** Directory the origin paths are relative to. */
  originBase: string;
}

function onPath(name: string, path: string | undefined): string | undefined {
  for (const directory of (path ?? process.env.PATH ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Renders a kustomization directory with `kubectl kustomize` (or `kustomize build`) found on
 * `path`. Asks for origin annotations through a wrapping kustomization, so findings can point at
 * the file that set each field; tools too old for `buildMetadata` render the directory as it is.
 */
export function renderKustomize(directory: string, path: string | undefined): RenderedOverlay {
  const kubectl = onPath('kubectl', path);
  const kustomize = kubectl ? undefined : onPath('kustomize', path);
  if (!kubectl && !kustomize) {
    throw new KustomizeError(
      '--kustomize needs kubectl (`kubectl kustomize`) or kustomize on PATH: install kubectl (Debian/Ubuntu: apt-get install kubernetes-client; or https://kubernetes.io/docs/tasks/tools/) or kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/)',
    );
  }
  const command = (kubectl ?? kustomize) as string;
  const tool = kubectl ? 'kubectl kustomize' : 'kustomize build';
  const run = (target: string) =>
    spawnSync(command, [kubectl ? 'kustomize' : 'build', target], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      env: { ...process.env, ...(path !== undefined ? { PATH: path } : {}) },
    });
  const wrapper = mkdtempSync(join(tmpdir(), 'podguard-kustomize-'));
  try {
    // kustomize accepts only relative paths to other kustomizations.
    const target = relative(wrapper, directory).split('\\').join('/');
    writeFileSync(
      join(wrapper, 'kustomization.yaml'),
      `resources:\n  - ${JSON.stringify(target)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`,
    );
    const wrapped = run(wrapper);
    if (wrapped.status === 0) return { text: wrapped.stdout, tool, origins: true, originBase: wrapper };
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
  const plain = run(directory);
  if (plain.error) throw new KustomizeError(`${tool} ${directory}: ${plain.error.message}`);
  if (plain.status !== 0) {
    const message = (plain.stderr || plain.stdout).trim().split('\n').slice(-3).join(' ');
    throw new KustomizeError(`${tool} ${directory} failed: ${message}`);
  }
  return { text: plain.stdout, tool, origins: false, originBase: directory };
}

/** The file an object came from, from its `config.kubernetes.io/origin` annotation. */
export function originPath(object: unknown, base: string): string | undefined {
  if (!isObject(object) || !isObject(object.metadata) || !isObject(object.metadata.annotations))
    return undefined;
  const origin = object.metadata.annotations['config.kubernetes.io/origin'];
  if (typeof origin !== 'string') return undefined;
  let value: unknown;
  try {
    value = parse(origin);
  } catch {
    return undefined;
  }
  // Objects from remote bases carry `repo`/`ref`: their files are not on this machine.
  if (!isObject(value) || typeof value.path !== 'string' || value.repo !== undefined) return undefined;
  return resolve(base, value.path);
}
