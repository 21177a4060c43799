/**
 * The data every report format is built from: findings located in their source, the objects that
 * were checked, and a summary. Built by the CLI (or any other front end); formatted by the pure
 * string builders beside this file.
 */
import type { Finding, ResourceRef } from '../model/types.js';

/** Where a finding (or an object) sits in its source file. Line and column are 1-based. */
export interface SourceLocation {
  /** Path as the user gave it (relative to the working directory), `-` for stdin. */
  file: string;
  line: number;
  column: number;
  /**
   * 0-based index of the document in the file's YAML stream, counted as the `yaml` library's
   * `parseAllDocuments` and yq's `documentIndex` count: every document, empty and comment-only ones
   * included (a leading `---` opens document 0; text before it only if it has content). 0 for JSON
   * and Dockerfiles.
   */
  document: number;
  /** For `helm template` output: the chart template named by the `# Source:` comment. */
  template?: string;
  /**
   * The object's JSON pointer inside its document when the document holds several objects (a
   * List's items: `/items/3`); absent when the document is the object. Two items of one List with
   * the same kind, namespace and name are two objects: reports keep them apart by it.
   */
  object?: string;
}

/** A core finding with its place in the source. Findings about the evaluation options have no source. */
export type LocatedFinding = Finding & { source?: SourceLocation };

/** One checked object (pod-bearing workload, Namespace, or a Dockerfile), for JUnit test cases. */
export interface CheckedObject {
  resource: ResourceRef;
  source: SourceLocation;
  /** Rule ids that ran on the object. */
  rules: string[];
}

export interface ScanSummary {
  files: number;
  documents: number;
  /** Objects seen: Kubernetes objects (List items counted one by one) and Dockerfiles. */
  objects: number;
  /** Objects that carry a pod spec. */
  pods: number;
  /** Findings with status fail and severity error. */
  failed: number;
  /** Findings with status fail and severity warning. */
  warnings: number;
  suppressed: number;
  /** Findings with status error, plus inputs that could not be read or parsed. */
  errors: number;
}

/** What a scan produced; the input of every format. */
export interface ScanReport {
  findings: LocatedFinding[];
  objects: CheckedObject[];
  summary: ScanSummary;
  /** Inputs that could not be read or parsed: never silently skipped. */
  inputErrors: { file: string; line?: number; column?: number; message: string }[];
  tool: { name: string; version: string };
  /**
   * The configuration file the scan ran with, as shown to the user (relative to the working
   * directory), `null` when none was used; left out by front ends that have no configuration file.
   */
  config?: string | null;
}
