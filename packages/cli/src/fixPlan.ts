/**
 * The fixes of `--fix`, planned while the scan reads: each document (or List item) with something
 * to fix is hardened by the core as soon as it is read, with the cross-object facts known by then
 * (all of them for inputs read twice, see scan.ts), and turned at once into minimal text edits
 * (yamlEdits.ts), checked by parsing the edited text again. Only the edits are kept, by line and
 * column with fingerprints of the lines they touch (fileEdits.ts), so a fix of a cluster dump
 * takes the memory of its edits, not of its objects or its text.
 */
import { createHardening, type EvaluateOptions, type HardeningSession } from '@podguard/policy-core';
import { type DocumentChunk, InputProblem, type ParsedDocument, parseChunk } from './documents.js';
import { type PlacedEdits, placeEdits } from './fileEdits.js';
import { applyEdits, documentEdits, jsonEqual, type TextEdit, UneditableError } from './yamlEdits.js';

/** The planned fix of one document: its edits, placed in the file, and how many fixes. */
export interface DocumentFix {
  placed: PlacedEdits;
  changes: number;
}

/** A document the plan leaves alone, with why (a note for the user, not an error). */
export interface DocumentSkip {
  note: string;
}

/** A document as the scan hands it over: its chunk and value, and its tree when it was parsed whole. */
export type PlannedDocument = DocumentChunk & { value: unknown; document?: ParsedDocument['document'] };

/** Plans the fixes of one scan. */
export class FixPlanner {
  readonly #session: HardeningSession;

  constructor(
    options: EvaluateOptions,
    unsafe: boolean,
    private readonly isKubernetesObject: (value: unknown) => boolean,
  ) {
    this.#session = createHardening({ ...options, unsafe });
  }

  /** Records the facts of input read before anything is fixed (the first pass). */
  learn(values: readonly unknown[]): void {
    this.#session.learn(values);
  }

  /** Records the facts of a document met with nothing to fix, or that is never rewritten. */
  observe(value: unknown): void {
    this.#session.observe(value);
  }

  /**
   * Hardens a document's Kubernetes objects and returns its edits, nothing when no fix changes it,
   * or why it is left alone. `partial`: a Kustomize patch, whose fixes add no field.
   */
  plan(document: PlannedDocument, json: boolean, partial: boolean): DocumentFix | DocumentSkip | undefined {
    const { value } = document;
    const piece = { ...(partial ? { partial: true } : {}) };
    let after: unknown;
    let changes = 0;
    if (Array.isArray(value)) {
      after = value.map((item) => {
        if (!this.isKubernetesObject(item)) return item;
        const hardened = this.#session.harden(item, piece);
        changes += hardened.changes.length;
        return hardened.object;
      });
    } else {
      const hardened = this.#session.harden(value, piece);
      changes = hardened.changes.length;
      after = hardened.object;
    }
    if (changes === 0) return undefined;
    const { document: tree, value: _value, ...place } = document;
    try {
      const edits = documentEdits(tree ?? parseChunk(place).document, place.text, value, after, json);
      if (edits.length === 0) return undefined;
      checkReadBack(place, edits, after);
      return { placed: placeEdits(place, edits), changes };
    } catch (error) {
      if (!(error instanceof UneditableError)) throw error;
      const line = lineAt(place.text, error.offset) + place.firstLine - 1;
      return { note: `document ${place.index + 1} (line ${line}): ${error.message}` };
    }
  }
}

/** The edited text must read, as the scan reads it, exactly as the fixed value; else it is not written. */
function checkReadBack(place: DocumentChunk, edits: readonly TextEdit[], after: unknown): void {
  let value: unknown;
  try {
    value = parseChunk({ ...place, text: applyEdits(place.text, edits) }).value;
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
  }
  if (!jsonEqual(value, after)) {
    throw new UneditableError('the edited text would not read as the fixed object; fix it by hand', 0);
  }
}

/** The 1-based line of a text offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
