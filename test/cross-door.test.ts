/**
 * One contract, every door (issue 12): the same objects and options through `evaluate()`, the built
 * `podguard scan --format json`, cdk8s `PodSecurity.of(app).validate()`, the cdk8s-cli validation
 * plugin, and the Pulumi policy pack over the analyzer gRPC protocol give the same findings, as
 * (object, rule, status, severity, suppression, blocking), and the same verdict.
 *
 * Which doors read Dockerfiles: only the CLI (a scanned folder's `Dockerfile`s). A cdk8s app and a
 * Pulumi stack hold Kubernetes objects only, so their Dockerfile findings cannot exist; the CLI is
 * compared with the core session that also evaluates the Dockerfiles, the other doors with
 * `evaluate()` of the objects.
 *
 * A finding is compared on what every door shows of it, suppressed findings and unused
 * suppressions included; what one door cannot show is named where that door is compared: nothing
 * is left out in silence. The plugin and Pulumi show findings as the core's `formatFinding` lines,
 * read back here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodSecurity, PodSecurityValidation } from '@podguard/cdk8s';
import {
  createEvaluation,
  type EvaluateOptions,
  evaluate,
  type Finding,
  isBlocking,
  resourceLabel,
  type Suppression,
} from '@podguard/policy-core';
import { CHECKED_TYPES, podguardPolicyConfig } from '@podguard/pulumi';
import { ApiObject, App, Chart } from 'cdk8s';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensurePulumiBuild, PODGUARD_PACK, PolicyPackHarness } from './pulumi/harness.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = join(root, 'packages/cli/dist/podguard.mjs');

type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

// --- the objects ------------------------------------------------------------------------------

const hardenedPod = (
  name: string,
  image: string,
  user = 10001,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  automountServiceAccountToken: false,
  securityContext: {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    fsGroup: user,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  containers: [
    {
      name,
      image,
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    },
  ],
  ...extra,
});

function withoutToken(spec: Record<string, unknown>): Record<string, unknown> {
  const { automountServiceAccountToken: _token, ...rest } = spec;
  return rest;
}

const workload = (
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet',
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): Manifest => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace, ...metadata },
  spec: {
    selector: { matchLabels: { app: name } },
    ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
    template: { metadata: { labels: { app: name } }, spec },
  },
});

/** About 20 objects as a small platform repository holds them. */
const OBJECTS: Manifest[] = [
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'shop',
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'monitoring', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy' } },
  {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'api', namespace: 'shop' },
    automountServiceAccountToken: false,
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-config', namespace: 'shop' },
    data: { LOG_LEVEL: 'info' },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  // No securityContext at all: runs as the image's user, root by default.
  workload('Deployment', 'shop', 'web', {
    containers: [
      { name: 'web', image: 'registry.example.com/shop/web:1.4.2', ports: [{ containerPort: 8080 }] },
    ],
  }),
  // Hardened, its token setting left to its ServiceAccount (in the same input).
  workload('Deployment', 'shop', 'api', {
    ...withoutToken(hardenedPod('api', 'registry.example.com/shop/api:2.0.1')),
    serviceAccountName: 'api',
  }),
  workload(
    'Deployment',
    'shop',
    'frontend',
    hardenedPod('frontend', 'registry.example.com/shop/frontend:3.2'),
  ),
  // runAsNonRoot without a UID, on an image whose USER is a name: the kubelet cannot verify it.
  workload('Deployment', 'shop', 'legacy-worker', {
    securityContext: { runAsNonRoot: true },
    containers: [
      {
        name: 'worker',
        image: 'registry.example.com/shop/worker:0.9',
        securityContext: { allowPrivilegeEscalation: false },
      },
    ],
  }),
  // An added capability and an unconfined seccomp profile.
  workload('Deployment', 'shop', 'cache', {
    ...hardenedPod('redis', 'redis:7.2', 10002),
    securityContext: { runAsNonRoot: true, runAsUser: 10002, seccompProfile: { type: 'Unconfined' } },
    containers: [
      {
        name: 'redis',
        image: 'redis:7.2',
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'NET_ADMIN'] },
        },
      },
    ],
  }),
  // The node agent: privileged, host namespaces and host paths.
  workload('DaemonSet', 'monitoring', 'node-exporter', {
    hostNetwork: true,
    hostPID: true,
    containers: [
      {
        name: 'node-exporter',
        image: 'quay.io/prometheus/node-exporter:v1.8.1',
        args: ['--path.rootfs=/host'],
        ports: [{ containerPort: 9100, hostPort: 9100 }],
        securityContext: { privileged: true },
        volumeMounts: [{ name: 'root', mountPath: '/host', readOnly: true }],
      },
    ],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  }),
  // postgres: the image-owned UID 999, below the default uidRange.
  workload(
    'StatefulSet',
    'shop',
    'postgres',
    hardenedPod('postgres', 'postgres:16.3', 999, {
      containers: [
        {
          name: 'postgres',
          image: 'postgres:16.3',
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
        },
      ],
    }),
  ),
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'shop' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: 'OnFailure',
              securityContext: { runAsNonRoot: true, runAsUser: 20000 },
              containers: [{ name: 'report', image: 'registry.example.com/shop/report:1.0' }],
            },
          },
        },
      },
    },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'shop' },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'migrate',
              image: 'registry.example.com/shop/migrate:5',
              securityContext: { runAsUser: 0 },
            },
          ],
        },
      },
    },
  },
  // A debug pod on the host network, with an annotation suppression for one of its findings.
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'debug',
      namespace: 'legacy',
      annotations: {
        'podguard.dev/suppress':
          '[{"rule": "hostNamespaces", "reason": "network debugging pod, deleted after INC-4711"}]',
      },
    },
    spec: {
      hostNetwork: true,
      containers: [{ name: 'shell', image: 'nicolaka/netshoot:v0.13' }],
    },
  },
  // In a namespace the input does not hold; a UID that is denied by default.
  workload(
    'Deployment',
    'payments',
    'checkout',
    hardenedPod('checkout', 'registry.example.com/pay/checkout:7', 65534),
  ),
  // An init container that runs as root.
  workload('Deployment', 'legacy', 'importer', {
    ...hardenedPod('importer', 'registry.example.com/legacy/importer:2'),
    initContainers: [
      {
        name: 'chown',
        image: 'busybox:1.36',
        command: ['chown', '-R', '10001', '/data'],
        securityContext: { runAsUser: 0, runAsNonRoot: false },
      },
    ],
  }),
  // One wrongly typed field (a quoted UID): an input error for it, every rule that does not read it runs.
  workload('Deployment', 'shop', 'quoted-uid', {
    ...hardenedPod('app', 'registry.example.com/shop/app:1.0'),
    securityContext: { runAsNonRoot: true, runAsUser: '10001', seccompProfile: { type: 'RuntimeDefault' } },
    hostNetwork: true,
  }),
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'canary', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'canary' } },
      template: {
        metadata: { labels: { app: 'canary' } },
        spec: hardenedPod('canary', 'registry.example.com/shop/web:1.5.0-rc1', 10001, {
          hostIPC: true,
        }),
      },
    },
  },
];

