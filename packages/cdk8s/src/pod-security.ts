/**
 * `PodSecurity.of(app | chart)`: synth-time validation and hardening of every ApiObject in a
 * scope (cdk8s-plus workloads, raw ApiObjects, `Include` and `Helm` output alike). Verdicts and
 * fixes come from `@podguard/policy-core`; this file only maps constructs in and errors out.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  createEvaluation,
  type EvaluatedObject,
  type EvaluateOptions,
  evaluate,
  type Finding,
  type FixKind,
  formatFinding,
  formatJson,
  type HardenOptions,
  harden,
  hasPodTemplates,
  type JsonPatchOperation,
  PodguardInputError,
  type PodTemplateTable,
  podTemplateTable,
  type ResourceRef,
  resolveEvaluation,
  resourceOf,
  type ScanReport,
} from '@podguard/policy-core';
import { ApiObject, App } from 'cdk8s';
import type { IConstruct } from 'constructs';
import {
  addOutputTransform,
  forgetAll,
  type Manifest,
  memoisedManifest,
  renderForSynthesis,
} from './output-layer.js';
import { PACKAGE_VERSION } from './packageVersion.js';
import { sortKeysLikeCdk8s } from './sort-keys.js';
import { type ConstructSuppression, suppress, suppressionsOf, writeSuppressionsOf } from './suppress.js';

/**
 * Options of {@link PodSecurity.validate}: the core's options unchanged (`failOn` says which
 * findings fail synthesis; the deprecated `warnings: 'ignore'` also stops printing), plus what to
 * do at synth.
 */
export interface PodSecurityValidateOptions extends EvaluateOptions {
  /** Print findings that do not fail synthesis to stderr, once each (default true). */
  readonly printWarnings?: boolean;
  /**
   * Write the findings as the core's versioned JSON report (`formatJson`, as `podguard scan
   * --format json` prints it, with each finding's `constructPath`) to this file, relative to the
   * app's `outdir`.
   */
  readonly reportFile?: string;
}

/** A finding of the synth report, with the construct that produced the object. */
export interface ReportedFinding extends Finding {
  /** Construct path of the ApiObject, e.g. `app/web/Resource`; absent for option-level findings. */
  readonly constructPath?: string;
}

/** An object of the synth report, with the construct that produced it. */
export type ReportedObject = EvaluatedObject & { readonly constructPath: string };

/** What `check` found: findings with their construct paths, objects still without. */
interface CheckedObjects {
  readonly findings: readonly ReportedFinding[];
  readonly objects: readonly EvaluatedObject[];
  /** The session's verdict under the options' `failOn`. */
  readonly isBlocking: (finding: Finding) => boolean;
}

/** The last synthesis, from which {@link PodSecurity.report} is built when it is read. */
interface LastRun extends Omit<PodSecurityReport, 'objects'> {
  readonly apiObjects: readonly ApiObject[];
  readonly objects: readonly EvaluatedObject[];
}

/** One change `harden` made to an object at synth. */
export interface ReportedChange {
  readonly constructPath: string;
  readonly resource: ResourceRef;
  readonly rule: string;
  /** `safe` (added what was missing) or `unsafe` (changed what the construct wrote; only with `unsafe: true`). */
  readonly kind: FixKind;
  /** JSON pointer of the field written. */
  readonly path: string;
  readonly description: string;
  readonly patch: readonly JsonPatchOperation[];
}

/** What the last synthesis of the scope saw, checked, suppressed and changed. */
export interface PodSecurityReport {
  /** False when a blocking finding is left (synthesis then fails). */
  readonly allowed: boolean;
  readonly objects: readonly ReportedObject[];
  /** Failures, errors and suppressed failures. */
  readonly findings: readonly ReportedFinding[];
  /** Suppressions recorded with {@link PodSecurity.suppress} in the scope. */
  readonly suppressions: readonly { readonly path: string; readonly suppressions: ConstructSuppression[] }[];
  /** Changes made by {@link PodSecurity.harden}, on this scope or on scopes inside it. */
  readonly changes: readonly ReportedChange[];
}

