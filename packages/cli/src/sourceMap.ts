/**
 * Maps JSON pointers of findings back to line and column in YAML or JSON source, using the `yaml`
 * package's node ranges. A pointer to a missing field maps to its nearest existing ancestor.
 */
import type { Document, LineCounter, Node } from 'yaml';
import { memberOf } from './kubeYaml.js';
import { isAlias, isMap, isSeq } from './yamlNodes.js';

/** Line and column (1-based) of a JSON pointer in a parsed document. */
export interface Position {
  line: number;
  column: number;
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The source offset of the node at `pointer`, or of its nearest existing ancestor. For a map
 * member, the key's position is used: that is where an editor puts the cursor for a field. Aliases
 * are followed, and a merged member (`<<: {hostNetwork: true}`) is located in its merge source.
 */
export function offsetOf(document: Document, pointer: string): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;
  if (pointer === '') return offset;
  for (const raw of pointer.slice(1).split('/')) {
    const token = unescapeToken(raw);
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = memberOf(document, node, token);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = Number(token);
      const item = Number.isInteger(index) ? node.items[index] : undefined;
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

/** Converts an offset to a 1-based position, shifted by the line the document chunk starts at. */
export function positionAt(lineCounter: LineCounter, offset: number, firstLine: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line: line + firstLine - 1, column: col };
}