/** The Dockerfiles of the scanned repository: only the CLI reads them. */
const DOCKERFILES: Record<string, string> = {
  'images/web/Dockerfile': 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
  'images/tools/Dockerfile': 'FROM alpine:3.20\nRUN apk add --no-cache curl jq\n',
  'images/api/Dockerfile':
    'FROM golang:1.23 AS build\nRUN go build -o /api\nFROM gcr.io/distroless/static\nCOPY --from=build /api /api\nUSER 10001\n',
};

// --- the option sets --------------------------------------------------------------------------

const SUPPRESSIONS: Record<'active' | 'expired' | 'unused' | 'dockerfile', Suppression> = {
  active: {
    rule: 'privileged',
    reason: 'node-exporter reads host metrics; reviewed in SEC-118',
    expires: '2099-12-31',
    match: { kind: 'DaemonSet', namespace: 'monitoring', name: 'node-*' },
  },
  expired: {
    rule: 'runAsUserRange',
    reason: 'postgres runs as the image-owned UID 999 until the migration',
    expires: '2020-01-01',
    match: { kind: 'StatefulSet', name: 'postgres' },
  },
  unused: {
    rule: 'hostPorts',
    reason: 'ingress controllers bind host ports 80 and 443',
    match: { name: 'ingress-*' },
  },
  dockerfile: {
    rule: 'dockerfileUser',
    reason: 'the tools image only runs in CI, as a throwaway container',
    match: { kind: 'Dockerfile', name: 'images/tools/Dockerfile' },
  },
};

