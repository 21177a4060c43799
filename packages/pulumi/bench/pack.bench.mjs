// Policy pack benchmark, run as the Pulumi CLI runs a pack: spawn run-policy-pack, wait for the
// port on stdout, then talk gRPC (as test/pulumi/harness.ts does). Measures, against a no-op pack
// with as many policies (what @pulumi/policy, @pulumi/pulumi and gRPC cost anyway), each in one
// run, quiet and beside a second CPU-bound process:
//   1. start-up: spawn -> port printed -> GetAnalyzerInfo answered, podguard and the no-op pack
//      started alternately; the median of per-round ratios (goal <= 1.15), and the time itself;
//   2. Analyze of 1,000 mixed resources (workloads that fail, the same hardened, Services,
//      ConfigMaps, Namespaces), one call after the other as the engine sends them, the packs
//      running side by side, in alternating batches; podguard's overhead per resource (goal
//      <= 0.5 ms). A third pack replays podguard's answers (the same diagnostics and
//      not-applicable reasons, looked up by URN): what reporting them costs the SDK and gRPC,
//      so that the overhead splits into that and podguard's own code; and podguard's policies
//      called in this process as the SDK calls them, against the same doing nothing.
// Needs the built package (`npm run build`). Exits 1 when a goal is missed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { harden } from '@podguard/policy-core';
import { median, medianRatio, quietAndLoaded, reportGoal } from '../../../scripts/benchLoad.mjs';
import { loadFailingWorkloads } from '../../policy-core/bench/fixtures/load.mjs';

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

const STARTS = Number(process.env.PACK_BENCH_STARTS ?? 5);
const RESOURCES = 1000;
const WARM_UP = 200;

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

/** Pulumi's type token of a Kubernetes object. */
function pulumiType({ apiVersion, kind }) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `kubernetes:${group}/${version}:${kind}`;
}

// The mix: each failing workload, the same after harden() (mostly passing), and objects without
// pods, which every policy still sees.
const workloads = loadFailingWorkloads();
const templates = [
  ...workloads,
  ...workloads.map((object) => harden(object, { level: 'restricted', unsafe: true }).object),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-nginx', namespace: 'shop' },
    data: { 'default.conf': 'server { listen 8080; }' },
  },
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  },
];

/** Resource `index` of the mix: a template, renamed so no two resources are the same. */
function analyzeRequest(index) {
  const template = templates[index % templates.length];
  const name = `${template.metadata.name}-${index}`;
  const object = { ...template, metadata: { ...template.metadata, name } };
  const type = pulumiType(object);
  const request = new pb.AnalyzeRequest();
  request.setType(type);
  request.setName(name);
  request.setUrn(`urn:pulumi:dev::bench::${type}::${name}`);
  request.setProperties(Struct.fromJavaScript(object));
  request.setOptions(new pb.AnalyzerResourceOptions());
  return request;
}

/**
 * A pack with `count` policies that accept everything: what the SDK and gRPC cost on their own.
 * With `schemas` (one config schema's properties per policy), each policy declares that schema,
 * so GetAnalyzerInfo carries as much as podguard's.
 */
function baselinePack(count, schemas) {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-baseline-pack-'));
  writeFileSync(join(dir, 'PulumiPolicy.yaml'), 'runtime: nodejs\n');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'baseline', version: '0.0.0', main: 'index.js' }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `const { PolicyPack } = require(${JSON.stringify(require.resolve('@pulumi/policy'))});
const schemas = ${JSON.stringify(schemas ?? null)};
new PolicyPack('baseline', { policies: Array.from({ length: ${count} }, (_, i) => ({
  name: 'noop-' + i, description: 'accepts everything', enforcementLevel: 'mandatory', validateResource: () => {},
  ...(schemas?.[i] ? { configSchema: { properties: schemas[i] } } : {}),
})) });\n`,
  );
  return dir;
}

