/**
 * A scan worker thread (`--jobs N`): scans its block of files with a session of its own, as
 * parallelScan.ts drives it. It learns its block, hands over its facts, answers for the levels of
 * its pods, adopts the facts of the whole input, then scans its files one by one and hands over
 * each file's result, and last the suppressions it used.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { createEvaluation, streamedFormats, type WholeFacts } from '@podguard/policy-core';
import { OriginLocator } from './origins.js';
import {
  type FileResult,
  type FromWorker,
  type ToWorker,
  tallyFindings,
  type WorkerInit,
} from './parallelScan.js';
import { emptySummary, type FileScan, FirstPass, scanFile } from './scan.js';

if (!parentPort) throw new Error('scanWorker.ts runs as a worker thread of a scan');
const port = parentPort;
const send = (message: FromWorker) => port.postMessage(message);

async function serve(init: WorkerInit): Promise<void> {
  const session = createEvaluation(init.options);
  const patches = new Map(init.patches);
  const first = new FirstPass(patches, session, undefined);
  first.learn(init.files);
  send({ type: 'facts', facts: session.shareFacts() });
  const whole = await new Promise<WholeFacts>((resolve) => {
    port.on('message', (message: ToWorker) => {
      if (message.type === 'levels') {
        first.learnPods();
        send({ type: 'levels', levels: session.namespaceLevels(message.namespaces) });
      } else resolve(message.facts);
    });
  });
  session.adoptFacts(whole);
  const origins = new OriginLocator(init.cwd);
  const render = init.render === undefined ? undefined : streamedFormats[init.render].separable;
  for (const [index, file] of init.files.entries()) {
    const at: FileScan = {
      request: { stdin: Readable.from([]), jibBuild: init.jibBuild, keepDocuments: false },
      session,
      planner: undefined,
      patches,
      origins,
      prepared: first.prepared,
      itemObjects: init.itemObjects,
      findings: [],
      objects: [],
      errors: [],
      summary: emptySummary(),
      scanned: [],
      flush: async () => {},
      progress: () => {},
      stdinBytes: 0,
    };
    await scanFile(file, at);
    const { documents, objects, pods } = at.summary;
    const counts = { documents, objects, pods };
    const position = init.positions[index] as number;
    if (render) {
      const text = at.findings.map((finding) => render.text(finding)).join(render.between);
      const rendered = { text: '', count: at.findings.length, tally: tallyFindings(at.findings, session) };
      send({ type: 'file', result: JSON.stringify({ position, errors: at.errors, counts, rendered }), text });
    } else {
      const result: FileResult = {
        position,
        errors: at.errors,
        counts,
        findings: at.findings,
        objects: at.objects,
      };
      send({ type: 'file', result: JSON.stringify(result) });
    }
  }
  send({ type: 'done', usedSuppressions: session.usedSuppressions() });
  port.close();
}

serve(workerData as WorkerInit).catch((error: unknown) => {
  send({
    type: 'failed',
    message: `a scan worker failed: ${error instanceof Error ? error.message : String(error)}`,
  });
});