interface OptionSet {
  name: string;
  options: EvaluateOptions;
}

const OPTION_SETS: OptionSet[] = [
  { name: 'baseline', options: { profile: 'baseline' } },
  { name: 'restricted, failOn warning', options: { profile: 'restricted', failOn: 'warning' } },
  { name: 'hardened (default options)', options: {} },
  {
    name: 'hardened, suppressions (active, expired, unused, Dockerfile), uidRange',
    options: {
      profile: 'hardened',
      uidRange: { min: 999, max: 60000 },
      suppressions: Object.values(SUPPRESSIONS),
    },
  },
  {
    name: 'hardened, suppressions, uidRange, failOn warning',
    options: {
      profile: 'hardened',
      uidRange: { min: 1000 },
      suppressions: Object.values(SUPPRESSIONS),
      failOn: 'warning',
    },
  },
  {
    name: 'baseline with the same suppressions (now unused)',
    options: { profile: 'baseline', suppressions: Object.values(SUPPRESSIONS) },
  },
  // Nothing blocks: every door lets it through, and still shows every finding.
  { name: 'restricted, failOn none', options: { profile: 'restricted', failOn: 'none' } },
];

// --- what a door shows ------------------------------------------------------------------------

/** One finding as every door can name it. */
interface Seen {
  object: string;
  rule: string;
  status: 'fail' | 'error' | 'suppressed';
  severity: 'error' | 'warning';
  /** The suppression that matched: none, one that holds, or one whose `expires` day has passed. */
  suppression: 'none' | 'active' | 'expired';
  blocking: boolean;
}

function suppressionOf(finding: Finding): Seen['suppression'] {
  if (!finding.suppression) return 'none';
  return finding.suppression.expired ? 'expired' : 'active';
}

function seenOf(finding: Finding, failOn: EvaluateOptions['failOn']): Seen {
  return {
    object: resourceLabel(finding.resource),
    rule: finding.rule,
    status: finding.status,
    severity: finding.severity,
    suppression: suppressionOf(finding),
    blocking: isBlocking(finding, failOn),
  };
}

function key(seen: Seen): string {
  const fields: (keyof Seen)[] = ['object', 'rule', 'status', 'severity', 'suppression', 'blocking'];
  return fields.map((field) => String(seen[field])).join(' | ');
}

const keys = (seen: readonly Seen[]) => seen.map(key).sort();

/**
 * The core's finding lines (`formatFinding`: `rule [status, warning]: Kind ns/name: message`, then
 * indented lines) read back; text before them (Pulumi prints the policy's description first) is
 * skipped.
 */
function parseFindingText(text: string): Omit<Seen, 'blocking'> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => HEAD.test(line));
  const head = HEAD.exec(lines[start] ?? '');
  if (!head) throw new Error(`no podguard finding line in: ${text}`);
  const tags = head[2]?.split(', ') ?? [];
  const suppressed = lines.slice(start + 1).find((line) => line.startsWith('    suppressed'));
  return {
    rule: head[1] as string,
    status: tags.includes('error') ? 'error' : tags.includes('suppressed') ? 'suppressed' : 'fail',
    severity: tags.includes('warning') ? 'warning' : 'error',
    object: head[3] as string,
    suppression: suppressed === undefined ? 'none' : suppressed.includes('(expired)') ? 'expired' : 'active',
  };
}

const HEAD = /^(\w+)(?: \[([a-z, ]+)\])?: (object|[A-Z]\w* \S+|[A-Z]\w*): /;

// --- the doors --------------------------------------------------------------------------------

interface DoorResult {
  seen: Seen[];
  blocked: boolean;
}

function byEvaluate(options: EvaluateOptions): DoorResult {
  const result = evaluate(OBJECTS, options);
  return {
    seen: result.findings.map((finding) => seenOf(finding, options.failOn)),
    blocked: !result.allowed,
  };
}

