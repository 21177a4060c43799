/**
 * Locations in a rendered Kustomize overlay traced back to the file that set each field: the
 * patches the overlay's kustomizations apply (latest first), then the file the object came from
 * (`config.kubernetes.io/origin`). A field is placed in a file when the file's document for the
 * object has it (with the same value, for scalars); otherwise the rendered output is the location.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parsePointer, type SourceLocation } from '@podguard/policy-core';
import { parse } from 'yaml';
import { type ParsedDocument, parseChunk, splitChunks } from './documents.js';
import {
  json6902Object,
  json6902Source,
  type KustomizePatch,
  kustomizePatches,
  originPath,
} from './kustomize.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function valueAt(value: unknown, path: string): { found: boolean; value: unknown } {
  let current = value;
  for (const token of parsePointer(path)) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token)) current = current[Number(token)];
    else if (isObject(current) && Object.hasOwn(current, token)) current = current[token];
    else return { found: false, value: undefined };
  }
  return { found: current !== undefined, value: current };
}

/** The kustomizations whose patch transformers touched an object, latest last. */
function patchingKustomizations(object: Record<string, unknown>, base: string): string[] {
  const annotations = isObject(object.metadata) ? object.metadata.annotations : undefined;
  const text = isObject(annotations) ? annotations['alpha.config.kubernetes.io/transformations'] : undefined;
  if (typeof text !== 'string') return [];
  let entries: unknown;
  try {
    entries = parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry) => {
    const kind = isObject(entry) && isObject(entry.configuredBy) ? entry.configuredBy.kind : undefined;
    return isObject(entry) &&
      typeof entry.configuredIn === 'string' &&
      typeof kind === 'string' &&
      kind.startsWith('Patch')
      ? [resolve(base, entry.configuredIn)]
      : [];
  });
}

export class OriginLocator {
  readonly #files = new Map<string, ParsedDocument[]>();
  readonly #cwd: string;

  constructor(cwd: string) {
    this.#cwd = cwd;
  }

  #documents(path: string): ParsedDocument[] {
    let documents = this.#files.get(path);
    if (!documents) {
      try {
        documents = [...splitChunks(readFileSync(path, 'utf8'), path.endsWith('.json'))].map(parseChunk);
      } catch {
        documents = [];
      }
      this.#files.set(path, documents);
    }
    return documents;
  }

  /** The document of `path` that stands for the rendered object (same kind; its name within the rendered name). */
  #documentFor(path: string, object: Record<string, unknown>): ParsedDocument | undefined {
    const name = isObject(object.metadata) ? object.metadata.name : undefined;
    const candidates = this.#documents(path).filter(
      (document) => isObject(document.value) && document.value.kind === object.kind,
    );
    return (
      candidates.find((document) => {
        const own =
          isObject(document.value) && isObject(document.value.metadata)
            ? document.value.metadata.name
            : undefined;
        return typeof own === 'string' && typeof name === 'string' && name.includes(own);
      }) ?? (candidates.length === 1 ? candidates[0] : undefined)
    );
  }

  /** Where in the overlay's source files `path` of a rendered object was set, if known. */
  locate(object: unknown, path: string, base: string): SourceLocation | undefined {
    if (!isObject(object)) return undefined;
    const rendered = valueAt(object, path);
    const files: { path: string; patch?: KustomizePatch }[] = [];
    for (const kustomization of patchingKustomizations(object, base).reverse()) {
      const kustomizationFile = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
        .map((name) =>
          resolve(
            kustomization.endsWith('.yaml') || kustomization.endsWith('.yml')
              ? dirname(kustomization)
              : kustomization,
            name,
          ),
        )
        .find((candidate) => this.#documents(candidate).length > 0);
      if (!kustomizationFile) continue;
      const listed = kustomizePatches([
        { display: kustomizationFile, path: kustomizationFile, kind: 'manifest', size: 0 },
      ]);
      files.push(...[...listed].reverse().map(([path, patch]) => ({ path, patch })));
    }
    const origin = originPath(object, base);
    if (origin) files.push({ path: origin });
    for (const { path: file, patch } of files) {
      const operations = this.#documents(file)[0];
      if (patch !== undefined && Array.isArray(operations?.value)) {
        const target = patch.target ?? {};
        const name = isObject(object.metadata) ? object.metadata.name : undefined;
        if (target.kind !== undefined && target.kind !== object.kind) continue;
        if (target.name !== undefined && !(typeof name === 'string' && name.includes(target.name))) continue;
        const source = json6902Source(json6902Object(operations.value, target), path);
        if (source === undefined) continue;
        return this.#position(file, operations, source);
      }
      const document = this.#documentFor(file, object);
      if (!document) continue;
      const own = valueAt(document.value, path);
      if (!own.found) continue;
      const scalar = typeof own.value !== 'object' || own.value === null;
      if (scalar && own.value !== rendered.value) continue;
      // A patch that merely passes through an object (spec, a container) did not set it.
      if (patch !== undefined && isObject(own.value)) continue;
      return this.#position(file, document, path);
    }
    return undefined;
  }

  #position(file: string, document: ParsedDocument, path: string): SourceLocation {
    const position = document.position(path);
    const line = position.line + document.firstLine - 1;
    const column = position.col;
    return { file: relative(this.#cwd, file).split('\\').join('/'), line, column, document: document.index };
  }
}