/**
 * A pack with podguard's policy names that gives, for each resource, the answers `answers` holds
 * for its URN (`{ [urn]: { [policy]: [message, advisory] [] | notApplicableReason } }`): what the
 * SDK and gRPC cost to carry podguard's diagnostics, without podguard's code. A not-applicable
 * answer is thrown without a stack, as podguard throws it.
 */
function replayPack(names, answers) {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-replay-pack-'));
  writeFileSync(join(dir, 'PulumiPolicy.yaml'), 'runtime: nodejs\n');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'replay', version: '0.0.0', main: 'index.js' }),
  );
  writeFileSync(join(dir, 'answers.json'), JSON.stringify(answers));
  writeFileSync(
    join(dir, 'index.js'),
    `const { PolicyPack } = require(${JSON.stringify(require.resolve('@pulumi/policy'))});
const answers = require('./answers.json');
new PolicyPack('replay', { policies: ${JSON.stringify(names)}.map((name) => ({
  name, description: 'replays podguard', enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    const answer = answers[args.urn]?.[name];
    if (answer === undefined) return;
    if (typeof answer === 'string') {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try { args.notApplicable(answer); } finally { Error.stackTraceLimit = limit; }
    }
    for (const [message, advisory] of answer)
      if (advisory) reportViolation({ message, enforcementLevel: 'advisory' });
      else reportViolation(message);
  },
})) });\n`,
  );
  return dir;
}

/** podguard's answers to the requests of indexes `0 .. count - 1`, by URN, as {@link replayPack} takes them. */
async function recordAnswers(count) {
  const pack = await start(packDir);
  await call(pack.client, 'configure', new pb.ConfigureAnalyzerRequest());
  const answers = {};
  for (let index = 0; index < count; index++) {
    const request = analyzeRequest(index);
    const response = await call(pack.client, 'analyze', request);
    const byPolicy = {};
    for (const diagnostic of response.getDiagnosticsList()) {
      const advisory = diagnostic.getEnforcementlevel() === pb.EnforcementLevel.ADVISORY;
      const name = diagnostic.getPolicyname();
      byPolicy[name] = [...(byPolicy[name] ?? []), [diagnostic.getMessage(), advisory]];
    }
    for (const entry of response.getNotApplicableList()) byPolicy[entry.getPolicyName()] = entry.getReason();
    answers[request.getUrn()] = byPolicy;
  }
  stop(pack);
  return answers;
}

/**
 * podguard's resource policies called in this process as the SDK's Analyze calls them (the
 * properties deserialised and wrapped in the SDK's proxy for each policy, a config getter, a
 * `notApplicable` that throws), against the same policies with functions that do nothing, over
 * the requests of indexes `0 .. count - 1`, alternately, ROUNDS times after a warm-up: podguard's
 * own code, without gRPC, the SDK's reporting or another process. Milliseconds per resource.
 */
async function inProcessRun(count) {
  const { podguardPolicies } = require('@podguard/pulumi/pack');
  const { deserializeProperties } = require('@pulumi/policy/deserialize');
  const { unknownCheckingProxy } = require('@pulumi/policy/proxy');
  class NotApplicable extends Error {}
  const notApplicable = (reason) => {
    throw new NotApplicable(reason);
  };
  const policies = podguardPolicies().filter((policy) => policy.validateResource);
  const noop = policies.map((policy) => ({ ...policy, validateResource: () => {} }));
  const requests = Array.from({ length: count }, (_, index) => analyzeRequest(index));
  const run = async (list) => {
    const began = performance.now();
    for (const request of requests) {
      for (const policy of list) {
        const args = {
          type: request.getType(),
          props: unknownCheckingProxy(deserializeProperties(request.getProperties(), false)),
          urn: request.getUrn(),
          name: request.getName(),
          opts: {},
          getConfig: () => ({}),
          notApplicable,
        };
        try {
          await Promise.resolve(policy.validateResource(args, () => {}));
        } catch (error) {
          if (!(error instanceof NotApplicable)) throw error;
        }
      }
      // The engine's calls for one resource end in their own macrotask (the pack's reads rely on it).
      await new Promise(setImmediate);
    }
    return (performance.now() - began) / count;
  };
  for (let round = 0; round < 3; round++) {
    await run(policies);
    await run(noop);
  }
  const own = [];
  const none = [];
  for (let round = 0; round < ROUNDS; round++) {
    own.push(await run(policies));
    none.push(await run(noop));
  }
  return { podguard: median(own), noop: median(none), overhead: median(own) - median(none) };
}
const ROUNDS = 10;