const EMPTY_REPORT: PodSecurityReport = {
  allowed: true,
  objects: [],
  findings: [],
  suppressions: [],
  changes: [],
};

const NOTHING_CHECKED: CheckedObjects = { findings: [], objects: [], isBlocking: () => false };

const instances = new WeakMap<IConstruct, PodSecurity>();

/**
 * Pod security for every object in an app or chart, at synth time.
 *
 * @example
 * const app = new App();
 * new MyChart(app, 'web');
 * PodSecurity.of(app).harden().validate({ profile: 'hardened' });
 * app.synth(); // throws with each finding's construct path, pointer, message and fix
 */
export class PodSecurity {
  /** The PodSecurity of a scope (an App, a Chart, or any construct); created on first use. */
  static of(scope: IConstruct): PodSecurity {
    let instance = instances.get(scope);
    if (!instance) {
      instance = new PodSecurity(scope);
      instances.set(scope, instance);
    }
    return instance;
  }

  /**
   * Suppresses rules for a construct, with a reason (at least 10 characters) and an optional
   * `expires` date. Throws at once on a missing or short reason. The suppression is written as the
   * `podguard.dev/suppress` annotation on the construct's object (or on every workload under it)
   * and listed in the synth report.
   */
  static suppress(construct: IConstruct, suppressions: readonly ConstructSuppression[]): void {
    suppress(construct, suppressions);
  }

  private validateOptions: EvaluateOptions | undefined;
  private printWarnings = true;
  private reportFile: string | undefined;
  private hardenOptions: HardenOptions | undefined;
  private readonly hardened = new WeakSet<ApiObject>();
  private readonly changesByObject = new WeakMap<ApiObject, ReportedChange[]>();
  private pending = new Map<ApiObject, string[]>();
  private readonly hooked = new WeakSet<ApiObject>();
  private readonly printed = new Set<string>();
  private last: { manifests: Manifest[]; checked: CheckedObjects } | undefined;
  private lastRun: LastRun | undefined;
  private lastReport: PodSecurityReport | undefined;
  private registered = false;

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Checks every object in the scope at synth with `evaluate()`. Each blocking finding becomes a
   * cdk8s validation error on the object's construct, so synthesis fails listing them all.
   * Invalid options throw here, not at synth.
   */
  validate(options: PodSecurityValidateOptions = {}): this {
    const { printWarnings, reportFile, ...evaluateOptions } = options;
    if (printWarnings !== undefined && typeof printWarnings !== 'boolean') {
      throw new PodguardInputError(
        `invalid option printWarnings: expected true or false, got ${JSON.stringify(printWarnings)}`,
        'printWarnings',
      );
    }
    resolveEvaluation(evaluateOptions);
    this.validateOptions = evaluateOptions;
    this.printWarnings = printWarnings ?? evaluateOptions.warnings !== 'ignore';
    this.reportFile = reportFile;
    this.last = undefined;
    this.register();
    return this;
  }

  /**
   * Applies the core's `harden()` to every workload in the scope at synth, `Include` and `Helm`
   * output included. The changes are written after cdk8s renders each object, so a construct
   * keeps its own model; hardening twice changes nothing more. See {@link PodSecurity.changes}.
   * Safe fixes only (they add what is missing); `{ unsafe: true }` also applies those that change
   * or remove a value the chart wrote (docs/fixes.md).
   */
  harden(options: HardenOptions = {}): this {
    const { unsafe, ...evaluateOptions } = options;
    resolveEvaluation(evaluateOptions);
    if (unsafe !== undefined && typeof unsafe !== 'boolean') {
      throw new PodguardInputError(
        `invalid option unsafe: expected true or false, got ${JSON.stringify(unsafe)}`,
        'unsafe',
      );
    }
    this.hardenOptions = options;
    this.register();
    return this;
  }

  /** The report of the last synthesis (empty before the first). */
  get report(): PodSecurityReport {
    // Built on first read: most syntheses never read it, and a 500-object report is not free.
    if (this.lastReport) return this.lastReport;
    const run = this.lastRun;
    if (!run) return EMPTY_REPORT;
    const { apiObjects, objects, ...rest } = run;
    this.lastReport = {
      ...rest,
      objects: objects.map((object) => ({
        ...object,
        constructPath: apiObjects[object.objectIndex]?.node.path ?? '',
      })),
    };
    return this.lastReport;
  }

