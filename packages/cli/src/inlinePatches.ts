/**
 * Patches written inside a kustomization (`patches[].patch`, `patchesJson6902[].patch`, and
 * `patchesStrategicMerge` entries that are YAML, not file names). kubectl applies what they set as
 * it applies a patch file, so they are judged the same way: as partial objects, for what they set.
 * Findings point into the kustomization, at the line and column of the field inside the patch text
 * (literal `|` block scalars, as kustomizations write them; other scalar styles at the patch's key).
 */
import type { Document, LineCounter, Node, Scalar } from 'yaml';
import type { PatchTarget } from './kustomize.js';
import { isScalar } from './yamlNodes.js';

/** One patch written inside a kustomization. */
export interface InlinePatch {
  /** Where the entry is in the kustomization, e.g. `/patches/0/patch`. */
  pointer: string;
  text: string;
  /** `patchesJson6902` entries are JSON 6902 operations; `patches` entries are decided by their content. */
  json6902: boolean;
  target?: PatchTarget;
  /** The place in the kustomization of a line and column of the patch text (1-based). */
  place(line: number, column: number): { line: number; column: number };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function targetOf(value: unknown): PatchTarget | undefined {
  if (!isRecord(value)) return undefined;
  const target: PatchTarget = {};
  for (const key of ['group', 'version', 'kind', 'name', 'namespace'] as const) {
    if (typeof value[key] === 'string') target[key] = value[key] as string;
  }
  return target;
}

/**
 * The inline patches of a kustomization document (`source` is its text). `lineCounter` and
 * `firstLine` map the document's offsets to the file's lines (the document may not start on line 1).
 */
export function inlinePatches(
  document: Document,
  value: unknown,
  source: string,
  lineCounter: LineCounter,
  firstLine: number,
): InlinePatch[] {
  if (!isRecord(value)) return [];
  const found: InlinePatch[] = [];
  const add = (path: (string | number)[], text: unknown, json6902: boolean, target?: PatchTarget) => {
    // A string without a newline in patchesStrategicMerge is a file name (kustomizePatches reads it).
    if (typeof text !== 'string' || (path[0] === 'patchesStrategicMerge' && !text.includes('\n'))) return;
    const node = document.getIn(path, true) as Node | undefined;
    found.push({
      pointer: `/${path.join('/')}`,
      text,
      json6902,
      ...(target ? { target } : {}),
      place: placeIn(node, source, lineCounter, firstLine),
    });
  };
  const entries = (key: string) => (Array.isArray(value[key]) ? (value[key] as unknown[]) : []);
  entries('patches').forEach((entry, index) => {
    if (isRecord(entry)) add(['patches', index, 'patch'], entry.patch, false, targetOf(entry.target));
  });
  entries('patchesJson6902').forEach((entry, index) => {
    if (isRecord(entry)) add(['patchesJson6902', index, 'patch'], entry.patch, true, targetOf(entry.target));
  });
  entries('patchesStrategicMerge').forEach((entry, index) => {
    add(['patchesStrategicMerge', index], entry, false);
  });
  return found;
}

/**
 * Maps positions in a scalar's value to the file. A literal block scalar keeps its lines: line k of
 * the value is line k after the header, at the block's indentation (that of its first content
 * line). Any other style (folded, quoted, plain) is placed at the scalar itself.
 */
function placeIn(
  node: Node | undefined,
  source: string,
  lineCounter: LineCounter,
  firstLine: number,
): InlinePatch['place'] {
  const start = node?.range?.[0] ?? 0;
  const header = lineCounter.linePos(start);
  const scalarLine = header.line + firstLine - 1;
  const fallback = () => ({ line: scalarLine, column: header.col });
  if (!isScalar(node) || (node as Scalar).type !== 'BLOCK_LITERAL') return fallback;
  const valueLines = String((node as Scalar).value).split('\n').length;
  // Source lines are 1-based in the document: the header is `header.line`, content follows it.
  const sourceLines = source.split('\n');
  const firstContent = sourceLines.slice(header.line).find((line) => line.trim() !== '') ?? '';
  const indent = firstContent.length - firstContent.trimStart().length;
  return (line, column) =>
    line >= 1 && line <= valueLines ? { line: scalarLine + line, column: column + indent } : fallback();
}
