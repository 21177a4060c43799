/**
 * Finds the files to scan: paths, recursive directories, `-` for stdin. Symlink loops are broken,
 * unreadable paths are reported, nothing is silently skipped.
 */
import { existsSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { jibBuildFormat } from '@podguard/policy-core';

/** `jib`: a Maven or Gradle build file (`pom.xml`, `build.gradle`, `build.gradle.kts`), judged when it configures Jib. */
export type InputKind = 'manifest' | 'json' | 'dockerfile' | 'jib';

export interface InputFile {
  /** As shown in findings: relative to the working directory, or `-`. */
  display: string;
  /** Absolute path; undefined for stdin. */
  path: string | undefined;
  kind: InputKind;
  /** Size in bytes (0 for stdin): small files are read whole, large ones streamed. */
  size: number;
  /** Content a tool produced (`--kustomize` output): scanned as it is, never rewritten. */
  rendered?: { text: string; by: string; originBase?: string };
  /** The content, for input made in memory (a chart rendered by `helm template`, Helm's post-render stdin). */
  text?: string;
  /**
   * Helm output: findings are located in the chart template each document's `# Source:` comment
   * names, at its line in the rendered document. Under `chartDir` when the chart's directory is
   * known (`scan CHART --helm`), else by the template name itself (Helm's post-renderer).
   */
  helmOutput?: { chartDir?: string };
}

/** A Helm chart directory (it has a Chart.yaml) met on the way. */
export interface ChartDirectory {
  /** As shown in findings: relative to the working directory (`.` for the working directory itself). */
  display: string;
  path: string;
}

/** A file of a chart as shown in findings: `chart` joined with a path relative to the chart. */
export function chartFile(chart: string, path: string): string {
  return chart === '.' ? path : `${chart}/${path}`;
}

export interface InputError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** Kind of a file by its name, or undefined for files a directory walk does not scan. */
export function kindOf(name: string): InputKind | undefined {
  const base = basename(name);
  if (/\.ya?ml$/i.test(base)) return 'manifest';
  if (/\.json$/i.test(base)) return 'json';
  if (/^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /\.(Dockerfile|Containerfile)$/i.test(base)) {
    return 'dockerfile';
  }
  if (jibBuildFormat(base) !== undefined) return 'jib';
  return undefined;
}

/** The chart whose template, values.yaml or Chart.yaml a file is, if it is one. */
function chartSourceOf(file: string): string | undefined {
  const dir = dirname(file);
  if (/^(values\.ya?ml|Chart\.yaml)$/.test(basename(file)) && existsSync(join(dir, 'Chart.yaml'))) return dir;
  for (let at = dir; dirname(at) !== at; at = dirname(at)) {
    if (basename(at) === 'templates' && existsSync(join(dirname(at), 'Chart.yaml'))) return dirname(at);
  }
  return undefined;
}

/** Directories a walk never enters. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

const describeError = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links (a symlink loop)';
  return error instanceof Error ? error.message : String(error);
};

/**
 * Expands the command-line paths into files. File system calls are synchronous on purpose: a walk
 * over 10,000 manifests would otherwise spend most of its time waiting on the thread pool.
 */
export function collectInputs(
  paths: readonly string[],
  cwd: string,
): { files: InputFile[]; errors: InputError[]; charts: ChartDirectory[] } {
  const files: InputFile[] = [];
  const errors: InputError[] = [];
  const charts: ChartDirectory[] = [];
  const seenDirectories = new Set<string>();
  const seenFiles = new Set<string>();

  const display = (absolute: string) => relative(cwd, absolute).split('\\').join('/') || basename(absolute);

  function visit(absolute: string, explicit: boolean): void {
    let info: Stats;
    try {
      info = statSync(absolute);
    } catch (error) {
      errors.push({ file: display(absolute), message: `cannot read: ${describeError(error)}` });
      return;
    }
    if (info.isDirectory()) {
      let real: string;
      try {
        real = realpathSync(absolute);
      } catch (error) {
        errors.push({ file: display(absolute), message: `cannot read: ${describeError(error)}` });
        return;
      }
      // A symlink back to an ancestor would walk forever: each directory is read once.
      if (seenDirectories.has(real)) return;
      seenDirectories.add(real);
      let entries: string[];
      // A Helm chart: its templates are Go templates, not YAML; the chart review reads them.
      const chart = existsSync(join(absolute, 'Chart.yaml'));
      if (chart) addChart(absolute);
      try {
        entries = readdirSync(absolute).sort();
      } catch (error) {
        errors.push({ file: display(absolute), message: `cannot read directory: ${describeError(error)}` });
        return;
      }
      for (const entry of entries) {
        if (SKIPPED_DIRECTORIES.has(entry) || (chart && entry === 'templates')) continue;
        const child = join(absolute, entry);
        const kind = kindOf(entry);
        let childInfo: Stats;
        try {
          childInfo = statSync(child);
        } catch (error) {
          // Only report entries the walk would have scanned (a dangling link to a manifest, say).
          if (kind) errors.push({ file: display(child), message: `cannot read: ${describeError(error)}` });
          continue;
        }
        if (childInfo.isDirectory()) visit(child, false);
        else if (kind) visitFile(child, childInfo, false);
      }
      return;
    }
    visitFile(absolute, info, explicit);
  }

  function addChart(absolute: string): void {
    if (charts.some((chart) => chart.path === absolute)) return;
    charts.push({ display: relative(cwd, absolute).split('\\').join('/') || '.', path: absolute });
  }

  function visitFile(absolute: string, info: Stats, explicit: boolean): void {
    // A chart's source named on its own (a pre-commit hook passes staged files one by one): a
    // template is no YAML to parse, so the chart it belongs to is reviewed instead.
    const chart = explicit ? chartSourceOf(absolute) : undefined;
    if (chart !== undefined) {
      addChart(chart);
      return;
    }
    if (!info.isFile()) {
      errors.push({ file: display(absolute), message: 'not a regular file' });
      return;
    }
    // The same file reached twice (named and inside a named directory, or through a link).
    const identity = `${info.dev}:${info.ino}`;
    if (seenFiles.has(identity)) return;
    seenFiles.add(identity);
    // A file named on the command line is scanned whatever its name: YAML unless it says otherwise.
    const kind = kindOf(absolute) ?? (explicit ? 'manifest' : undefined);
    if (kind) files.push({ display: display(absolute), path: absolute, kind, size: info.size });
  }

  for (const path of paths) {
    if (path === '-') files.push({ display: '-', path: undefined, kind: 'manifest', size: 0 });
    else visit(resolve(cwd, path), true);
  }
  return { files, errors, charts };
}
