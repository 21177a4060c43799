// Benchmarks of the CLI (run with `npm run bench` after a build):
// - 10,000 generated manifests: `podguard scan --format json` against parsing the same files
//   with the `yaml` package alone (goal: ratio <= 1.5);
// - `podguard --version` cold start (goal: < 150 ms).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/podguard.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'podguard-bench-'));
const manifests = join(dir, 'manifests');
mkdirSync(manifests);

const manifest = (i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: team-${i % 40}
  labels: {app: app-${i}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: ${1000 + (i % 5000)}, runAsGroup: 1000, seccompProfile: {type: RuntimeDefault}}
      automountServiceAccountToken: ${i % 3 === 0 ? 'true' : 'false'}
      containers:
        - name: app
          image: registry.example/app-${i}:1.0
          ports: [{containerPort: 8080}]
          resources: {limits: {cpu: 500m, memory: 256Mi}}
          securityContext:
            allowPrivilegeEscalation: ${i % 7 === 0 ? 'true' : 'false'}
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
`;
const COUNT = 10_000;
for (let i = 0; i < COUNT; i++)
  writeFileSync(join(manifests, `app-${String(i).padStart(5, '0')}.yaml`), manifest(i));

// The baseline: the same files, read and parsed by `yaml` in a fresh process, as the CLI does.
const parseOnly = join(dir, 'parse-only.mjs');
const yamlUrl = new URL('../../../node_modules/yaml/dist/index.js', import.meta.url).href;
writeFileSync(
  parseOnly,
  `import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
const { parseAllDocuments } = createRequire(import.meta.url)(${JSON.stringify(fileURLToPath(yamlUrl))});
let n = 0;
for (const name of readdirSync(process.argv[2]).sort()) for (const doc of parseAllDocuments(readFileSync(join(process.argv[2], name), 'utf8'))) { doc.toJS(); n++; }
console.log(n);
`,
);

const time = (args, runs) => {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    samples.push(performance.now() - start);
    if (result.status !== 0 && result.status !== 1)
      throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
};

const parse = time([parseOnly, manifests], 3);
const scanTime = time([bin, 'scan', manifests, '--format', 'json', '--fail-on', 'none'], 3);
const version = time([bin, '--version'], 15);
const node = time(['-e', ''], 15);
console.table([
  { task: `yaml parse of ${COUNT} manifests (fresh process)`, 'median (ms)': parse.toFixed(0) },
  { task: `podguard scan of ${COUNT} manifests`, 'median (ms)': scanTime.toFixed(0) },
  { task: 'podguard --version', 'median (ms)': version.toFixed(1) },
  { task: 'node -e "" (Node start-up alone)', 'median (ms)': node.toFixed(1) },
]);
console.log(`ratio scan / yaml parse: ${(scanTime / parse).toFixed(2)} (goal <= 1.5)`);
console.log(`podguard --version cold start: ${version.toFixed(0)} ms (goal < 150 ms)`);
rmSync(dir, { recursive: true, force: true });
