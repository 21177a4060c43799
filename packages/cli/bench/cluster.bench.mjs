// Cluster-sized audits (issue 14), ratios measured in one run (run with `npm run bench` after a build):
// - a generated `kubectl get pods,deployments -A -o json` List (PODGUARD_BENCH_LIST_OBJECTS objects,
//   default 200,000) scanned with `--max-old-space-size=128`, against `JSON.parse` of the same text
//   plus `evaluate()` of every object in one process (goal: ratio <= 1.3, and it must not run out of
//   memory);
// - a CRD-heavy directory (large CustomResourceDefinitions and a few Deployments) scanned, against
//   `yaml.parseAllDocuments` of the same files (goal: ratio <= 0.35; kinds that hold no pod are
//   counted without being parsed).
// Both run quiet and beside a second CPU-bound process (scripts/benchLoad.mjs), each side of a ratio
// in rounds that alternate which goes first; the figure is the median of per-round ratios.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianRatio, quietAndLoaded } from '../../../scripts/benchLoad.mjs';

const bin = fileURLToPath(new URL('../dist/podguard.mjs', import.meta.url));
const core = new URL('../../policy-core/dist/index.js', import.meta.url).href;
const yamlPath = fileURLToPath(new URL('../../../node_modules/yaml/dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'podguard-cluster-bench-'));
const OBJECTS = Number(process.env.PODGUARD_BENCH_LIST_OBJECTS ?? 200_000);

/** A pod spec as a cluster holds them: nine in ten hardened, one in ten running as root. */
const podSpec = (i) => ({
  ...(i % 10 === 0
    ? {}
    : {
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000 + (i % 5000),
          runAsGroup: 1000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        automountServiceAccountToken: false,
      }),
  containers: [
    {
      name: 'app',
      image: `registry.example/app-${i % 300}:1.${i % 7}`,
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
      ...(i % 10 === 0
        ? {}
        : {
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
          }),
    },
  ],
});
const metadata = (kind, i) => ({
  name: `${kind.toLowerCase()}-${i}`,
  namespace: `team-${i % 40}`,
  uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  resourceVersion: String(100000 + i),
  labels: { app: `app-${i % 300}`, 'app.kubernetes.io/part-of': 'shop' },
});
const object = (i) =>
  i % 2 === 0
    ? {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: metadata('Pod', i),
        spec: podSpec(i),
        status: { phase: 'Running' },
      }
    : {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata('Deployment', i),
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: `app-${i % 300}` } },
          template: { metadata: { labels: { app: `app-${i % 300}` } }, spec: podSpec(i) },
        },
      };

// kubectl's layout: 4 spaces, items at 8.
const listFile = join(dir, 'cluster.json');
{
  const parts = ['{\n    "apiVersion": "v1",\n    "items": [\n'];
  for (let i = 0; i < OBJECTS; i++)
    parts.push(`${i === 0 ? '' : ',\n'}${JSON.stringify(object(i), null, 4).replace(/^/gm, '        ')}`);
  parts.push('\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  writeFileSync(listFile, parts.join(''));
}

// The baseline, in one process: read, JSON.parse, evaluate() every object with the CLI's profile.
const baseline = join(dir, 'baseline.mjs');
writeFileSync(
  baseline,
  `import { readFileSync } from 'node:fs';
import { createEvaluation } from ${JSON.stringify(core)};
const start = performance.now();
const list = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const session = createEvaluation({});
let findings = 0;
for (const item of list.items) findings += session.evaluate(item).findings.length;
console.log(JSON.stringify({ ms: performance.now() - start, findings }));
`,
);

function run(args, options = {}) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  return { ms: performance.now() - start, ...result };
}

const listRuns = [
  () => {
    const base = run(['--max-old-space-size=4096', baseline, listFile]);
    if (base.status !== 0) throw new Error(`baseline failed: ${base.stderr.slice(0, 2000)}`);
    return { ms: JSON.parse(base.stdout).ms };
  },
  () =>
    run([
      '--max-old-space-size=128',
      bin,
      'scan',
      listFile,
      '--format',
      'ndjson',
      '--output',
      join(dir, 'findings.ndjson'),
    ]),
];

// A CRD-heavy directory: 24 large CustomResourceDefinitions (deep OpenAPI schemas, as operators ship
// them) and 6 Deployments.
const crds = join(dir, 'crds');
mkdirSync(crds);
const schema = (depth) =>
  depth === 0
    ? { type: 'string', description: 'A field of the resource, documented at length. '.repeat(4) }
    : {
        type: 'object',
        description: 'An object of the resource, documented at length. '.repeat(3),
        properties: Object.fromEntries(Array.from({ length: 6 }, (_, k) => [`field${k}`, schema(depth - 1)])),
      };