  /** The changes {@link PodSecurity.harden} made in the last synthesis. */
  get changes(): readonly ReportedChange[] {
    return this.lastRun?.changes ?? [];
  }

  private register(): void {
    if (this.registered) return;
    this.registered = true;
    this.scope.node.addValidation({ validate: () => this.run() });
  }

  /** One synthesis pass over the scope; returns errors not tied to an object. */
  private run(): string[] {
    const constructs = this.scope.node.findAll();
    writeSuppressionsOf(constructs);
    const apiObjects: ApiObject[] = [];
    // Hardening asked for on any scope inside this one must shape the manifests checked here,
    // whichever scope cdk8s happens to validate first.
    const hardeners: PodSecurity[] = [this];
    for (const construct of constructs) {
      if (ApiObject.isApiObject(construct)) apiObjects.push(construct);
      const inner = construct === this.scope ? undefined : instances.get(construct);
      if (!inner?.hardenOptions) continue;
      inner.registerHardening(inner.scope.node.findAll());
      hardeners.push(inner);
    }
    this.registerHardening(apiObjects);
    this.pending = new Map();

    let checked: CheckedObjects = NOTHING_CHECKED;
    if (this.validateOptions) checked = this.check(apiObjects, this.validateOptions);
    // Rendering runs the hardening transforms, which record the changes reported below.
    else for (const apiObject of apiObjects) renderForSynthesis(apiObject);
    const changes = hardeners.some((hardener) => hardener.hardenOptions)
      ? apiObjects.flatMap((apiObject) =>
          hardeners.flatMap((hardener) => hardener.changesByObject.get(apiObject) ?? []),
        )
      : [];
    const suppressions = suppressionsOf(constructs);
    const { findings, objects, isBlocking } = checked;
    const unplaced: string[] = [];
    let allowed = true;
    for (const finding of findings) {
      if (!isBlocking(finding)) {
        if (finding.status === 'fail' && this.printWarnings) this.print(finding);
        continue;
      }
      allowed = false;
      // cdk8s prefixes an object's errors with its construct path; unplaced ones need no path.
      const apiObject = apiObjects[finding.objectIndex];
      if (apiObject) this.addPending(apiObject, `podguard ${formatFinding(finding)}`);
      else unplaced.push(`podguard ${formatFinding(finding)}`);
    }
    this.lastRun = { allowed, apiObjects, objects, findings, suppressions, changes };
    this.lastReport = undefined;
    if (this.validateOptions && this.reportFile) this.writeReport(this.reportFile);
    // A failed synthesis must not hand memoised manifests to a later one.
    if (!allowed) forgetAll();
    return unplaced;
  }

  /**
   * Renders every object (for the synthesis that follows: see `renderForSynthesis`) and
   * evaluates each one right after rendering it, while its manifest is still in the CPU cache:
   * evaluating them all afterwards costs about twice as much on a large chart.
   */
  private check(apiObjects: readonly ApiObject[], options: EvaluateOptions): CheckedObjects {
    // cdk8s validates the whole app once per chart it writes. Within one synthesis the manifests
    // are memoised, so the same manifests as last time mean the same verdict.
    const last = this.last;
    if (
      last &&
      last.manifests.length === apiObjects.length &&
      apiObjects.every((apiObject, index) => memoisedManifest(apiObject) === last.manifests[index])
    ) {
      return last.checked;
    }
    const session = createEvaluation(options);
    const manifests: Manifest[] = [];
    const findings: ReportedFinding[] = [...session.settings];
    const objects: EvaluatedObject[] = [];
    apiObjects.forEach((apiObject, objectIndex) => {
      const manifest = renderForSynthesis(apiObject);
      manifests.push(manifest);
      const piece = session.evaluate(manifest, objectIndex);
      objects.push(...piece.objects);
      if (piece.findings.length === 0) return;
      const constructPath = apiObject.node.path;
      for (const finding of piece.findings) findings.push({ ...finding, constructPath });
    });
    findings.push(...session.finish());
    const checked: CheckedObjects = { findings, objects, isBlocking: session.isBlocking };
    this.last = { manifests, checked };
    return checked;
  }

