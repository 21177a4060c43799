/**
 * `--fix`: applies the core's fixes (from `harden`) to the YAML documents themselves, so comments,
 * key order, formatting of untouched parts and the other documents stay as they are.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type EvaluateOptions, harden, type JsonPatchOperation, parsePointer } from '@podguard/policy-core';
import { type Document, isMap, isSeq, type Node, type ToStringOptions } from 'yaml';
import type { ParsedDocument } from './documents.js';
import type { ScannedFile } from './scan.js';
import { unifiedDiff } from './unifiedDiff.js';

/** What --fix did (or would do) to one file. */
export interface FileFix {
  file: string;
  changes: number;
  /** Unified diff of the change. */
  diff: string;
  /** Why the file was left alone, when it was. */
  skipped?: string;
}

/** Path segments for the yaml API: numbers where the node on the way is a sequence. */
function keysFor(document: Document, tokens: string[]): (string | number)[] {
  const keys: (string | number)[] = [];
  let node: unknown = document.contents;
  for (const token of tokens) {
    const key = isSeq(node) ? (token === '-' ? node.items.length : Number(token)) : token;
    keys.push(key);
    node =
      isSeq(node) || isMap(node)
        ? (node as { get(k: unknown, keep: true): unknown }).get(key, true)
        : undefined;
  }
  return keys;
}

/** For an `ifMissing` add: the member is there (not null), or an equal element is in the array. */
function alreadyThere(
  document: Document,
  parent: unknown,
  keys: readonly unknown[],
  operation: JsonPatchOperation,
): boolean {
  if (operation.path.endsWith('/-')) {
    const wanted = JSON.stringify(operation.value);
    return isSeq(parent) && parent.toJSON().some((item: unknown) => JSON.stringify(item) === wanted);
  }
  const existing = document.getIn(keys as unknown[]);
  return existing !== undefined && existing !== null;
}

function applyOperation(document: Document, operation: JsonPatchOperation): void {
  const keys = keysFor(document, parsePointer(operation.path));
  const parentKeys = keys.slice(0, -1);
  const last = keys[keys.length - 1];
  const parent = parentKeys.length === 0 ? document.contents : document.getIn(parentKeys, true);
  switch (operation.op) {
    case 'add':
      // A parent created only when missing, or an element appended only when absent (the core's
      // leaf-level fixes compose this way): skip it when it is already there.
      if (operation.ifMissing === true && alreadyThere(document, parent, keys, operation)) return;
      if (isSeq(parent) && typeof last === 'number') {
        (parent.items as unknown[]).splice(last, 0, document.createNode(operation.value) as Node);
      } else document.setIn(keys, document.createNode(operation.value));
      return;
    case 'replace':
      document.setIn(keys, document.createNode(operation.value));
      return;
    case 'remove':
      document.deleteIn(keys);
      return;
    case 'test':
      return;
  }
}

/** Applies harden's changes to one parsed document; returns the number of changes. */
export function fixDocument(parsed: ParsedDocument, options: EvaluateOptions): number {
  const array = Array.isArray(parsed.value);
  const { changes } = harden(parsed.value, options);
  for (const change of changes) {
    for (const operation of change.patch) {
      const path = array ? `/${change.objectIndex}${operation.path}` : operation.path;
      applyOperation(parsed.document, { ...operation, path });
    }
  }
  return changes.length;
}

/**
 * The source's own style, so a rewritten document only changes where a fix landed: indentation
 * width, whether sequences are indented under their key, and `{a: 1}` versus `{ a: 1 }`.
 */
export function styleOf(text: string): ToStringOptions {
  const lines = text.split('\n');
  const indents = lines
    .map((line) => /^( +)\S/.exec(line)?.[1]?.length)
    .filter((n): n is number => n !== undefined);
  const indent = indents.length > 0 ? Math.min(...indents) : 2;
  let indentSeq = true;
  for (let i = 1; i < lines.length; i++) {
    const dash = /^( *)- /.exec(lines[i] as string);
    if (!dash) continue;
    const previous = /^( *)(- )?[^#\s][^:]*:\s*$/.exec(lines[i - 1] as string);
    if (previous) {
      const keyIndent = (previous[1] as string).length + (previous[2] ? 2 : 0);
      indentSeq = (dash[1] as string).length > keyIndent;
      break;
    }
  }
  const flowCollectionPadding = !/[{[][^\s{}[\]]/.test(text) || /[{[] [^\s]/.test(text);
  return { lineWidth: 0, indent, indentSeq, flowCollectionPadding };
}

/** JSON keeps being JSON: re-printed with the file's indentation (JSON has no comments to keep). */
function fixJson(parsed: ParsedDocument, options: EvaluateOptions, original: string) {
  const { object, changes } = harden(parsed.value, options);
  const indent = /^[ \t]+(?=\S)/m.exec(original)?.[0] ?? '';
  const text = indent === '' ? JSON.stringify(object) : JSON.stringify(object, null, indent);
  return { changes: changes.length, text: `${text}${original.endsWith('\n') ? '\n' : ''}` };
}

/** Fixes the files of a scan; writes them unless `dryRun`. */
export async function fixFiles(
  files: ScannedFile[],
  options: EvaluateOptions,
  dryRun: boolean,
): Promise<FileFix[]> {
  const results: FileFix[] = [];
  for (const scanned of files) {
    if (scanned.documents.length === 0) continue;
    if (scanned.generated) {
      results.push({
        file: scanned.file.display,
        changes: 0,
        diff: '',
        skipped: `generated input (${scanned.generated}) is never rewritten: fix its source`,
      });
      continue;
    }
    const path = scanned.file.path as string;
    const original = await readFile(path, 'utf8');
    // A Kustomize patch: fixes may replace what it sets, never add fields to it.
    const fileOptions: EvaluateOptions = scanned.partial ? { ...options, partial: true } : options;
    if (scanned.file.kind === 'json') {
      const { changes, text } = fixJson(scanned.documents[0] as ParsedDocument, fileOptions, original);
      if (changes === 0) continue;
      if (!dryRun) await writeFile(path, text);
      results.push({
        file: scanned.file.display,
        changes,
        diff: unifiedDiff(original, text, scanned.file.display),
      });
      continue;
    }
    // Keep the file's line endings (CRLF files stay CRLF).
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    const lines = original.split(eol);
    let changes = 0;
    // Bottom-up, so the line numbers of earlier documents stay valid.
    for (const parsed of [...scanned.documents].reverse()) {
      if (parsed.inline) continue;
      const count = fixDocument(parsed, fileOptions);
      if (count === 0) continue;
      changes += count;
      const text = parsed.document.toString(styleOf(parsed.text)).replace(/\n$/, '');
      lines.splice(parsed.firstLine - 1, parsed.lastLine - parsed.firstLine + 1, ...text.split('\n'));
    }
    const inline = scanned.documents.filter((parsed) => parsed.inline);
    if (inline.length > 0) {
      results.push({
        file: scanned.file.display,
        changes: 0,
        diff: '',
        skipped: `document${inline.length === 1 ? '' : 's'} ${inline.map((parsed) => parsed.index + 1).join(', ')} start${inline.length === 1 ? 's' : ''} on the "---" line; move the content to the next line to let --fix rewrite it`,
      });
    }
    if (changes === 0) continue;
    const fixed = lines.join(eol);
    const diff = unifiedDiff(original, fixed, scanned.file.display);
    if (!dryRun) await writeFile(path, fixed);
    results.push({ file: scanned.file.display, changes, diff });
  }
  return results;
}
