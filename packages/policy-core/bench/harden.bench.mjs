// Linear hardening (run with `npm run bench` after a build): harden() of a `kind: List` of
// insecure Deployments, per-object cost at 10 and at 10,000 objects in one List (goal: the
// ratio 10,000 / 10 at most 1.5). Both sizes run in this one process, interleaved, medians; once
// as the machine is and once beside a second CPU-bound process.
import { harden } from '@podguard/policy-core';
import { quietAndLoaded, reportGoal } from '../../../scripts/benchLoad.mjs';

function insecureDeployment(index) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `svc-${index}`, namespace: 'fleet', labels: { app: `svc-${index}` } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: `svc-${index}` } },
      template: {
        metadata: { labels: { app: `svc-${index}` } },
        spec: {
          containers: [
            { name: 'app', image: `registry.example/svc-${index}:1.0`, ports: [{ containerPort: 8080 }] },
            { name: 'sidecar', image: 'registry.example/proxy:2.0' },
          ],
        },
      },
    },
  };
}

const list = (count) => ({
  apiVersion: 'v1',
  kind: 'List',
  items: Array.from({ length: count }, (_, index) => insecureDeployment(index)),
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Microseconds per object of one harden() of a List of `count` Deployments. */
function perObject(input, count) {
  const start = performance.now();
  const { changes } = harden(input);
  const elapsed = performance.now() - start;
  if (changes.length === 0) throw new Error('nothing hardened');
  return (elapsed * 1000) / count;
}

const small = list(10);
const large = list(10_000);
// Warm-up: the JIT, and the plans the core caches per profile.
for (let i = 0; i < 200; i++) perObject(small, 10);
perObject(large, 10_000);

function measure() {
  const smallRuns = [];
  const largeRuns = [];
  for (let round = 0; round < 5; round++) {
    // Per round: the small List enough times to take a comparable while, then the large one once.
    const batch = [];
    for (let i = 0; i < 100; i++) batch.push(perObject(small, 10));
    smallRuns.push(median(batch));
    largeRuns.push(perObject(large, 10_000));
  }
  return { atSmall: median(smallRuns), atLarge: median(largeRuns) };
}

const figures = await quietAndLoaded(measure);
console.table(
  ['quiet', 'loaded'].flatMap((load) => [
    {
      benchmark: `harden() List of 10 insecure Deployments (${load})`,
      'µs per object': figures[load].atSmall.toFixed(1),
    },
    {
      benchmark: `harden() List of 10,000 insecure Deployments (${load})`,
      'µs per object': figures[load].atLarge.toFixed(1),
    },
  ]),
);
const ratio = ({ atSmall, atLarge }) => atLarge / atSmall;
reportGoal(
  'per-object cost at 10,000 vs at 10',
  { quiet: ratio(figures.quiet), loaded: ratio(figures.loaded) },
  1.5,
);
