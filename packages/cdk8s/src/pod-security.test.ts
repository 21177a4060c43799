import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSON_REPORT_VERSION } from '@podguard/policy-core';
import { ApiObject, App, Chart, Helm, Include, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it, vi } from 'vitest';
import { PodSecurity, SecureDeployment } from './index.js';
import './vitest.js';

const image = 'registry.example.com/app:1.2.3';

/** A raw Deployment, as third-party YAML or a hand-written ApiObject would have it: no securityContext. */
function rawDeployment(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ...extra }] },
      },
    },
  };
}

function includeFile(chart: Chart, id: string, objects: unknown[]): Include {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-include-'));
  const file = join(dir, `${id}.json`);
  writeFileSync(file, objects.map((o) => JSON.stringify(o)).join('\n---\n'));
  return new Include(chart, id, { url: file });
}

/**
 * A stand-in for the `helm` binary: `helm template <release> <chart>` prints what the chart renders.
 * cdk8s's Helm construct runs it at construction, exactly as it runs helm.
 */
function fakeHelm(objects: unknown[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'podguard-helm-')), 'helm');
  const output = objects.map((o) => JSON.stringify(o)).join('\n---\n');
  writeFileSync(file, `#!/bin/sh\ncat <<'EOF'\n${output}\nEOF\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('PodSecurity.validate', () => {
  it('lets a secure chart synthesize and reports what it checked', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', { containers: [{ image }] });
    const security = PodSecurity.of(chart).validate();
    expect(Testing.synth(chart)).toHaveLength(1);
    expect(security.report.allowed).toBe(true);
    expect(security.report.objects).toEqual([
      expect.objectContaining({
        kind: 'pod',
        constructPath: 'test/web/Resource',
        podSpecPath: '/spec/template/spec',
      }),
    ]);
  });

  it('numbers and places every object of an app with several charts', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'podguard-charts-'));
    const app = new App({ outdir });
    for (const name of ['first', 'second']) {
      const chart = new Chart(app, name);
      new SecureDeployment(chart, 'web', { containers: [{ image }] });
      new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
    }
    const security = PodSecurity.of(app).validate();
    app.synth();
    const { objects } = security.report;
    expect(objects.map((object) => [object.objectIndex, object.constructPath, object.kind])).toEqual([
      [0, 'first/web/Resource', 'pod'],
      [1, 'first/svc/Resource', 'not-applicable'],
      [2, 'second/web/Resource', 'pod'],
      [3, 'second/svc/Resource', 'not-applicable'],
    ]);
    expect(readFileSync(join(outdir, 'second.k8s.yaml'), 'utf8')).toContain('runAsUser: 1000');
  });

  it('fails synthesis with construct path, resource, pointer, message and fix of each finding', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'legacy', { containers: [{ name: 'worker', image }] });
    new ApiObject(chart, 'raw', rawDeployment('raw'));
    PodSecurity.of(chart).validate({ imageUsers: { [image]: 'node' } });
    let message = '';
    try {
      Testing.synth(chart);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('Validation failed with the following errors');
    // kplus: runAsNonRoot without runAsUser, and an image whose USER is a name.
    expect(message).toMatch(
      /\[test\/legacy\/Resource\] podguard kubeletRunAsNonRoot: Deployment test-legacy-\w+: /,
    );
    expect(message).toContain('non-numeric user (node)');
    expect(message).toContain('at: /spec/template/spec/containers/0');
    expect(message).toMatch(/fix: .+\[\{"op":/);
    // The raw ApiObject has no securityContext at all.
    expect(message).toMatch(/\[test\/raw\] podguard runAsNonRoot: Deployment raw: /);
    expect(message).toMatch(/\[test\/raw\] podguard allowPrivilegeEscalation: /);
  });

  it('checks Include output like any other object', () => {
    const chart = Testing.chart();
    includeFile(chart, 'vendor', [rawDeployment('vendor-app', { securityContext: { privileged: true } })]);
    PodSecurity.of(chart).validate({ profile: 'baseline' });
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/vendor\/vendor-app-deployment\] podguard privileged: /,
    );
  });

  it('checks and hardens Helm output like any other object', () => {
    const chart = Testing.chart();
    const helmExecutable = fakeHelm([rawDeployment('redis-master')]);
    new Helm(chart, 'redis', { chart: 'bitnami/redis', helmExecutable });
    PodSecurity.of(chart).validate();
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/redis\/redis-master-deployment\] podguard runAsNonRoot/,
    );

    const hardened = Testing.chart();
    new Helm(hardened, 'redis', { chart: 'bitnami/redis', helmExecutable });
    PodSecurity.of(hardened).harden().validate();
    expect(Testing.synth(hardened)).toPassPodSecurity();
  });

  it('validates a whole App on app.synth() and writes nothing when it fails', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'podguard-app-'));
    const app = new App({ outdir });
    const good = new Chart(app, 'good');
    new SecureDeployment(good, 'web', { containers: [{ image }] });
    const bad = new Chart(app, 'bad');
    new ApiObject(bad, 'raw', rawDeployment('raw'));
    PodSecurity.of(app).validate({ reportFile: 'podguard-report.json' });
    expect(() => app.synth()).toThrow(/\[bad\/raw\] podguard runAsNonRoot/);
    const report = JSON.parse(readFileSync(join(outdir, 'podguard-report.json'), 'utf8'));
    // The core's versioned JSON report, as `podguard scan --format json` writes it.
    expect(report.version).toBe(JSON_REPORT_VERSION);
    expect(report.summary).toMatchObject({ objects: 2, pods: 2, errors: 0 });
    expect(report.summary.failed).toBeGreaterThan(0);
    expect(report.findings.every((f: { source: unknown }) => f.source === null)).toBe(true);
    expect(report.findings.every((f: { constructPath?: string }) => f.constructPath === 'bad/raw')).toBe(
      true,
    );
  });

  it('sees a fix made after a failed synthesis', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', { containers: [{ image }], user: 0 });
    PodSecurity.of(chart).validate();
    expect(() => Testing.synth(chart)).toThrow(/runAsUser/);
    ApiObject.of(web).addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 1000));
    expect(Testing.synth(chart)).toHaveLength(1);
  });

  it('prints warnings by default, and fails on them on request', () => {
    // Without runAsUser or image information, the kubelet's start-up verdict is only a warning.
    const startup = { name: 'startup', level: 'baseline' as const, rules: ['kubeletRunAsNonRoot'] };
    const lenient = Testing.chart();
    new kplus.Deployment(lenient, 'legacy', { containers: [{ name: 'worker', image }] });
    const security = PodSecurity.of(lenient).validate({ profile: startup, printWarnings: false });
    expect(Testing.synth(lenient)).toHaveLength(1);
    expect(security.report.findings).toEqual([
      expect.objectContaining({ rule: 'kubeletRunAsNonRoot', severity: 'warning', status: 'fail' }),
    ]);

    const printing = Testing.chart();
    new kplus.Deployment(printing, 'legacy', { containers: [{ name: 'worker', image }] });
    PodSecurity.of(printing).validate({ profile: startup });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      Testing.synth(printing);
      Testing.synth(printing);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(
        /^\[podguard\] warning kubeletRunAsNonRoot \[warning\]: Deployment /,
      );
    } finally {
      warn.mockRestore();
    }

    const strict = Testing.chart();
    new kplus.Deployment(strict, 'legacy', { containers: [{ name: 'worker', image }] });
    PodSecurity.of(strict).validate({ profile: startup, failOn: 'warning' });
    expect(() => Testing.synth(strict)).toThrow(/podguard kubeletRunAsNonRoot/);
  });

  it('applies suppressions given in the options, with their match', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'cms', {
      containers: [{ name: 'cms', image, securityContext: { readOnlyRootFilesystem: false } }],
    });
    const reason = 'the CMS writes its cache next to the binary';
    const security = PodSecurity.of(chart).validate({
      suppressions: [
        { rule: 'readOnlyRootFilesystem', reason, match: { kind: 'Deployment', container: 'cms' } },
      ],
    });
    expect(Testing.synth(chart)).toHaveLength(1);
    expect(security.report.findings).toEqual([
      expect.objectContaining({
        rule: 'readOnlyRootFilesystem',
        status: 'suppressed',
        suppression: expect.objectContaining({ reason, source: 'options' }),
      }),
    ]);
  });

  it('rejects invalid options where they are written', () => {
    const chart = Testing.chart();
    expect(() => PodSecurity.of(chart).validate({ version: 'v9.99' })).toThrow(/version/);
    expect(() => PodSecurity.of(chart).harden({ uidRange: { min: -1 } })).toThrow(/uidRange/);
  });
});

describe('PodSecurity.harden', () => {
  it('hardens kplus, raw and Include objects so they pass, and reports the changes', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'legacy', { containers: [{ name: 'worker', image }] });
    new ApiObject(chart, 'raw', rawDeployment('raw'));
    includeFile(chart, 'vendor', [
      rawDeployment('vendor-app'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
    ]);
    const security = PodSecurity.of(chart).harden().validate();
    const manifests = Testing.synth(chart);
    expect(manifests).toPassPodSecurity('hardened');
    const paths = new Set(security.changes.map((change) => change.constructPath));
    expect(paths).toEqual(new Set(['test/legacy/Resource', 'test/raw', 'test/vendor/vendor-app-deployment']));
    const raw = security.changes.filter((change) => change.constructPath === 'test/raw');
    expect(raw).toContainEqual(
      expect.objectContaining({
        rule: expect.any(String),
        path: expect.stringMatching(/^\/spec\/template\/spec/),
      }),
    );
    const service = manifests.find((m) => m.kind === 'Service');
    expect(service).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } });
  });

  it('is idempotent: a second synthesis gives the same manifests and the same report', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'raw', rawDeployment('raw'));
    const security = PodSecurity.of(chart).harden();
    const first = Testing.synth(chart);
    const firstChanges = security.changes;
    const second = Testing.synth(chart);
    expect(second).toEqual(first);
    expect(security.changes).toEqual(firstChanges);
    expect(firstChanges.length).toBeGreaterThan(0);
  });

  it('leaves secure objects unchanged', () => {
    const chart = Testing.chart();
    new SecureDeployment(chart, 'web', { containers: [{ image }] });
    const before = Testing.synth(chart);
    const security = PodSecurity.of(chart).harden();
    expect(Testing.synth(chart)).toEqual(before);
    expect(security.changes).toEqual([]);
  });

  it('hardens a chart before an app-level validation checks it', () => {
    const app = Testing.app();
    const vendor = new Chart(app, 'vendor');
    new ApiObject(vendor, 'raw', rawDeployment('vendor'));
    PodSecurity.of(vendor).harden();
    const security = PodSecurity.of(app).validate();
    expect(Testing.synth(vendor)).toPassPodSecurity();
    expect(security.report.allowed).toBe(true);
    expect(PodSecurity.of(vendor).changes.length).toBeGreaterThan(0);
    expect(security.report.changes).toEqual(PodSecurity.of(vendor).changes);
  });

  it('only touches the scope it was asked to', () => {
    const app = Testing.app();
    const vendor = new Chart(app, 'vendor');
    new ApiObject(vendor, 'raw', rawDeployment('vendor'));
    const own = new Chart(app, 'own');
    new ApiObject(own, 'raw', rawDeployment('own'));
    PodSecurity.of(vendor).harden();
    expect(Testing.synth(vendor)).toPassPodSecurity();
    expect(Testing.synth(own)).not.toPassPodSecurity();
  });
});

describe('PodSecurity.suppress', () => {
  it('requires a reason of at least 10 characters, at the call', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', { containers: [{ image }] });
    expect(() => PodSecurity.suppress(web, [{ rule: 'readOnlyRootFilesystem', reason: 'legacy' }])).toThrow(
      /PodSecurity.suppress\(test\/web\) entry 0: suppressing readOnlyRootFilesystem needs a reason of at least 10 characters/,
    );
    expect(() => PodSecurity.suppress(web, [{ rule: 'noSuchRule', reason: 'a reason long enough' }])).toThrow(
      /unknown rule "noSuchRule"/,
    );
    expect(() =>
      PodSecurity.suppress(web, [
        { rule: 'readOnlyRootFilesystem', reason: 'a reason long enough', expires: '2027-02-30' },
      ]),
    ).toThrow(/expires must be a date/);
  });

  it('writes the annotation, suppresses the finding and lists it in the report', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', {
      containers: [{ name: 'web', image, securityContext: { readOnlyRootFilesystem: false } }],
    });
    const reason = 'the CMS writes its cache next to the binary (JIRA-123)';
    PodSecurity.suppress(web, [{ rule: 'readOnlyRootFilesystem', reason, expires: '2099-01-01' }]);
    const security = PodSecurity.of(chart).validate();
    const [manifest] = Testing.synth(chart);
    expect(JSON.parse(manifest.metadata.annotations['podguard.dev/suppress'])).toEqual([
      { rule: 'readOnlyRootFilesystem', reason, expires: '2099-01-01' },
    ]);
    expect(security.report.allowed).toBe(true);
    expect(security.report.findings).toEqual([
      expect.objectContaining({
        rule: 'readOnlyRootFilesystem',
        status: 'suppressed',
        constructPath: 'test/web/Resource',
        suppression: expect.objectContaining({ reason, source: 'annotation' }),
      }),
    ]);
    expect(security.report.suppressions).toEqual([
      { path: 'test/web', suppressions: [{ rule: 'readOnlyRootFilesystem', reason, expires: '2099-01-01' }] },
    ]);
  });

  it('covers workloads added later under a chart, and merges with an annotation already there', () => {
    const chart = Testing.chart();
    const reason = 'vendor image writes to its working directory';
    PodSecurity.suppress(chart, [{ rule: 'readOnlyRootFilesystem', reason }]);
    const existing = [{ rule: 'automountServiceAccountToken', reason: 'the agent reads the API as itself' }];
    const object = rawDeployment('agent');
    includeFile(chart, 'vendor', [
      {
        ...object,
        metadata: { name: 'agent', annotations: { 'podguard.dev/suppress': JSON.stringify(existing) } },
      },
    ]);
    new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    const manifests = Testing.synth(chart);
    const agent = manifests.find((m) => m.kind === 'Deployment');
    expect(JSON.parse(agent.metadata.annotations['podguard.dev/suppress'])).toEqual([
      ...existing,
      { rule: 'readOnlyRootFilesystem', reason },
    ]);
    expect(manifests.find((m) => m.kind === 'ConfigMap').metadata.annotations).toBeUndefined();
  });

  it('lets an expired suppression fail synthesis again', () => {
    const chart = Testing.chart();
    const web = new SecureDeployment(chart, 'web', {
      containers: [{ name: 'web', image, securityContext: { readOnlyRootFilesystem: false } }],
    });
    PodSecurity.suppress(web, [
      { rule: 'readOnlyRootFilesystem', reason: 'until the cache moves', expires: '2020-01-01' },
    ]);
    // An explicit false is a warning by default; this team makes it an error.
    PodSecurity.of(chart).validate({ rules: { readOnlyRootFilesystem: { severity: 'error' } } });
    expect(() => Testing.synth(chart)).toThrow(/readOnlyRootFilesystem[\s\S]*expired/);
  });
});
