// Benchmarks of `podguard scan --fix` (run with `npm run bench` after a build):
// - `--fix --dry-run` on a 14,000-line `kind: List` (goal: peak RSS under 250 MB; the diff is built
//   from the edits, with no line-matching table);
// - `--fix` on a `kubectl get -o yaml` List of 10,000 Deployments (goal: it works; time and RSS shown);
// - the heap `--fix` holds as the file grows (goal: within 3x the file): the largest live heap after
//   a full collection (V8's --trace-gc), on Lists of 5,000 and of 10,000 Deployments, the difference
//   over the difference in file size. What a run holds whatever its input (code, the rule tables,
//   compiled code's data) cancels out; the fixed file, about twice the size, is read again for the
//   report, so this counts it too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/podguard.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'podguard-fix-bench-'));

const item = (i) => `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app-${i}
    namespace: team-${i % 40}
    labels:
      app: app-${i}
  spec:
    replicas: 2
    selector:
      matchLabels:
        app: app-${i}
    template:
      metadata:
        labels:
          app: app-${i}
      spec:
        containers:
        - name: app
          image: registry.example/app-${i}:1.0
`;
const list = (count) =>
  `apiVersion: v1\nkind: List\nitems:\n${Array.from({ length: count }, (_, i) => item(i)).join('')}`;

// Reports the child's peak RSS on exit.
const rssHook = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;

function run(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--import', rssHook, bin, ...args], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  const rss = Number(/maxrss (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN) / 1024;
  return { ms, rss, result };
}

const small = join(dir, 'list-14k.yaml');
writeFileSync(small, list(700));
const lines = readFileSync(small, 'utf8').split('\n').length;
const scanOnly = run(['scan', small]);
const dry = run(['scan', small, '--fix', '--dry-run']);
if (!dry.result.stdout.startsWith('--- a/')) throw new Error('no diff printed');

const big = join(dir, 'list-10000.yaml');
const count = Number(process.env.FIX_BENCH_OBJECTS ?? 10_000);
writeFileSync(big, list(count));
const fix = run(['scan', big, '--fix', '--format', 'json', '--fail-on', 'none']);
if (!/applied \d+ fixes/.test(fix.result.stderr))
  throw new Error(`--fix did not apply: ${fix.result.stderr}`);

/** The largest heap left after a full collection (Mark-Compact) in a run, in MB. */
function liveHeapPeak(file) {
  const output = join(dir, 'report.ndjson');
  const result = spawnSync(
    process.execPath,
    // A small old space makes full collections frequent, so the largest live heap is seen.
    [
      '--trace-gc',
      '--max-old-space-size=64',
      bin,
      'scan',
      file,
      '--fix',
      '--format',
      'ndjson',
      '--output',
      output,
      '--fail-on',
      'none',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`--fix of ${file} failed: ${result.stderr}`);
  let peak = 0;
  for (const line of result.stdout.split('\n')) {
    const after = /Mark-Compact[^>]*-> ([\d.]+)/.exec(line);
    if (after) peak = Math.max(peak, Number(after[1]));
  }
  if (peak === 0) throw new Error('no full collection seen: --trace-gc printed nothing readable');
  return peak;
}
const heapFiles = [5_000, 10_000].map((objects) => {
  const file = join(dir, `list-heap-${objects}.yaml`);
  writeFileSync(file, list(objects));
  const megabytes = Buffer.byteLength(readFileSync(file)) / 1024 / 1024;
  return { objects, megabytes, heap: liveHeapPeak(file) };
});
const [half, whole] = heapFiles;
const heapPerByte = (whole.heap - half.heap) / (whole.megabytes - half.megabytes);

console.table([
  {
    task: `scan alone, ${lines}-line List (700 Deployments)`,
    'time (ms)': scanOnly.ms.toFixed(0),
    'peak RSS (MB)': scanOnly.rss.toFixed(0),
  },
  {
    task: `--fix --dry-run, ${lines}-line List (700 Deployments)`,
    'time (ms)': dry.ms.toFixed(0),
    'peak RSS (MB)': dry.rss.toFixed(0),
  },
  {
    task: `--fix, List of ${count} Deployments`,
    'time (ms)': fix.ms.toFixed(0),
    'peak RSS (MB)': fix.rss.toFixed(0),
  },
]);
console.log(
  `--fix --dry-run peak RSS on ${lines} lines: ${dry.rss.toFixed(0)} MB (goal < 250 MB); the scan alone: ${scanOnly.rss.toFixed(0)} MB, so --fix adds ${(dry.rss - scanOnly.rss).toFixed(0)} MB`,
);
for (const { objects, megabytes, heap } of heapFiles) {
  console.log(
    `--fix of a List of ${objects} Deployments (${megabytes.toFixed(1)} MB): largest live heap ${heap.toFixed(1)} MB`,
  );
}
console.log(
  `--fix heap growth per byte of file: ${heapPerByte.toFixed(2)}x (goal <= 3) ${heapPerByte <= 3 ? 'met' : 'NOT met'}`,
);
rmSync(dir, { recursive: true, force: true });