/** The core session over the objects and the Dockerfiles, as a scanned folder holds them. */
function byCoreWithDockerfiles(options: EvaluateOptions): DoorResult {
  const session = createEvaluation(options);
  session.learn(OBJECTS);
  const findings = [...session.settings, ...session.evaluate(OBJECTS).findings];
  for (const [name, text] of Object.entries(DOCKERFILES)) {
    findings.push(...session.evaluateDockerfile({ text, name }).findings);
  }
  findings.push(...session.finish());
  return {
    seen: findings.map((finding) => seenOf(finding, options.failOn)),
    blocked: findings.some((finding) => session.isBlocking(finding)),
  };
}

let workdir: string;

/** `podguard scan . --format json --config <file>` in a folder with the manifests and Dockerfiles. */
function byCli(set: OptionSet, index: number): DoorResult {
  const repo = join(workdir, `cli-${index}`);
  mkdirSync(join(repo, 'deploy'), { recursive: true });
  // Several files, several documents per file, as a repository has them.
  const files = new Map<string, Manifest[]>();
  for (const object of OBJECTS) {
    const file = `deploy/${object.metadata.namespace ?? 'cluster'}.yaml`;
    files.set(file, [...(files.get(file) ?? []), object]);
  }
  for (const [file, objects] of files) {
    writeFileSync(join(repo, file), objects.map((object) => stringify(object)).join('---\n'));
  }
  for (const [file, text] of Object.entries(DOCKERFILES)) {
    mkdirSync(join(repo, file, '..'), { recursive: true });
    writeFileSync(join(repo, file), text);
  }
  const config = join(workdir, `podguard-${index}.config.json`);
  writeFileSync(config, JSON.stringify(set.options));
  const run = spawnSync(process.execPath, [bin, 'scan', '.', '--format', 'json', '--config', config], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1)
    throw new Error(`podguard scan exited ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; inputErrors: unknown[] };
  expect(report.inputErrors).toEqual([]);
  return {
    seen: report.findings.map((finding) => seenOf(finding, set.options.failOn)),
    blocked: run.status === 1,
  };
}

/** `PodSecurity.of(app).validate(options)` and `app.synth()`: synthesis fails on a blocking finding. */
function byCdk8sValidate(set: OptionSet, index: number): DoorResult {
  const app = new App({ outdir: join(workdir, `cdk8s-${index}`) });
  // Cluster-scoped objects in one chart, each namespace's objects in another.
  const charts = new Map<string, Chart>();
  OBJECTS.forEach((object, objectIndex) => {
    const chartName = object.metadata.namespace ?? 'cluster';
    let chart = charts.get(chartName);
    if (!chart) {
      chart = new Chart(app, chartName);
      charts.set(chartName, chart);
    }
    new ApiObject(chart, `${object.kind}-${objectIndex}`, structuredClone(object));
  });
  PodSecurity.of(app).validate({ ...set.options, printWarnings: false });
  let blocked = false;
  try {
    app.synth();
  } catch (error) {
    if (!/podguard/.test(String(error))) throw error;
    blocked = true;
  }
  const { report } = PodSecurity.of(app);
  expect(report.allowed).toBe(!blocked);
  return { seen: report.findings.map((finding) => seenOf(finding, set.options.failOn)), blocked };
}

/** The cdk8s-cli validation plugin over the synthesized manifests, one file per chart. */
async function byPlugin(set: OptionSet, index: number): Promise<DoorResult> {
  const dir = join(workdir, `plugin-${index}`);
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, Manifest[]>();
  for (const object of OBJECTS) {
    const file = join(dir, `${object.metadata.namespace ?? 'cluster'}.k8s.yaml`);
    files.set(file, [...(files.get(file) ?? []), object]);
  }
  for (const [file, objects] of files) {
    writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  }
  const plugin = new PodSecurityValidation(set.options);
  const context = new ValidationContext([...files.keys()], '@podguard/cdk8s', '0.1.0', {});
  const logged: string[] = [];
  Object.defineProperty(context, 'logger', { value: { log: (line: string) => logged.push(line) } });
  await plugin.validate(context);
  const json = context.report.toJson();
  const seen: Seen[] = [];
  // Blocking findings are the report's violations; the others are logged.
  for (const violation of json.violations) {
    const parsed = parseFindingText(violation.recommendation ?? '');
    expect(violation.ruleName).toBe(parsed.rule);
    seen.push({ ...parsed, blocking: true });
  }
  for (const line of logged) {
    const match = /^\[podguard\] (warning|suppressed) ([\s\S]*)$/.exec(line);
    if (match) seen.push({ ...parseFindingText(match[2] as string), blocking: false });
  }
  return { seen, blocked: !context.report.success };
}

/** The Pulumi type of an object, as @pulumi/kubernetes names it. */
function pulumiType(object: Manifest): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion : `core/${object.apiVersion}`;
  return `kubernetes:${group}:${object.kind}`;
}

let pack: PolicyPackHarness;

/** Each object through the pack's Analyze, configured as `podguardPolicyConfig(options)` writes it. */
async function byPulumi(set: OptionSet): Promise<DoorResult> {
  await pack.configure(podguardPolicyConfig(pulumiOptions(set.options)) as never);
  const seen: Seen[] = [];
  for (const object of OBJECTS) {
    const type = pulumiType(object);
    const { diagnostics } = await pack.analyze({
      type,
      name: `${object.metadata.namespace ?? 'cluster'}-${object.metadata.name}`,
      properties: structuredClone(object),
    });
    for (const diagnostic of diagnostics) {
      const parsed = parseFindingText(diagnostic.message);
      expect(diagnostic.policyName).toBe(`podguard-${parsed.rule}`);
      seen.push({ ...parsed, blocking: diagnostic.enforcementLevel === 'mandatory' });
    }
    // Types the pack checks are the pod-spec types and Namespace; others have no findings anywhere.
    if (!CHECKED_TYPES[type]) expect(diagnostics).toEqual([]);
  }
  // Rules whose verdict needs other objects of the stack (the ServiceAccounts) run in AnalyzeStack.
  const stack = await pack.analyzeStack(
    OBJECTS.map((object) => ({
      type: pulumiType(object),
      name: `${object.metadata.namespace ?? 'cluster'}-${object.metadata.name}`,
      properties: structuredClone(object),
    })),
  );
  for (const diagnostic of stack.diagnostics) {
    if (diagnostic.policyName === 'podguard-namespaces') continue;
    const parsed = parseFindingText(diagnostic.message);
    expect(diagnostic.policyName).toBe(`podguard-${parsed.rule}`);
    seen.push({ ...parsed, blocking: diagnostic.enforcementLevel === 'mandatory' });
  }
  return { seen, blocked: seen.some((one) => one.blocking) };
}

/**
 * The options as the Pulumi pack takes them: the same, but for suppressions of Dockerfile rules,
 * which it refuses (a stack has no Dockerfiles: "suppress it where they are checked").
 */
function pulumiOptions(
  options: EvaluateOptions,
): EvaluateOptions & { suppressions?: (Suppression & { rule: string })[] } {
  if (!options.suppressions) return options;
  return { ...options, suppressions: options.suppressions.filter((one) => one.rule !== 'dockerfileUser') };
}

// --- the test ---------------------------------------------------------------------------------

beforeAll(async () => {
  if (!existsSync(bin))
    throw new Error('packages/cli/dist/podguard.mjs is missing: run `npm run build` first');
  workdir = mkdtempSync(join(tmpdir(), 'podguard-cross-door-'));
  await ensurePulumiBuild();
  pack = await PolicyPackHarness.start(PODGUARD_PACK);
});

afterAll(() => {
  pack?.close();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

describe('one contract at every door', () => {
  it('the objects and option sets cover what the contract is about', () => {
    expect(OBJECTS.length).toBeGreaterThanOrEqual(20);
    const hardened = byCoreWithDockerfiles(OPTION_SETS[4]!.options).seen;
    // Each kind of suppression does what its name says, so the doors are compared on all of them.
    expect(hardened).toContainEqual(
      expect.objectContaining({
        object: 'DaemonSet monitoring/node-exporter',
        rule: 'privileged',
        status: 'suppressed',
      }),
    );
    expect(hardened).toContainEqual(
      expect.objectContaining({
        object: 'StatefulSet shop/postgres',
        rule: 'runAsUserRange',
        suppression: 'expired',
      }),
    );
    expect(hardened).toContainEqual(
      expect.objectContaining({ rule: 'unusedSuppression', severity: 'warning', blocking: true }),
    );
    expect(hardened).toContainEqual(
      expect.objectContaining({
        object: 'Dockerfile images/tools/Dockerfile',
        rule: 'dockerfileUser',
        status: 'suppressed',
      }),
    );
    expect(hardened).toContainEqual(
      expect.objectContaining({
        object: 'Dockerfile images/web/Dockerfile',
        rule: 'dockerfileUser',
        status: 'fail',
      }),
    );
    expect(hardened).toContainEqual(
      expect.objectContaining({ object: 'Pod legacy/debug', rule: 'hostNamespaces', status: 'suppressed' }),
    );
    // A wrongly typed field is an input error, and the rules that do not read it still run.
    expect(hardened).toContainEqual(
      expect.objectContaining({
        object: 'Deployment shop/quoted-uid',
        rule: 'invalidInput',
        status: 'error',
      }),
    );
    expect(hardened).toContainEqual(
      expect.objectContaining({
        object: 'Deployment shop/quoted-uid',
        rule: 'hostNamespaces',
        status: 'fail',
      }),
    );
    // uidRange decides postgres' UID 999.
    const wide = byEvaluate(OPTION_SETS[3]!.options).seen;
    expect(
      wide.some((one) => one.object === 'StatefulSet shop/postgres' && one.rule === 'runAsUserRange'),
    ).toBe(false);
    // Warnings that block only with failOn: warning.
    expect(byEvaluate(OPTION_SETS[2]!.options).seen).toContainEqual(
      expect.objectContaining({ severity: 'warning', blocking: false }),
    );
    // Some option sets block and some do not.
    expect(OPTION_SETS.map((set) => byEvaluate(set.options).blocked)).toContain(false);
    // Pure PSA profiles run no podguard rule, Dockerfile rules included.
    for (const set of [OPTION_SETS[0]!, OPTION_SETS[1]!]) {
      const psa = byCoreWithDockerfiles(set.options).seen;
      expect(psa.filter((one) => one.object.startsWith('Dockerfile'))).toEqual([]);
      expect(psa.some((one) => one.rule === 'kubeletRunAsNonRoot' || one.rule === 'runAsUserRange')).toBe(
        false,
      );
    }
  });

  describe.each(OPTION_SETS.map((set, index) => ({ ...set, index })))('$name', (set) => {
    const reference = byEvaluate(set.options);

    it('podguard scan --format json: the same findings, Dockerfiles included, and exit code', () => {
      const expected = byCoreWithDockerfiles(set.options);
      const cli = byCli(set, set.index);
      expect(keys(cli.seen)).toEqual(keys(expected.seen));
      expect(cli.blocked).toBe(expected.blocked);
      // Its Kubernetes objects get what evaluate() gives them (unused suppressions differ only
      // by the Dockerfile suppression, used here).
      const kubernetesOnly = (one: Seen) =>
        !one.object.startsWith('Dockerfile ') && one.rule !== 'unusedSuppression';
      expect(keys(cli.seen.filter(kubernetesOnly))).toEqual(keys(reference.seen.filter(kubernetesOnly)));
    });

    it('cdk8s PodSecurity.of(app).validate(): the same findings and synthesis verdict', () => {
      const cdk8s = byCdk8sValidate(set, set.index);
      expect(keys(cdk8s.seen)).toEqual(keys(reference.seen));
      expect(cdk8s.blocked).toBe(reference.blocked);
    });

    it('the cdk8s-cli validation plugin: the same findings and report status', async () => {
      const plugin = await byPlugin(set, set.index);
      expect(keys(plugin.seen)).toEqual(keys(reference.seen));
      expect(plugin.blocked).toBe(reference.blocked);
    });

    it('the Pulumi policy pack over gRPC: the same findings and enforcement', async () => {
      const pulumi = await byPulumi(set);
      // The pack is given the suppressions it takes: not those of Dockerfile rules (pulumiOptions).
      const expected = byEvaluate(pulumiOptions(set.options));
      expect(keys(pulumi.seen)).toEqual(keys(expected.seen));
      expect(pulumi.blocked).toBe(expected.blocked);
    });
  });
});
