// What synth-time validation adds to `Testing.synth` for a 500-workload chart (target: < 10%).
// Run after `npm run build`: node packages/cdk8s/bench/validate.bench.mjs [rounds]
//
// Method. Every timed synthesis gets a chart built for it, outside the timed window: synthesizing
// one chart again would measure memoised renders, not what a `cdk8s synth` run pays. The variants
// run interleaved, one of each per round in rotating order, so drift on a shared machine (other
// processes, heap growth, CPU frequency) hits them alike; the figure is the median over rounds of
// the per-round ratio "validated / plain", with the medians of each variant beside it.
import { evaluate } from '@podguard/policy-core';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { PodSecurity, SecureDeployment } from '../dist/index.js';

const WORKLOADS = 500;
const ROUNDS = Number(process.argv[2] ?? 150);
const WARMUP = 20;
const TARGET = 0.1;

/** A chart of SecureDeployments (nothing to fix), or of cdk8s-plus Deployments (each needs fixes). */
function chartWith(configure, Workload = SecureDeployment) {
  const chart = new Chart(Testing.app(), 'bench');
  for (let i = 0; i < WORKLOADS; i++) {
    new Workload(chart, `web-${i}`, {
      containers: [{ name: 'web', image: `registry.example.com/app-${i}:1.0.0`, portNumber: 8080 }],
    });
  }
  configure(chart);
  return chart;
}

const variants = [
  { name: `Testing.synth, ${WORKLOADS} workloads`, configure: () => {} },
  {
    name: 'Testing.synth + validate(hardened)',
    configure: (chart) => PodSecurity.of(chart).validate({ profile: 'hardened' }),
  },
  {
    name: 'Testing.synth + harden() + validate(hardened)',
    configure: (chart) => PodSecurity.of(chart).harden().validate({ profile: 'hardened' }),
  },
  {
    name: `Testing.synth, ${WORKLOADS} cdk8s-plus Deployments`,
    configure: () => {},
    workload: kplus.Deployment,
  },
  {
    name: 'cdk8s-plus Deployments + harden() + validate(hardened)',
    configure: (chart) => PodSecurity.of(chart).harden().validate({ profile: 'hardened' }),
    workload: kplus.Deployment,
  },
];
// Each variant is compared with the plain synthesis of the same workloads.
const baselineOf = (index) => (variants[index].workload ? 3 : 0);

// The validated charts must synthesize every object and pass, or the figures mean nothing; the
// cdk8s-plus chart must need fixes, or hardening it measures nothing.
for (const variant of [variants[1], variants[4]]) {
  const chart = chartWith(variant.configure, variant.workload);
  if (Testing.synth(chart).length !== WORKLOADS || !PodSecurity.of(chart).report.allowed) {
    throw new Error(`${variant.name}: the chart must synthesize and pass`);
  }
  if (variant.workload && PodSecurity.of(chart).changes.length < WORKLOADS) {
    throw new Error(`${variant.name}: every Deployment must need a fix`);
  }
}
const manifests = Testing.synth(chartWith(() => {}));

function synthMs(variant) {
  const chart = chartWith(variant.configure, variant.workload);
  const start = performance.now();
  Testing.synth(chart);
  return performance.now() - start;
}

const samples = variants.map(() => []);
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  const times = [];
  for (let k = 0; k < variants.length; k++) {
    const index = (round + k) % variants.length;
    times[index] = synthMs(variants[index]);
  }
  if (round < WARMUP) continue;
  for (const [index, ms] of times.entries()) samples[index].push(ms);
}

// The core's share: evaluate() on the same manifests, without cdk8s (already rendered, so
// cheaper than inside a synthesis, where each manifest is fresh).
const core = [];
for (let i = 0; i < WARMUP + ROUNDS; i++) {
  const start = performance.now();
  evaluate(manifests, { profile: 'hardened' });
  if (i >= WARMUP) core.push(performance.now() - start);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percent = (ratio) => `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;
const added = samples.map((times, index) => {
  const plain = samples[baselineOf(index)];
  return median(times.map((ms, round) => ms / plain[round] - 1));
});
const [plain] = samples;

console.log(`${ROUNDS} rounds after ${WARMUP} warm-up rounds; medians:`);
console.table([
  ...variants.map((variant, index) => ({
    task: variant.name,
    'median (ms)': median(samples[index]).toFixed(2),
    'added (median of per-round ratios)': baselineOf(index) === index ? '' : percent(added[index]),
  })),
  {
    task: `evaluate(${WORKLOADS} rendered manifests, hardened) alone`,
    'median (ms)': median(core).toFixed(2),
    'added (median of per-round ratios)': `${((median(core) / median(plain)) * 100).toFixed(1)}% of plain synth`,
  },
]);
const verdict = added[1] < TARGET ? 'met' : 'NOT met';
console.log(`validation adds ${percent(added[1])} to Testing.synth: target < ${TARGET * 100}% ${verdict}`);
