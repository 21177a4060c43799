/**
 * What the matchers accept, turned into plain manifests: a Chart (synthesized like
 * `Testing.synth`), an App (every chart), an array of manifests, one manifest, or YAML text.
 */
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';

/** A chart, an app, manifests (one or an array) or a multi-document YAML string. */
export type ManifestSource = Chart | App | readonly unknown[] | Record<string, unknown> | string;

/** The manifests of a source. Throws a clear error for anything else, or for invalid YAML. */
export function manifestsOf(source: unknown): unknown[] {
  if (typeof source === 'string') return parseYaml(source);
  if (Array.isArray(source)) return [...source];
  if (Chart.isChart(source)) return source.toJson();
  if (source instanceof App) return source.charts.flatMap((chart) => chart.toJson());
  if (typeof source === 'object' && source !== null) return [source];
  throw new TypeError(
    `expected a cdk8s Chart or App, manifests or a YAML string, got ${source === null ? 'null' : typeof source}`,
  );
}

function parseYaml(text: string): unknown[] {
  const documents = parseAllDocuments(text);
  const manifests: unknown[] = [];
  documents.forEach((document, index) => {
    const error = document.errors[0];
    if (error) throw new SyntaxError(`YAML document ${index + 1}: ${error.message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) manifests.push(value);
  });
  return manifests;
}
