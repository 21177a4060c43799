/**
 * `podguard scan CHART_DIR --helm`: renders a chart with the `helm` command (its default values,
 * plus `--values FILE`s) so the rendered objects get every rule, located in their templates.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { InputFile } from './inputs.js';
import { type CliIo, UsageError } from './io.js';

/** helm could not be run, or failed: exit 2 with its message, no usage text. */
export class HelmError extends Error {
  override readonly name = 'HelmError';
}

/** The arguments of `helm template` for a chart and values files (paths as the user gave them). */
export function helmTemplateArgs(chart: string, valuesFiles: readonly string[]): string[] {
  return ['template', chart, ...valuesFiles.flatMap((file) => ['--values', file])];
}

/** Renders each chart directory of `paths`; throws {@link UsageError} for a path that is no chart. */
export function renderCharts(
  paths: readonly string[],
  valuesFiles: readonly string[],
  io: CliIo,
): InputFile[] {
  return paths.map((path) => {
    const absolute = resolve(io.cwd, path);
    if (!existsSync(join(absolute, 'Chart.yaml')))
      throw new UsageError(`--helm renders Helm charts, and ${path} has no Chart.yaml`);
    const args = helmTemplateArgs(path, valuesFiles);
    const run = spawnSync('helm', args, {
      cwd: io.cwd,
      env: { ...io.env },
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new HelmError(
        "--helm renders the chart with the helm command, which is not on PATH: install Helm 3 (https://helm.sh/docs/intro/install/), or drop --helm to review the chart's templates and values without rendering them",
      );
    }
    if (run.error) throw new HelmError(`helm ${args.join(' ')}: ${run.error.message}`);
    if (run.status !== 0) {
      const reason = run.stderr.trim() || `exit code ${run.status ?? run.signal}`;
      throw new HelmError(`helm ${args.join(' ')} failed: ${reason}`);
    }
    const display = relative(io.cwd, absolute).split('\\').join('/') || '.';
    return {
      display: `${display} (helm template)`,
      path: undefined,
      kind: 'manifest',
      size: run.stdout.length,
      text: run.stdout,
      helmOutput: { chartDir: display },
    };
  });
}
