// Benchmarks of the engine (run with `npm run bench` after a build):
// - the whole upstream corpus at restricted/latest;
// - one pod: evaluate() against JSON.parse of the same pod's JSON text (goal: ratio <= 1);
// - the hardened profile against restricted, per pod (goal: ratio <= 1.5).
import { checkPod, evaluate } from '@podguard/policy-core';
import { Bench } from 'tinybench';
import { loadPsaCases } from '../../../test/fixtures/psa/load.mjs';

const cases = loadPsaCases();
const pods = cases.map((c) => c.object);

// A realistic workload pod: a Deployment's template with two containers and security contexts.
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'web',
            image: 'registry.example/web:1.4.2',
            ports: [{ containerPort: 8080, name: 'http' }],
            env: [{ name: 'MODE', value: 'production' }],
            resources: { limits: { cpu: '500m', memory: '256Mi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
          {
            name: 'sidecar',
            image: 'registry.example/proxy:2.0',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
};
const deploymentText = JSON.stringify(deployment);

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add(`corpus: evaluate ${pods.length} pods, restricted/latest`, () => {
    evaluate(pods, { level: 'restricted' });
  })
  .add(`corpus: checkPod ${pods.length} pods, restricted/latest`, () => {
    for (const pod of pods) checkPod(pod, 'restricted', 'latest');
  })
  .add('one Deployment: JSON.parse of its text', () => {
    JSON.parse(deploymentText);
  })
  .add('one Deployment: evaluate, restricted', () => {
    evaluate(deployment, { level: 'restricted' });
  })
  .add('one Deployment: evaluate, hardened', () => {
    evaluate(deployment, { profile: 'hardened' });
  });
await bench.run();

// Medians: robust against the other core's noise on a 2-core machine.
const mean = (name) => bench.tasks.find((t) => t.name.startsWith(name)).result.latency.p50;
const rows = bench.tasks.map((t) => ({
  task: t.name,
  'median (µs)': (t.result.latency.p50 * 1000).toFixed(2),
  'ops/s': Math.round(t.result.throughput.mean),
}));
console.table(rows);
const parse = mean('one Deployment: JSON.parse');
const restricted = mean('one Deployment: evaluate, restricted');
const hardened = mean('one Deployment: evaluate, hardened');
console.log(
  `corpus per pod (evaluate, restricted): ${((mean('corpus: evaluate') / pods.length) * 1000).toFixed(2)} µs`,
);
console.log(
  `ratio evaluate(restricted) / JSON.parse, one Deployment: ${(restricted / parse).toFixed(2)} (goal <= 1)`,
);
console.log(
  `ratio hardened / restricted, one Deployment: ${(hardened / restricted).toFixed(2)} (goal <= 1.5)`,
);
