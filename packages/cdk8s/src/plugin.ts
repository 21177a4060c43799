/**
 * A cdk8s-cli validation plugin. `cdk8s synth` loads it from `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/@podguard/cdk8s   # a local path: no download
 *     version: 0.1.0
 *     class: PodSecurityValidation
 *     properties:
 *       profile: hardened
 * ```
 *
 * It evaluates every synthesized manifest with the core, adds one violation per blocking finding
 * to the cdk8s report (and so to `--validation-reports-output-file`), and submits `failure`,
 * which makes `cdk8s synth` exit with code 2.
 */
import {
  createEvaluation,
  type EvaluateOptions,
  type Finding,
  formatFinding,
  PodguardInputError,
  resolveEvaluation,
  resourceLabel,
} from '@podguard/policy-core';

/** The parts of cdk8s-cli's `ValidationContext` the plugin uses (cdk8s-cli is not a dependency). */
export interface Cdk8sValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
  readonly logger: { log(message: string): void };
  parseManifest(manifestPath: string): unknown[];
}

/**
 * `properties` of the plugin in `cdk8s.yaml`: the core's options, unchanged (`failOn` says which
 * findings fail `cdk8s synth`; the deprecated `warnings: fail` is `failOn: warning`).
 */
export type PodSecurityValidationProperties = EvaluateOptions;

const PLUGIN = '@podguard/cdk8s plugin: invalid property in cdk8s.yaml';

/** The cdk8s-cli validation plugin class (`class: PodSecurityValidation`). */
export class PodSecurityValidation {
  private readonly options: EvaluateOptions;

  /** Called by cdk8s-cli with the `properties` of `cdk8s.yaml`; invalid properties throw here. */
  constructor(properties: PodSecurityValidationProperties = {}) {
    const options = properties ?? {};
    try {
      resolveEvaluation(options);
    } catch (error) {
      if (error instanceof PodguardInputError) throw new Error(`${PLUGIN}: ${error.message}`);
      throw error;
    }
    this.options = options;
  }

  /**
   * Evaluates every manifest of the synthesis in one evaluation session, so suppressions of the
   * options apply across charts and one that matches nothing anywhere is reported once.
   */
  async validate(context: Cdk8sValidationContext): Promise<void> {
    const session = createEvaluation(this.options);
    const findings: Finding[] = [...session.settings];
    // objectIndex counts across manifests; each manifest's objects start at its offset.
    const starts: { start: number; manifestPath: string }[] = [];
    let objects = 0;
    for (const manifestPath of context.manifests) {
      const documents = context
        .parseManifest(manifestPath)
        .filter((document) => document !== null && document !== undefined);
      starts.push({ start: objects, manifestPath });
      findings.push(...session.evaluate(documents, objects).findings);
      objects += documents.length;
    }
    findings.push(...session.finish());
    const manifestOf = (objectIndex: number): string => {
      let manifest = '';
      for (const entry of starts) if (entry.start <= objectIndex) manifest = entry.manifestPath;
      return manifest;
    };

    let blocking = 0;
    let warnings = 0;
    let suppressed = 0;
    for (const finding of findings) {
      if (finding.status === 'suppressed') {
        suppressed++;
        context.logger.log(`[podguard] suppressed ${formatFinding(finding)}`);
      } else if (session.isBlocking(finding)) {
        blocking++;
        context.report.addViolation(violationOf(finding, manifestOf(finding.objectIndex)));
      } else {
        warnings++;
        context.logger.log(`[podguard] warning ${formatFinding(finding)}`);
      }
    }
    context.report.submit(blocking > 0 ? 'failure' : 'success', {
      profile: profileName(this.options),
      objects: String(objects),
      violations: String(blocking),
      warnings: String(warnings),
      suppressed: String(suppressed),
    });
  }
}

function violationOf(finding: Finding, manifestPath: string) {
  // The core's finding lines, as every door shows them (status, severity, an expired
  // suppression); the fix has its own field.
  const { fix: _fix, ...described } = finding;
  return {
    ruleName: finding.rule,
    recommendation: formatFinding(described),
    fix: finding.fix
      ? `${finding.fix.description} ${JSON.stringify(finding.fix.patch)}`
      : 'no mechanical fix: change the manifest as the recommendation says',
    violatingResources: [
      {
        // cdk8s-cli maps metadata.name to the construct path it recorded at synth.
        resourceName: finding.resource.name ?? resourceLabel(finding.resource),
        locations: finding.locations.map((location) =>
          location.container ? `${location.path} (container "${location.container}")` : location.path,
        ),
        manifestPath,
      },
    ],
  };
}

function profileName(options: EvaluateOptions): string {
  if (typeof options.profile === 'string') return options.profile;
  if (options.profile) return options.profile.name;
  return options.level ?? 'hardened';
}
