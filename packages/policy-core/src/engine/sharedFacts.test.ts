/**
 * Parts of one input evaluated by sessions side by side (the CLI's worker threads) give what one
 * session gives over all of it: the cross-object facts are shared ({@link joinFacts}) and the
 * options' suppressions used anywhere count once at the end.
 */
import { describe, expect, it } from 'vitest';
import type { EvaluateOptions } from '../model/options.js';
import type { PssLevel } from '../model/types.js';
import { createEvaluation, type EvaluationSession } from './evaluate.js';
import { joinFacts } from './facts.js';

const namespace = (name: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(labels ? { labels } : {}) },
});
const account = (ns: string, name: string, automount: boolean) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
  automountServiceAccountToken: automount,
});
const deployment = (ns: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
});
const web = { serviceAccountName: 'quiet', containers: [{ name: 'web', image: 'registry.example/web:1' }] };
// A node agent: no level but privileged admits it, fixes or not.
const agent = {
  hostNetwork: true,
  containers: [{ name: 'agent', image: 'registry.example/agent:1', securityContext: { privileged: true } }],
};

/** Three files of one input: the namespaces, the accounts, the workloads, each in its own part. */
const parts: unknown[][] = [
  [
    namespace('shop'),
    namespace('ops'),
    namespace('labelled', { 'pod-security.kubernetes.io/enforce': 'baseline' }),
  ],
  [deployment('shop', 'web', web), deployment('ops', 'agent', agent), account('shop', 'quiet', true)],
  [deployment('ops', 'web', web), account('shop', 'quiet', false)],
];

const options: EvaluateOptions = {
  profile: 'hardened',
  now: '2026-12-03T12:00:00Z',
  suppressions: [
    { rule: 'privileged', reason: 'node agent, ticket OPS-7', match: { name: 'agent' } },
    { rule: 'hostNamespaces', reason: 'never present here, ticket OPS-8', match: { name: 'nothing' } },
    { rule: 'runAsNonRoot', reason: 'web runs as root, ticket WEB-1', match: { namespace: 'shop' } },
  ],
};

/** One session over every part: learns all of them, then evaluates them in order. */
function oneSession() {
  const session = createEvaluation(options);
  for (const part of parts) session.learn(part);
  const findings = parts.flatMap((part) => session.evaluate(part).findings);
  return { findings, unused: session.finish() };
}

/** A session per part, facts joined before any verdict, suppressions used anywhere counted once. */
async function sessionPerPart() {
  const sessions: EvaluationSession[] = parts.map((part) => {
    const session = createEvaluation(options);
    session.learn(part);
    return session;
  });
  const asked: string[][] = [];
  const whole = await joinFacts(
    sessions.map((session) => structuredClone(session.shareFacts())),
    async (namespaces) => {
      asked.push(namespaces);
      return sessions.map((session) => structuredClone(session.namespaceLevels(namespaces)));
    },
  );
  for (const session of sessions) session.adoptFacts(structuredClone(whole));
  const findings = parts.flatMap(
    (part, index) => (sessions[index] as EvaluationSession).evaluate(part).findings,
  );
  const used = sessions.flatMap((session) => session.usedSuppressions());
  return { findings, unused: createEvaluation(options).finish(used), whole, asked };
}

describe('sessions side by side over the parts of one input', () => {
  it('give the findings and unused suppressions of one session over all of it', async () => {
    const one = oneSession();
    const split = await sessionPerPart();
    expect(split.findings).toEqual(one.findings);
    expect(split.unused).toEqual(one.unused);
    // What makes the comparison mean something: facts from other parts decided verdicts.
    const added = one.findings
      .filter((f) => f.rule === 'namespaceEnforceLabel' && f.messageId === 'missingLabel')
      .map((f) => [f.resource.name, f.fix?.patch.at(-1)?.value]);
    expect(added).toEqual([
      ['shop', 'restricted'],
      ['ops', 'privileged'],
    ]);
    // The later ServiceAccount of the same name wins: `quiet` does not mount its token.
    const automount = one.findings.filter((f) => f.rule === 'automountServiceAccountToken');
    expect(automount.map((f) => `${f.resource.namespace}/${f.resource.name}`)).toEqual([
      'ops/agent',
      'ops/web',
    ]);
    expect(one.unused.map((f) => f.message)).toEqual([expect.stringContaining('hostNamespaces')]);
  });

  it('asks for the levels of the unlabelled namespaces, and joins the strictest common one', async () => {
    const { whole, asked } = await sessionPerPart();
    expect(asked).toEqual([['ops', 'shop']]);
    expect(whole.namespaceLevels).toEqual({ ops: 'privileged', shop: 'restricted' });
    expect(whole.serviceAccounts).toEqual([
      { namespace: 'shop', name: 'quiet', automountServiceAccountToken: false },
    ]);
  });

  it('does not ask for levels when no namespace of the input is unlabelled', async () => {
    let calls = 0;
    const whole = await joinFacts([{ serviceAccounts: [], unlabelledNamespaces: [] }], async () => {
      calls++;
      return [];
    });
    expect(calls).toBe(0);
    expect(whole.namespaceLevels).toEqual({});
  });

  it('gives restricted to an unlabelled namespace no part has pods in', async () => {
    const whole = await joinFacts([{ serviceAccounts: [], unlabelledNamespaces: ['empty'] }], async () => [
      {},
    ]);
    expect(whole.namespaceLevels).toEqual({ empty: 'restricted' });
  });

  it('takes the least strict level any part reports, whatever the order of the answers', async () => {
    const levels: Record<string, PssLevel>[] = [
      { a: 'restricted' },
      { a: 'privileged', b: 'baseline' },
      { a: 'baseline' },
    ];
    const whole = await joinFacts(
      [{ serviceAccounts: [], unlabelledNamespaces: ['a', 'b'] }],
      async () => levels,
    );
    expect(whole.namespaceLevels).toEqual({ a: 'privileged', b: 'baseline' });
  });

  it('learns nothing once the whole is adopted', () => {
    const session = createEvaluation(options);
    session.adoptFacts({ serviceAccounts: [], namespaceLevels: {} });
    session.learn([account('shop', 'quiet', false)]);
    expect(session.shareFacts().serviceAccounts).toEqual([]);
  });

  it('keeps its own facts when it adopts none, and learns no more', () => {
    const session = createEvaluation(options);
    session.learn([account('shop', 'quiet', false)]);
    session.adoptFacts();
    session.evaluate([account('shop', 'quiet', true), account('ops', 'other', true)]);
    expect(session.shareFacts().serviceAccounts).toEqual([
      { namespace: 'shop', name: 'quiet', automountServiceAccountToken: false },
    ]);
  });
});
