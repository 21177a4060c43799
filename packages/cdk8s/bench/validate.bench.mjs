// What synth-time validation adds to `Testing.synth` for a 500-workload chart (target: < 10%).
// Run after `npm run build`: node packages/cdk8s/bench/validate.bench.mjs
import { evaluate } from '@podguard/policy-core';
import { Chart, Testing } from 'cdk8s';
import { Bench } from 'tinybench';
import { PodSecurity, SecureDeployment } from '../dist/index.js';

const WORKLOADS = 500;

function chartWith(workloads) {
  const chart = new Chart(Testing.app(), 'bench');
  for (let i = 0; i < workloads; i++) {
    new SecureDeployment(chart, `web-${i}`, {
      containers: [{ name: 'web', image: `registry.example.com/app-${i}:1.0.0`, portNumber: 8080 }],
    });
  }
  return chart;
}

const plain = chartWith(WORKLOADS);
const validated = chartWith(WORKLOADS);
PodSecurity.of(validated).validate({ profile: 'hardened' });
const hardened = chartWith(WORKLOADS);
PodSecurity.of(hardened).harden().validate({ profile: 'hardened' });

if (Testing.synth(validated).length !== WORKLOADS || !PodSecurity.of(validated).report.allowed) {
  throw new Error('the validated chart must synthesize and pass');
}

const manifests = Testing.synth(plain);

// Every iteration synthesizes a freshly built chart (built outside the timed window): synthesizing
// the same chart again would measure memoised renders, not what a `cdk8s synth` run pays.
let chart;
const fresh = (configure) => () => {
  chart = chartWith(WORKLOADS);
  configure(chart);
};
const bench = new Bench({ time: 4000, warmupTime: 500 });
bench
  .add(`Testing.synth, ${WORKLOADS} workloads`, () => Testing.synth(chart), { beforeEach: fresh(() => {}) })
  .add('Testing.synth + validate(hardened)', () => Testing.synth(chart), {
    beforeEach: fresh((c) => PodSecurity.of(c).validate({ profile: 'hardened' })),
  })
  .add('Testing.synth + harden() + validate(hardened)', () => Testing.synth(chart), {
    beforeEach: fresh((c) => PodSecurity.of(c).harden().validate({ profile: 'hardened' })),
  })
  // The core's share: evaluate() on the same manifests, without cdk8s.
  .add(`evaluate(${WORKLOADS} manifests, hardened) alone`, () =>
    evaluate(manifests, { profile: 'hardened' }),
  );
await bench.run();

const [base, validating, , core] = bench.tasks;
// Medians: robust against the other core's noise on a 2-core machine.
const mean = (task) => task.result.latency.p50;
console.table(
  bench.tasks.map((task) => ({
    task: task.name,
    'median (ms)': mean(task).toFixed(2),
    'vs plain synth':
      task === base
        ? ''
        : task === core
          ? `${((mean(task) / mean(base)) * 100).toFixed(1)}% of it`
          : `+${(((mean(task) - mean(base)) / mean(base)) * 100).toFixed(1)}%`,
  })),
);
const added = (mean(validating) - mean(base)) / mean(base);
const adapter = (mean(validating) - mean(base) - mean(core)) / mean(base);
console.log(`validation adds ${(added * 100).toFixed(1)}% to Testing.synth (target < 10%):`);
console.log(
  `  the core's evaluate() ${((mean(core) / mean(base)) * 100).toFixed(1)}%, the cdk8s adapter ${(adapter * 100).toFixed(1)}%`,
);