const BATCH = 100;

/**
 * CPU milliseconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere).
 * Unlike wall time, it leaves out the time the pack waited for a core on a busy machine.
 */
function cpuMsOf(pid) {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return Number.NaN;
  const stat = readFileSync(file, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15,
  // in clock ticks of 1/100 s (USER_HZ).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Milliseconds per Analyze call over RESOURCES mixed resources for each pack, both running, in
 * batches of BATCH sent to one pack then the other (rotating which goes first), after a warm-up.
 */
async function analyzeRun(dirs) {
  const packs = [];
  for (const dir of dirs) {
    const pack = await start(dir);
    await call(pack.client, 'configure', new pb.ConfigureAnalyzerRequest());
    packs.push(pack);
  }
  // Warm-up on other resources, so the measured run does not include JIT and first-call costs.
  for (const pack of packs)
    for (let i = 0; i < WARM_UP; i++) await call(pack.client, 'analyze', analyzeRequest(RESOURCES + i));
  const elapsed = packs.map(() => 0);
  const cpu = packs.map(() => 0);
  const diagnostics = packs.map(() => 0);
  for (let batch = 0; batch < RESOURCES / BATCH; batch++) {
    const requests = Array.from({ length: BATCH }, (_, i) => analyzeRequest(batch * BATCH + i));
    for (let k = 0; k < packs.length; k++) {
      const index = (batch + k) % packs.length;
      const began = performance.now();
      const cpuBefore = cpuMsOf(packs[index].child.pid);
      for (const request of requests)
        diagnostics[index] += (
          await call(packs[index].client, 'analyze', request)
        ).getDiagnosticsList().length;
      elapsed[index] += performance.now() - began;
      cpu[index] += cpuMsOf(packs[index].child.pid) - cpuBefore;
    }
  }
  for (const pack of packs) stop(pack);
  return packs.map((_, index) => ({
    perResource: elapsed[index] / RESOURCES,
    cpuPerResource: cpu[index] / RESOURCES,
    diagnostics: diagnostics[index],
  }));
}

/**
 * Start-up of the packs, one after the other in rotating order, STARTS rounds: per pack the median
 * time and the median of the part after the port is printed (GetAnalyzerInfo), and the medians
 * of per-round ratios of the first pack to each other.
 */
async function startRun(dirs) {
  const times = dirs.map(() => []);
  const infoTimes = dirs.map(() => []);
  for (let round = 0; round < STARTS; round++) {
    for (let k = 0; k < dirs.length; k++) {
      const index = (round + k) % dirs.length;
      const pack = await start(dirs[index]);
      times[index].push(pack.readyMs);
      infoTimes[index].push(pack.readyMs - pack.portMs);
      stop(pack);
    }
  }
  return {
    ready: times.map(median),
    info: infoTimes.map(median),
    ratios: times.map((own) => medianRatio(times[0], own)),
  };
}

const probe = await start(packDir);
const info = await call(probe.client, 'getAnalyzerInfo', new Empty());
stop(probe);
const policies = info.getPoliciesList().length;
const schemas = info
  .getPoliciesList()
  .map((policy) => policy.getConfigschema()?.getProperties()?.toJavaScript());
const baselineDir = baselinePack(policies);
const schemaBaselineDir = baselinePack(policies, schemas);
const replayDir = replayPack(
  info.getPoliciesList().map((policy) => policy.getName()),
  await recordAnswers(RESOURCES + WARM_UP),
);
const figures = await quietAndLoaded(async () => {
  const startup = await startRun([packDir, baselineDir, schemaBaselineDir]);
  const [podguard, baseline, replay] = await analyzeRun([packDir, baselineDir, replayDir]);
  return {
    startup,
    podguard,
    baseline,
    replay,
    inProcess: await inProcessRun(RESOURCES),
    overhead: podguard.perResource - baseline.perResource,
  };
});
for (const dir of [baselineDir, schemaBaselineDir, replayDir]) rmSync(dir, { recursive: true, force: true });

const infoBytes = info.serializeBinary().length;
for (const load of ['quiet', 'loaded']) {
  const { startup, podguard, baseline, replay, inProcess } = figures[load];
  const [own, noop, schemaNoop] = startup.ready;
  const [ownInfo, noopInfo, schemaNoopInfo] = startup.info;
  console.log(
    `${load}: start-up (spawn to GetAnalyzerInfo answered), median of ${STARTS}: podguard ${own.toFixed(0)} ms, no-op pack of ${policies} policies ${noop.toFixed(0)} ms, the same with podguard's config schemas ${schemaNoop.toFixed(0)} ms`,
  );
  console.log(
    `${load}:   of which port printed -> GetAnalyzerInfo answered (${infoBytes} bytes for podguard): ${ownInfo.toFixed(0)} ms, ${noopInfo.toFixed(0)} ms, ${schemaNoopInfo.toFixed(0)} ms`,
  );
  console.log(
    `${load}: Analyze of ${RESOURCES} mixed resources: podguard ${podguard.perResource.toFixed(3)} ms per resource (${podguard.diagnostics} diagnostics), no-op pack ${baseline.perResource.toFixed(3)} ms; the packs' own CPU time: ${podguard.cpuPerResource.toFixed(3)} ms and ${baseline.cpuPerResource.toFixed(3)} ms per resource, podguard's overhead ${(podguard.cpuPerResource - baseline.cpuPerResource).toFixed(3)} ms`,
  );
  console.log(
    `${load}:   of which the SDK and gRPC carrying its answers (a pack replaying the same ${replay.diagnostics} diagnostics): ${(replay.perResource - baseline.perResource).toFixed(3)} ms per resource (CPU ${(replay.cpuPerResource - baseline.cpuPerResource).toFixed(3)} ms); podguard's own code: ${(podguard.perResource - replay.perResource).toFixed(3)} ms (CPU ${(podguard.cpuPerResource - replay.cpuPerResource).toFixed(3)} ms)`,
  );
  console.log(
    `${load}:   podguard's policies called in process as the SDK calls them, median of ${ROUNDS} rounds over the same resources: ${inProcess.podguard.toFixed(3)} ms per resource, the same policies doing nothing ${inProcess.noop.toFixed(3)} ms: podguard's own code ${inProcess.overhead.toFixed(3)} ms`,
  );
}
const ratioMet = reportGoal(
  'start-up, podguard / no-op pack (median of per-round ratios)',
  { quiet: figures.quiet.startup.ratios[1], loaded: figures.loaded.startup.ratios[1] },
  1.15,
);
reportGoal(
  "start-up, podguard / no-op pack with podguard's config schemas (podguard's own code; no goal of its own)",
  { quiet: figures.quiet.startup.ratios[2], loaded: figures.loaded.startup.ratios[2] },
  1.15,
);
const overheadMet = reportGoal(
  'Analyze overhead per resource over the no-op pack',
  { quiet: figures.quiet.overhead, loaded: figures.loaded.overhead },
  0.5,
  ' ms',
);
const ok = ratioMet && overheadMet;
if (!ok) console.error('goal missed');
process.exit(ok ? 0 : 1);