const crdJson = (i) =>
  JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets${i}.example.com` },
    spec: {
      group: 'example.com',
      names: { kind: `Widget${i}`, plural: `widgets${i}` },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema(4) } }],
    },
  });
// Written as block YAML, as operators publish them: converted by the yaml package itself.
const toYaml = join(dir, 'to-yaml.mjs');
writeFileSync(
  toYaml,
  `import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const { stringify } = createRequire(import.meta.url)(${JSON.stringify(yamlPath)});
for (const file of process.argv.slice(2)) writeFileSync(file, stringify(JSON.parse(readFileSync(file, 'utf8'))));
`,
);
const crdFiles = [];
for (let i = 0; i < 24; i++) {
  const file = join(crds, `crd-${i}.yaml`);
  writeFileSync(file, crdJson(i));
  crdFiles.push(file);
}
for (let i = 0; i < 6; i++) {
  const file = join(crds, `deployment-${i}.yaml`);
  writeFileSync(file, JSON.stringify(object(2 * i + 1)));
  crdFiles.push(file);
}
spawnSync(process.execPath, [toYaml, ...crdFiles], { stdio: 'inherit' });
const parseOnly = join(dir, 'parse-only.mjs');
writeFileSync(
  parseOnly,
  `import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
const { parseAllDocuments } = createRequire(import.meta.url)(${JSON.stringify(yamlPath)});
const start = performance.now();
for (const name of readdirSync(process.argv[2]).sort()) for (const doc of parseAllDocuments(readFileSync(join(process.argv[2], name), 'utf8'))) doc.toJS();
console.log(JSON.stringify({ ms: performance.now() - start }));
`,
);
const crdRuns = [
  () => ({ ms: JSON.parse(run([parseOnly, crds]).stdout).ms }),
  () => run([bin, 'scan', crds, '--format', 'json', '--output', join(dir, 'crds.json')]),
];

/** `rounds` rounds of [baseline, podguard], alternating which goes first: per-round samples. */
function rounds(runs, count) {
  const samples = [[], []];
  for (let round = 0; round < count; round++) {
    for (const index of round % 2 === 0 ? [0, 1] : [1, 0]) samples[index].push(runs[index]());
  }
  return samples;
}
const LIST_ROUNDS = Number(process.env.PODGUARD_BENCH_LIST_ROUNDS ?? 2);
const figures = await quietAndLoaded(() => {
  const [listBase, listScans] = rounds(listRuns, LIST_ROUNDS);
  const [crdParses, crdScans] = rounds(crdRuns, 3);
  return {
    listBase,
    listScans,
    listRatio: medianRatio(
      listScans.map((s) => s.ms),
      listBase.map((s) => s.ms),
    ),
    crdParses,
    crdScans,
    crdRatio: medianRatio(
      crdScans.map((s) => s.ms),
      crdParses.map((s) => s.ms),
    ),
  };
});

rmSync(dir, { recursive: true, force: true });

const status = (result) => (result.status === null ? `killed (${result.signal})` : `exit ${result.status}`);
const seconds = (samples) => samples.map((s) => (s.ms / 1000).toFixed(1)).join(', ');
const millis = (samples) => samples.map((s) => s.ms.toFixed(0)).join(', ');
console.log('| task | load | times (podguard; baseline), per round | ratio | goal |');
console.log('|---|---|---|---|---|');
let failed = false;
for (const load of ['quiet', 'loaded']) {
  const f = figures[load];
  console.log(
    `| \`kubectl get -o json\` List of ${OBJECTS.toLocaleString('en')} objects, \`scan --format ndjson\` in a 128 MB heap (${f.listScans.map(status).join(', ')}) vs \`JSON.parse\` + \`evaluate()\` | ${load} | ${seconds(f.listScans)} s; ${seconds(f.listBase)} s | **${f.listRatio.toFixed(2)}** ${f.listRatio <= 1.3 ? 'met' : 'NOT met'} | ≤ 1.3 |`,
  );
  console.log(
    `| 24 large CRDs + 6 Deployments, \`scan\` (${f.crdScans.map(status).join(', ')}) vs \`yaml.parseAllDocuments\` of the same files | ${load} | ${millis(f.crdScans)} ms; ${millis(f.crdParses)} ms | **${f.crdRatio.toFixed(2)}** ${f.crdRatio <= 0.35 ? 'met' : 'NOT met'} | ≤ 0.35 |`,
  );
  for (const scan of f.listScans) {
    // Findings give exit 1; anything else (2, an out-of-memory abort) is a failure of the run.
    if (scan.status !== 1 && scan.status !== 0 && !failed) {
      console.error(scan.stderr.slice(0, 2000));
      failed = true;
    }
  }
}
if (failed) process.exitCode = 1;
