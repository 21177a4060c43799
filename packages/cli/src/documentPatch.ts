/**
 * JSON Patch operations applied to a parsed YAML document (its comments and layout kept), and the
 * source's own style for printing it again: what `helm-post-render` uses to rewrite the documents
 * a fix changes. (`--fix` edits files as text instead: see fix.ts.)
 */
import { type JsonPatchOperation, parsePointer } from '@podguard/policy-core';
import type { Document, Node, ToStringOptions } from 'yaml';
import { isMap, isSeq } from './yamlNodes.js';

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

/** Applies one JSON Patch operation to a YAML document, keeping its comments and layout. */
export function applyOperation(document: Document, operation: JsonPatchOperation): void {
  const keys = keysFor(document, parsePointer(operation.path));
  const parentKeys = keys.slice(0, -1);
  const last = keys[keys.length - 1];
  const parent = parentKeys.length === 0 ? document.contents : document.getIn(parentKeys, true);
  if (operation.op === 'add' && operation.ifMissing === true) {
    // A parent the patch needs, added only when missing; an append only when not there yet.
    if (typeof last === 'number' && isSeq(parent)) {
      const wanted = JSON.stringify(operation.value);
      if (parent.toJSON().some((item: unknown) => JSON.stringify(item) === wanted)) return;
    } else {
      const existing = document.getIn(keys);
      if (existing !== undefined && existing !== null) return;
    }
  }
  switch (operation.op) {
    case 'add':
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
