/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Every result
 * has what GitHub requires (ruleId, message.text, a physical location with a relative URI and a
 * start line); rules carry help in text and Markdown, their controls as tags and a
 * `security-severity` so alerts get GitHub's severity levels.
 */

import { type RuleDescriptor, ruleDocsUri } from '../model/ruleDescriptor.js';
import type { Finding, ResourceRef } from '../model/types.js';
import { stableHash } from './fingerprint.js';
import { resourcePath } from './resourceLabel.js';
import { type ReportTail, reportPieces, type StreamedFormat, stringifyAt } from './streamed.js';
import type { LocatedFinding, ScanReport, SourceLocation } from './types.js';

/** The published schema of the SARIF version emitted. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The URI base every artifact location is relative to (GitHub resolves it to the checkout). */
export const SARIF_SOURCE_ROOT = '%SRCROOT%';

const INFORMATION_URI = 'https://github.com/podguard/podguard';

/** GitHub maps 9.0+ to critical, 7.0+ to high, 4.0+ to medium. */
const SECURITY_SEVERITY = { error: '7.5', warning: '4.0' } as const;

/** Key of podguard's entry in `partialFingerprints`; bump the version if the hashed fields change. */
const FINGERPRINT_KEY = 'podguardFinding/v1';

interface SarifMessage {
  text: string;
}

interface SarifPhysicalLocation {
  artifactLocation: { uri: string; uriBaseId?: string };
  region?: { startLine: number; startColumn?: number };
}

interface SarifNotification {
  level: 'error' | 'warning';
  message: SarifMessage;
  descriptor?: { id: string };
  locations?: { physicalLocation: SarifPhysicalLocation }[];
}

/**
 * Formats a scan as a SARIF 2.1.0 log with one run. `rules` describes the rules the results may
 * reference (usually `builtinRuleDescriptors()`); a finding of a rule not among them gets a
 * minimal descriptor so no result is dropped. Findings without a source (about the options or
 * config) have no place in a file, which GitHub requires of results: they are reported as
 * `toolConfigurationNotifications`; inputs that could not be read as `toolExecutionNotifications`.
 * The joined pieces of {@link sarifStream}: a streamed SARIF log and a formatted one are the same bytes.
 */
export function formatSarif(report: ScanReport, rules: readonly RuleDescriptor[]): string {
  return [...reportPieces(sarifStream(rules), report)].join('');
}

/**
 * `--format sarif` in pieces (see streamed.ts), for one report: a new stream per report, since it
 * keeps the rule descriptors (one appended for each unknown rule id as it first appears) and the
 * few findings without a source (reported as notifications in the tail). Pretty-printed with two
 * spaces as `JSON.stringify` prints it, with `results` first in the run so each result is written
 * as found; `tool` (whose `driver.rules` the results' `ruleIndex` point into), `invocations` and
 * `columnKind` follow in the tail. SARIF readers parse JSON: the key order means nothing to them.
 */
export function sarifStream(rules: readonly RuleDescriptor[]): StreamedFormat {
  const descriptors = [...rules];
  const ruleIndex = new Map(descriptors.map((rule, index) => [rule.id, index]));
  const unlocated: LocatedFinding[] = [];
  let results = 0;
  return {
    head: () =>
      `{\n  "$schema": ${JSON.stringify(SARIF_SCHEMA_URI)},\n  "version": "2.1.0",\n  "runs": [\n    {\n      "results": [`,
    finding: (finding) => {
      let index = ruleIndex.get(finding.rule);
      if (index === undefined) {
        index = descriptors.length;
        ruleIndex.set(finding.rule, index);
        descriptors.push({
          id: finding.rule,
          level: finding.level,
          severity: finding.severity,
          description: finding.reason,
          controls: finding.controls,
        });
      }
      if (!finding.source) {
        unlocated.push(finding);
        return '';
      }
      return `${results++ === 0 ? '\n' : ',\n'}${stringifyAt(sarifResult(finding, finding.source, index), 4)}`;
    },
    tail: (report) => {
      // The rest of the run, as JSON.stringify prints it at this depth.
      const rest = JSON.stringify(sarifRunRest(report, descriptors, unlocated), null, 2);
      return `${results === 0 ? ']' : '\n      ]'},${rest.slice(1).replace(/\n/g, '\n    ')}\n  ]\n}\n`;
    },
  };
}

/** What follows the results in the run: the tool and its rules, the invocation, the column kind. */
function sarifRunRest(
  report: ReportTail,
  descriptors: readonly RuleDescriptor[],
  unlocated: readonly LocatedFinding[],
) {
  return {
    tool: {
      driver: {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: INFORMATION_URI,
        rules: descriptors.map(sarifRule),
      },
    },
    invocations: [
      {
        executionSuccessful: report.inputErrors.length === 0,
        toolExecutionNotifications: report.inputErrors.map(
          (error): SarifNotification => ({
            level: 'error',
            message: { text: error.message },
            locations: [
              {
                physicalLocation: physicalLocation({
                  file: error.file,
                  line: error.line ?? 0,
                  column: error.column ?? 0,
                }),
              },
            ],
          }),
        ),
        toolConfigurationNotifications: unlocated.map(
          (finding): SarifNotification => ({
            level: finding.severity,
            message: { text: finding.message },
            descriptor: { id: finding.rule },
          }),
        ),
      },
    ],
    columnKind: 'utf16CodeUnits',
  };
}

