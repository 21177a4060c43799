import { describe, expect, it } from 'vitest';
import { createEvaluation } from '../engine/evaluate.js';
import { builtinRuleDescriptors } from '../engine/ruleDescriptors.js';

describe('dockerfileUser through the evaluation session', () => {
  it('reports with line and column, a text-edit fix, the rule level and a message id', () => {
    const session = createEvaluation();
    const result = session.evaluateDockerfile({ text: 'FROM node:22\nUSER node\n', name: 'web/Dockerfile' });
    expect(result.objects).toEqual([
      {
        objectIndex: 0,
        resource: { apiVersion: '', kind: 'Dockerfile', name: 'web/Dockerfile' },
        kind: 'dockerfile',
        path: '',
        rules: ['dockerfileUser'],
      },
    ]);
    expect(result.findings).toMatchObject([
      {
        rule: 'dockerfileUser',
        status: 'fail',
        level: 'hardened',
        severity: 'error',
        messageId: 'namedUser',
        reason: 'USER is a name',
        message:
          'USER node is a name: the kubelet cannot verify a named user is non-root, so runAsNonRoot pods will not start',
        locations: [{ path: '', line: 2, column: 1 }],
        fix: {
          patch: [],
          edits: [{ start: { line: 2, column: 1 }, end: { line: 2, column: 10 }, text: 'USER 1000:1000' }],
        },
      },
    ]);
    expect(result.allowed).toBe(false);
  });

  it('makes adding a missing USER a safe fix and replacing what the author wrote an unsafe one', () => {
    const fixes = (text: string) =>
      createEvaluation()
        .evaluateDockerfile({ text })
        .findings.map((f) => [f.messageId, f.fix]);
    expect(fixes('FROM alpine\n')).toEqual([
      [
        'noUser',
        {
          kind: 'safe',
          description:
            'Add `USER 1000:1000` at the end of the final stage (create the user with a fixed UID first).',
          patch: [],
          edits: [{ start: { line: 1, column: 12 }, end: { line: 1, column: 12 }, text: '\nUSER 1000:1000' }],
        },
      ],
    ]);
    expect(fixes('FROM alpine\nUSER node\n')).toEqual([
      [
        'namedUser',
        {
          kind: 'unsafe',
          description: 'Replace the name with its UID. Use a numeric UID, e.g. `USER 1000:1000`.',
          patch: [],
          edits: [{ start: { line: 2, column: 1 }, end: { line: 2, column: 10 }, text: 'USER 1000:1000' }],
        },
      ],
    ]);
    expect(fixes('FROM alpine\nRUN useradd app\nUSER 1000\n')).toEqual([
      [
        'useraddWithoutUid',
        {
          kind: 'unsafe',
          description:
            'Give the user a fixed UID, e.g. `useradd --uid 1000 app`, and use it in USER and runAsUser.',
          patch: [],
          edits: [{ start: { line: 2, column: 12 }, end: { line: 2, column: 12 }, text: ' --uid 1000' }],
        },
      ],
    ]);
  });

  it('applies option suppressions (matched by kind and name) and counts them as used', () => {
    const session = createEvaluation({
      suppressions: [
        {
          rule: 'dockerfileUser',
          reason: 'the entrypoint drops to uid 1000',
          match: { kind: 'Dockerfile', name: 'web/*' },
        },
      ],
    });
    const web = session.evaluateDockerfile({ text: 'FROM alpine\n', name: 'web/Dockerfile' });
    expect(web.findings.map((f) => f.status)).toEqual(['suppressed']);
    const api = session.evaluateDockerfile({ text: 'FROM alpine\n', name: 'api/Dockerfile' }, 1);
    expect(api.findings.map((f) => f.status)).toEqual(['fail']);
    expect(session.finish()).toEqual([]);
  });

  it('follows rule settings: severity and enabled', () => {
    const warn = createEvaluation({ rules: { dockerfileUser: { severity: 'warning' } } });
    expect(warn.evaluateDockerfile({ text: 'FROM alpine\n' }).findings[0]?.severity).toBe('warning');
    const off = createEvaluation({ rules: { dockerfileUser: { enabled: false } } });
    expect(off.evaluateDockerfile({ text: 'FROM alpine\n' }).findings).toEqual([]);
  });

  it('gives invalidInput naming the line for a malformed Dockerfile', () => {
    const result = createEvaluation().evaluateDockerfile({ text: 'RUN make\nFROM alpine\n' });
    expect(result.findings).toMatchObject([
      {
        rule: 'invalidInput',
        status: 'error',
        message: 'Dockerfile line 1: RUN before the first FROM (only ARG may come first)',
        locations: [{ path: '', line: 1, column: 1 }],
      },
    ]);
  });

  it('uses build arguments: a base image from an ARG without a value is unknown until they are given', () => {
    const session = createEvaluation();
    const text = 'ARG BASE_IMAGE\nFROM $BASE_IMAGE\n';
    expect(session.evaluateDockerfile({ text }).findings).toMatchObject([
      { messageId: 'unknownBase', severity: 'warning', reason: 'base image unknown' },
    ]);
    expect(
      session
        .evaluateDockerfile({ text, buildArgs: { BASE_IMAGE: 'alpine' } })
        .findings.map((f) => f.messageId),
    ).toEqual(['noUser']);
  });

  it('is described once, from the registry', () => {
    expect(builtinRuleDescriptors().filter((rule) => rule.id === 'dockerfileUser')).toHaveLength(1);
  });
});
