import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peekKind } from './documents.js';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-kind-first-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('peekKind: apiVersion and kind from the top-level lines, or undefined', () => {
  it.each([
    ['apiVersion: v1\nkind: ConfigMap\ndata:\n  kind: Pod\n', { apiVersion: 'v1', kind: 'ConfigMap' }],
    [
      '# Source: x\nkind: "Secret"   # comment\napiVersion: \'v1\'\r\nmetadata: {}\r\n',
      { apiVersion: 'v1', kind: 'Secret' },
    ],
    [
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules:\n- apiGroups: [""]\n  resources: [pods]\n',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
    ],
    [
      'apiVersion: v1\nkind: ConfigMap\ndescription: |\n  kind: Pod\n',
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ],
  ])('reads %j', (text, expected) => {
    expect(peekKind(text)).toEqual(expected);
  });

  it.each([
    ['{"apiVersion": "v1", "kind": "ConfigMap"}', 'JSON or flow style'],
    ['apiVersion: v1\nkind: &k ConfigMap\n', 'an anchor'],
    ['apiVersion: v1\nkind: !!str ConfigMap\n', 'a tag'],
    ['apiVersion: v1\n<<: {kind: Pod}\nkind: ConfigMap\n', 'a merge key'],
    ['apiVersion: v1\nkind: ConfigMap\nkind: Pod\n', 'a key given twice'],
    ['apiVersion: v1\nkind: ConfigMap\n"quoted": 1\n', 'a key this reader does not take'],
    ['kind: ConfigMap\n', 'no apiVersion'],
    ['- apiVersion: v1\n  kind: Pod\n', 'a sequence'],
    ['%YAML 1.1\napiVersion: v1\nkind: ConfigMap\n', 'a directive'],
    ['apiVersion: v1\nkind: n\n', 'a kind go-yaml reads as false'],
    ['apiVersion: 1\nkind: ConfigMap\n', 'an apiVersion go-yaml reads as a number'],
  ])('leaves %j to the parser (%s)', (text) => {
    expect(peekKind(text)).toBeUndefined();
  });
});

describe('kind first: objects that hold no pod are counted, not parsed', () => {
  // A YAML error deep inside a CustomResourceDefinition (a tab where an indent belongs): a kind
  // that cannot hold a pod is not parsed, so the scan counts it and does not read further; a
  // Deployment with the same error is parsed and reported.
  const broken = '\t\tbad: [indent\n';
  const crd = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n${broken}`;
  const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${broken}`;

  it('counts a CustomResourceDefinition as an object without parsing it', async () => {
    writeFileSync(join(dir, 'crd.yaml'), crd);
    const run = await runCli(['scan', 'crd.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toMatchObject({ documents: 1, objects: 1, pods: 0, errors: 0 });
    expect(report.inputErrors).toEqual([]);
  });

  it('parses (and so reports malformed YAML in) every kind that can hold a pod', async () => {
    writeFileSync(join(dir, 'deployment.yaml'), deployment);
    const run = await runCli(['scan', 'deployment.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).inputErrors[0].message).toMatch(/^invalid YAML/);
  });

  it('parses the kinds the options make pod holders (podTemplates), and Namespaces and ServiceAccounts', async () => {
    const widget = `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x\n        securityContext: {privileged: true}\n`;
    writeFileSync(join(dir, 'widget.yaml'), widget);
    writeFileSync(
      join(dir, 'podguard.config.yaml'),
      'profile: baseline\npodTemplates:\n  - apiVersion: example.com/v1\n    kind: Widget\n    paths: [/spec/template]\n',
    );
    const run = await runCli(['scan', 'widget.yaml', '--format', 'json'], { cwd: dir });
    rmSync(join(dir, 'podguard.config.yaml'));
    expect(JSON.parse(run.stdout).findings.map((finding: { rule: string }) => finding.rule)).toContain(
      'privileged',
    );
    const plain = await runCli(['scan', 'widget.yaml', '--format', 'json', '--profile', 'baseline'], {
      cwd: dir,
    });
    expect(JSON.parse(plain.stdout).summary).toMatchObject({ objects: 1, pods: 0 });
  });
});