function sarifRule(rule: RuleDescriptor) {
  const helpUri = rule.helpUri ?? ruleDocsUri(rule.id);
  const controlsText = rule.controls.length > 0 ? `Controls: ${rule.controls.join('; ')}.` : '';
  const fixText =
    'Fix: podguard attaches a JSON Patch to findings it can fix mechanically (`podguard scan --fix`); ' +
    `the rule's docs page shows compliant manifests: ${helpUri}`;
  const markdown = [
    rule.description,
    rule.controls.length > 0
      ? `**Controls**\n\n${rule.controls.map((control) => `- ${control}`).join('\n')}`
      : '',
    `**Fix**\n\nRun \`podguard scan --fix\` to apply the mechanical fix where a finding has one; ` +
      `[the rule's docs page](${helpUri}) shows compliant manifests.`,
  ].filter((part) => part !== '');
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.description },
    fullDescription: { text: `${rule.description} (level: ${rule.level})` },
    defaultConfiguration: { level: rule.severity },
    help: {
      text: [rule.description, controlsText, fixText].filter((part) => part !== '').join('\n\n'),
      markdown: markdown.join('\n\n'),
    },
    helpUri,
    properties: {
      tags: ['security', ...rule.controls],
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
      level: rule.level,
    },
  };
}

/** `runAsNonRoot` → `RunAsNonRoot`, `capabilities_baseline` → `CapabilitiesBaseline`. */
function ruleName(id: string): string {
  return id
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function sarifResult(finding: LocatedFinding, source: SourceLocation, ruleIndex: number) {
  const suppressed = finding.status === 'suppressed' && finding.suppression !== undefined;
  const properties: Record<string, unknown> = {
    status: finding.status,
    path: finding.path,
    controls: finding.controls,
  };
  if (finding.container !== undefined) properties.container = finding.container;
  if (finding.fix) properties.fix = finding.fix;
  // The 0-based index of the document in the file's YAML stream, counted as `parseAllDocuments`
  // and yq's `documentIndex` count (empty and comment-only documents included).
  properties.document = source.document;
  if (source.template !== undefined) properties.template = source.template;
  return {
    ruleId: finding.rule,
    ruleIndex,
    // A finding the engine could not evaluate is as serious as a failing one.
    level: finding.status === 'error' ? 'error' : finding.severity,
    message: { text: resultMessage(finding) },
    locations: [
      {
        physicalLocation: physicalLocation(source),
        logicalLocations: [
          {
            name: finding.container ?? finding.resource.name ?? finding.resource.kind,
            fullyQualifiedName: logicalName(finding.resource, finding.container),
            kind: finding.container !== undefined ? 'member' : 'type',
          },
        ],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding) },
    ...(suppressed && finding.suppression
      ? {
          suppressions: [
            {
              // An annotation sits in the manifest itself; options and config files are outside it.
              kind: finding.suppression.source === 'annotation' ? 'inSource' : 'external',
              status: 'accepted',
              justification: finding.suppression.reason,
            },
          ],
        }
      : {}),
    properties,
  };
}

/** The object, the verdict (which names the container) and the fix: what an alert shows first. */
function resultMessage(finding: Finding): string {
  const fix = finding.fix
    ? ` ${finding.fix.kind === 'unsafe' ? 'Fix (unsafe)' : 'Fix'}: ${finding.fix.description}`
    : '';
  return `${resourcePath(finding.resource)}: ${finding.message}.${fix}`;
}

/** `namespace/Kind/name` (`Kind/name` when cluster-scoped), then `/container` when there is one. */
function logicalName(resource: ResourceRef, container: string | undefined): string {
  const parts = [resource.namespace, resource.kind || '(no kind)', resource.name ?? '(unnamed)', container];
  return parts.filter((part) => part !== undefined && part !== '').join('/');
}

function fingerprint(finding: Finding): string {
  const { resource } = finding;
  return stableHash(
    [
      finding.rule,
      resource.apiVersion,
      resource.kind,
      resource.namespace ?? '',
      resource.name ?? '',
      finding.path,
    ].join('\u0000'),
  );
}

function physicalLocation(source: Pick<SourceLocation, 'file' | 'line' | 'column'>): SarifPhysicalLocation {
  const location: SarifPhysicalLocation = { artifactLocation: artifactLocation(source.file) };
  // Regions are 1-based; a location known only by file has none.
  if (source.line >= 1) {
    location.region =
      source.column >= 1
        ? { startLine: source.line, startColumn: source.column }
        : { startLine: source.line };
  }
  return location;
}

/**
 * A relative URI with forward slashes, against `%SRCROOT%`; `-` (stdin) becomes `stdin`.
 * Absolute paths become `file://` URIs, since no base can make them relative.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (file === '-') return { uri: 'stdin', uriBaseId: SARIF_SOURCE_ROOT };
  const slashed = file.replace(/\\/g, '/');
  const encode = (path: string) => path.split('/').map(encodeURIComponent).join('/');
  if (/^[A-Za-z]:\//.test(slashed))
    return { uri: `file:///${slashed.slice(0, 2)}${encode(slashed.slice(2))}` };
  if (slashed.startsWith('/')) return { uri: `file://${encode(slashed)}` };
  return { uri: encode(slashed.replace(/^(\.\/)+/, '')), uriBaseId: SARIF_SOURCE_ROOT };
}
