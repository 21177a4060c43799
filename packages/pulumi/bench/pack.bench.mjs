// Policy pack benchmark, run as the Pulumi CLI runs a pack: spawn run-policy-pack, wait for the
// port on stdout, then talk gRPC. Measures
//   1. start-up: spawn -> port printed -> GetAnalyzerInfo answered (goal < 1.5 s), and
//   2. Analyze of 1,000 distinct Deployments, one call after the other as the engine sends them,
//      against podguard and against a baseline pack with as many policies that do nothing. The
//      difference is podguard's overhead per resource (goal < 1 ms); the baseline is what
//      @pulumi/policy and gRPC cost anyway (the SDK deserialises the properties once per policy).
// Needs the built package (`npm run build`). Exits 1 when a goal is missed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const packDir = join(here, '..', 'pack');
const pbPath = require.resolve('@pulumi/pulumi/proto/analyzer_pb');
const fromPulumi = createRequire(pbPath);
const pb = fromPulumi(pbPath);
const { AnalyzerClient } = fromPulumi('./analyzer_grpc_pb');
const grpc = fromPulumi('@grpc/grpc-js');
const { Struct } = fromPulumi('google-protobuf/google/protobuf/struct_pb');
const { Empty } = fromPulumi('google-protobuf/google/protobuf/empty_pb');
const runPolicyPack = join(dirname(require.resolve('@pulumi/pulumi/package.json')), 'cmd', 'run-policy-pack');

const STARTS = 5;
const RESOURCES = 1000;

function call(client, method, request) {
  return new Promise((resolve, reject) =>
    client[method](request, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

async function start(packDir) {
  const started = performance.now();
  const child = spawn(process.execPath, [runPolicyPack, '127.0.0.1:0', packDir], {
    cwd: packDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    child.on('exit', (code) => reject(new Error(`pack exited with ${code}\n${stderr}`)));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(Number(stdout.split('\n')[0]));
    });
  });
  const portMs = performance.now() - started;
  const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await call(client, 'getAnalyzerInfo', new Empty());
  const readyMs = performance.now() - started;
  return { child, client, portMs, readyMs };
}

function stop({ child, client }) {
  client.close();
  child.removeAllListeners('exit');
  child.kill();
}

function deployment(index) {
  const name = `web-${index}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          // Every other resource is compliant; the rest fail several rules (diagnostics cost too).
          ...(index % 2 === 0
            ? {
                automountServiceAccountToken: false,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: 10001,
                  runAsGroup: 10001,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              }
            : {}),
          containers: [
            {
              name: 'web',
              image: `registry.example.com/shop/web:1.${index}`,
              ports: [{ containerPort: 8080 }],
              env: [{ name: 'INDEX', value: String(index) }],
              ...(index % 2 === 0
                ? {
                    securityContext: {
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ['ALL'] },
                    },
                  }
                : {}),
            },
          ],
        },
      },
    },
  };
}

function analyzeRequest(index) {
  const request = new pb.AnalyzeRequest();
  request.setType('kubernetes:apps/v1:Deployment');
  request.setName(`web-${index}`);
  request.setUrn(`urn:pulumi:dev::bench::kubernetes:apps/v1:Deployment::web-${index}`);
  request.setProperties(Struct.fromJavaScript(deployment(index)));
  request.setOptions(new pb.AnalyzerResourceOptions());
  return request;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** A pack with `count` policies that accept everything: what the SDK and gRPC cost on their own. */
function baselinePack(count) {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-baseline-pack-'));
  writeFileSync(join(dir, 'PulumiPolicy.yaml'), 'runtime: nodejs\n');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'baseline', version: '0.0.0', main: 'index.js' }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `const { PolicyPack } = require(${JSON.stringify(require.resolve('@pulumi/policy'))});
new PolicyPack('baseline', { policies: Array.from({ length: ${count} }, (_, i) => ({
  name: 'noop-' + i, description: 'accepts everything', enforcementLevel: 'mandatory', validateResource: () => {},
})) });\n`,
  );
  return dir;
}

/** Milliseconds per Analyze call over RESOURCES distinct Deployments, after a warm-up. */
async function analyzeRun(dir) {
  const pack = await start(dir);
  await call(pack.client, 'configure', new pb.ConfigureAnalyzerRequest());
  const requests = Array.from({ length: RESOURCES }, (_, index) => analyzeRequest(index));
  // Warm-up on other resources, so the measured run does not include JIT and first-call costs.
  for (let i = 0; i < 100; i++) await call(pack.client, 'analyze', analyzeRequest(RESOURCES + i));
  let diagnostics = 0;
  const began = performance.now();
  for (const request of requests)
    diagnostics += (await call(pack.client, 'analyze', request)).getDiagnosticsList().length;
  const perResource = (performance.now() - began) / RESOURCES;
  const policies = (await call(pack.client, 'getAnalyzerInfo', new Empty())).getPoliciesList().length;
  stop(pack);
  return { perResource, diagnostics, policies };
}

const portTimes = [];
const readyTimes = [];
for (let i = 0; i < STARTS; i++) {
  const pack = await start(packDir);
  portTimes.push(pack.portMs);
  readyTimes.push(pack.readyMs);
  stop(pack);
}

const podguard = await analyzeRun(packDir);
const baselineDir = baselinePack(podguard.policies);
const baseline = await analyzeRun(baselineDir);
rmSync(baselineDir, { recursive: true, force: true });
const overhead = podguard.perResource - baseline.perResource;

console.log(
  `start-up, median of ${STARTS}: port printed ${median(portTimes).toFixed(0)} ms, GetAnalyzerInfo answered ${median(readyTimes).toFixed(0)} ms (goal < 1500 ms)`,
);
console.log(`Analyze, ${RESOURCES} Deployments one after the other (${podguard.diagnostics} diagnostics):`);
console.log(`  podguard (${podguard.policies} policies): ${podguard.perResource.toFixed(3)} ms per resource`);
console.log(
  `  baseline (${baseline.policies} no-op policies): ${baseline.perResource.toFixed(3)} ms per resource`,
);
console.log(`  podguard overhead: ${overhead.toFixed(3)} ms per resource (goal < 1 ms)`);
const ok = median(readyTimes) < 1500 && overhead < 1;
if (!ok) console.error('goal missed');
process.exit(ok ? 0 : 1);