  /** Built-in kinds, known custom resources and the `podTemplates` of the hardening options. */
  private get templates(): PodTemplateTable {
    return podTemplateTable(this.hardenOptions?.podTemplates);
  }

  /** Puts the core's `harden()` in the output layer of each workload of the scope (once). */
  private registerHardening(constructs: readonly IConstruct[]): void {
    if (!this.hardenOptions) return;
    for (const construct of constructs) {
      if (!ApiObject.isApiObject(construct)) continue;
      if (
        this.hardened.has(construct) ||
        !hasPodTemplates(construct.apiVersion, construct.kind, this.templates)
      )
        continue;
      this.hardened.add(construct);
      addOutputTransform(construct, (manifest) => this.hardenManifest(manifest, construct));
    }
  }

  private hardenManifest(manifest: Manifest, apiObject: ApiObject): Manifest {
    // Most objects need no fix, and one evaluation says so; harden() would copy the object first.
    const { unsafe = false, ...evaluateOptions } = this.hardenOptions ?? {};
    const fixable = evaluate(manifest, evaluateOptions).findings.some(
      (finding) =>
        finding.status === 'fail' && finding.fix !== undefined && (unsafe || finding.fix.kind === 'safe'),
    );
    if (!fixable) {
      this.changesByObject.set(apiObject, []);
      return manifest;
    }
    const result = harden(manifest, this.hardenOptions);
    const resource = resourceOf(manifest);
    this.changesByObject.set(
      apiObject,
      result.changes.map((change) => ({
        constructPath: apiObject.node.path,
        resource,
        rule: change.rule,
        kind: change.kind,
        path: change.path,
        description: change.description,
        patch: change.patch,
      })),
    );
    return result.changes.length === 0 ? manifest : sortKeysLikeCdk8s(result.object as Manifest);
  }

  /** Queues an error for the object's own validation, so cdk8s prints it under the object's path. */
  private addPending(apiObject: ApiObject, text: string): void {
    const list = this.pending.get(apiObject) ?? [];
    list.push(text);
    this.pending.set(apiObject, list);
    if (this.hooked.has(apiObject)) return;
    this.hooked.add(apiObject);
    // cdk8s validates constructs in pre-order, so the object's turn comes after the scope's.
    apiObject.node.addValidation({
      validate: () => {
        const errors = this.pending.get(apiObject) ?? [];
        this.pending.delete(apiObject);
        return errors;
      },
    });
  }

  private print(finding: ReportedFinding): void {
    const text = formatFinding(
      finding,
      finding.constructPath === undefined
        ? {}
        : { origin: { label: 'construct', value: finding.constructPath } },
    );
    if (this.printed.has(text)) return;
    this.printed.add(text);
    console.warn(`[podguard] warning ${text}`);
  }

  private writeReport(file: string): void {
    const target = resolve(App.of(this.scope).outdir, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, formatJson(scanReportOf(this.report)));
  }
}

/** The synth report in the core's report model, for the core's JSON report. */
function scanReportOf(report: PodSecurityReport): ScanReport {
  const summary = {
    files: 0,
    documents: report.objects.length,
    objects: report.objects.filter((object) => object.kind !== 'not-applicable').length,
    pods: report.objects.filter((object) => object.kind === 'pod').length,
    failed: 0,
    warnings: 0,
    suppressed: 0,
    errors: 0,
  };
  for (const finding of report.findings) {
    if (finding.status === 'suppressed') summary.suppressed++;
    else if (finding.status === 'error') summary.errors++;
    else if (finding.severity === 'error') summary.failed++;
    else summary.warnings++;
  }
  return {
    findings: [...report.findings],
    objects: [],
    summary,
    inputErrors: [],
    tool: { name: '@podguard/cdk8s', version: PACKAGE_VERSION },
  };
}
