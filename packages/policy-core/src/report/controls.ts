/**
 * The controls report: findings grouped by the compliance control they map to (PSS, CIS
 * Kubernetes and Docker Benchmarks, NSA/CISA Kubernetes Hardening Guidance, ISO 27001:2013), the
 * trail an auditor asks for. Pure data in, data out.
 */
import type { FindingStatus } from '../model/types.js';

/** The framework a control belongs to, from its prefix. */
export type ControlFramework = 'PSS' | 'CIS Kubernetes' | 'CIS Docker' | 'NSA/CISA' | 'ISO 27001' | 'other';

/** What {@link groupByControl} needs of a finding; evaluate() and analyzeDockerfile() findings both fit. */
export interface ControlledFinding {
  readonly rule: string;
  readonly status: FindingStatus;
  readonly controls: readonly string[];
}

/** The findings that map to one control. */
export interface ControlGroup<F extends ControlledFinding = ControlledFinding> {
  /** The control as rules name it, e.g. `CIS 5.2.7`, `ISO 27001:2013 A.9.4.4`. */
  control: string;
  framework: ControlFramework;
  /** Rules whose findings are in this group, sorted. */
  rules: string[];
  /** Findings with status `fail`. */
  failed: number;
  /** Findings with status `suppressed` (accepted with a reason). */
  suppressed: number;
  /** Findings with status `error`. */
  errors: number;
  findings: F[];
}

const FRAMEWORK_ORDER: readonly ControlFramework[] = [
  'PSS',
  'CIS Kubernetes',
  'CIS Docker',
  'NSA/CISA',
  'ISO 27001',
  'other',
];

/** The framework of a control name. */
export function controlFramework(control: string): ControlFramework {
  if (control.startsWith('PSS ')) return 'PSS';
  if (control.startsWith('CIS Docker ')) return 'CIS Docker';
  if (control.startsWith('CIS ')) return 'CIS Kubernetes';
  if (control.startsWith('NSA/CISA')) return 'NSA/CISA';
  if (control.startsWith('ISO 27001')) return 'ISO 27001';
  return 'other';
}

/** Orders `5.2.7` before `5.2.10` and `A.9.4.4` before `A.12.6.1`. */
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/**
 * Groups findings by control: one group per control any finding maps to (a finding appears in
 * every group of its controls), ordered by framework (PSS, CIS Kubernetes, CIS Docker, NSA/CISA,
 * ISO 27001) and then naturally by control id. Findings keep their input order inside a group.
 */
export function groupByControl<F extends ControlledFinding>(findings: readonly F[]): ControlGroup<F>[] {
  const tally = new ControlTally<F>(true);
  tally.add(findings);
  return tally.groups();
}

/**
 * {@link groupByControl} fed in batches (a report written as the scan goes). Without
 * `keepFindings`, groups count their findings and list their rules but hold none of them
 * (`findings` stays empty): a cluster's findings are not kept for a summary.
 */
export class ControlTally<F extends ControlledFinding = ControlledFinding> {
  readonly #groups = new Map<string, ControlGroup<F>>();

  constructor(private readonly keepFindings: boolean) {}

  add(findings: readonly F[]): void {
    for (const finding of findings) {
      for (const control of new Set(finding.controls)) {
        let group = this.#groups.get(control);
        if (!group) {
          group = {
            control,
            framework: controlFramework(control),
            rules: [],
            failed: 0,
            suppressed: 0,
            errors: 0,
            findings: [],
          };
          this.#groups.set(control, group);
        }
        if (this.keepFindings) group.findings.push(finding);
        if (!group.rules.includes(finding.rule)) group.rules.push(finding.rule);
        if (finding.status === 'fail') group.failed++;
        else if (finding.status === 'suppressed') group.suppressed++;
        else group.errors++;
      }
    }
  }

  /** The groups so far, in order, rules sorted. */
  groups(): ControlGroup<F>[] {
    for (const group of this.#groups.values()) group.rules.sort();
    return [...this.#groups.values()].sort(
      (a, b) =>
        FRAMEWORK_ORDER.indexOf(a.framework) - FRAMEWORK_ORDER.indexOf(b.framework) ||
        naturalOrder(a.control, b.control),
    );
  }
}
