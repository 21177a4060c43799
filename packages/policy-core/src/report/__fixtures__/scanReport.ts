/**
 * A small fixed scan for the report format tests: real evaluate() findings on a Deployment and a
 * Namespace from one YAML file, with hand-made source locations, plus an input that could not be
 * parsed and a finding about the options.
 */
import { evaluate } from '../../engine/evaluate.js';
import type { Finding } from '../../model/types.js';
import type { LocatedFinding, ScanReport, SourceLocation } from '../types.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    annotations: {
      'podguard.dev/suppress':
        '[{"rule":"readOnlyRootFilesystem","reason":"nginx writes its cache under /var/cache"}]',
    },
  },
  spec: {
    template: {
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 },
        containers: [{ name: 'app', image: 'nginx:1.27', securityContext: { runAsUser: 0 } }],
      },
    },
  },
};

const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };

/** Where each finding's path sits in `manifests/web.yaml` (as a YAML locator would answer). */
const SOURCES: Record<string, SourceLocation> = {
  '0 /spec/template/spec/containers/0/securityContext/runAsUser': {
    file: 'manifests/web.yaml',
    line: 21,
    column: 26,
    document: 0,
  },
  '0 /spec/template/spec/containers/0/securityContext': {
    file: 'manifests/web.yaml',
    line: 21,
    column: 15,
    document: 0,
  },
  '0 /spec/template/spec': { file: 'manifests/web.yaml', line: 13, column: 7, document: 0 },
  '1 /metadata': { file: 'manifests/web.yaml', line: 26, column: 1, document: 1 },
  '1 /metadata/labels': { file: 'manifests/web.yaml', line: 26, column: 1, document: 1 },
};

function locate(finding: Finding): LocatedFinding {
  const source = SOURCES[`${finding.objectIndex} ${finding.path}`];
  if (!source)
    throw new Error(`fixture has no source for ${finding.rule} at ${finding.objectIndex} ${finding.path}`);
  return { ...finding, source };
}

/** The fixed report every format test formats. */
export function fixtureReport(): ScanReport {
  const result = evaluate([deployment, namespace], {
    profile: {
      name: 'report-fixture',
      level: 'privileged',
      rules: [
        'runAsRoot',
        'runAsGroupPolicy',
        'readOnlyRootFilesystem',
        'automountServiceAccountToken',
        'namespaceEnforceLabel',
      ],
    },
    rules: { automountServiceAccountToken: { severity: 'warning' } },
    now: '2026-11-23',
  });
  const optionsFinding: LocatedFinding = {
    rule: 'unusedSuppression',
    messageId: 'unusedSuppression',
    status: 'fail',
    level: 'hardened',
    severity: 'warning',
    resource: { apiVersion: '', kind: '' },
    objectIndex: -1,
    path: '/suppressions/0',
    locations: [{ path: '/suppressions/0' }],
    reason: 'unused suppression (podguard.config.yaml)',
    detail: 'suppression of runAsUserRange in podguard.config.yaml matched no finding; remove it',
    message:
      'unused suppression (podguard.config.yaml) (suppression of runAsUserRange in podguard.config.yaml matched no finding; remove it)',
    controls: [],
  };
  const sources = [SOURCES['0 /spec/template/spec'], SOURCES['1 /metadata']];
  return {
    findings: [...result.findings.map(locate), optionsFinding],
    objects: result.objects.map((object) => {
      const source = sources[object.objectIndex];
      if (!source) throw new Error(`fixture has no source for object ${object.objectIndex}`);
      return { resource: object.resource, source, rules: [...object.rules] };
    }),
    summary: {
      files: 2,
      documents: 3,
      objects: 2,
      pods: 1,
      failed: 2,
      warnings: 2,
      suppressed: 1,
      errors: 1,
    },
    inputErrors: [
      {
        file: 'manifests/broken.yaml',
        line: 3,
        column: 5,
        message: 'Implicit keys need to be on a single line <at "a\u0001b">',
      },
    ],
    tool: { name: 'podguard', version: '0.1.0' },
  };
}
