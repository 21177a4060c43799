// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Dockerfile text, where ${VAR} is Dockerfile syntax.
import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import {
  analyzeDockerfile,
  type DockerfileOptions,
  dockerfileMessages,
  dockerfileUser,
} from './analyzeDockerfile.js';

/** [messageId, line, column] of each finding. */
function summary(text: string, options?: DockerfileOptions): [string, number, number][] {
  return analyzeDockerfile(text, options).map((f) => [f.messageId, f.line, f.column]);
}

const lines = (...rows: string[]) => rows.join('\n');

describe('analyzeDockerfile: the final USER', () => {
  it.each<[string, string, [string, number, number][]]>([
    ['no USER: forgotten root, at the final FROM', lines('FROM node:20', 'RUN npm ci'), [['noUser', 1, 1]]],
    ['USER 1000', lines('FROM node:20', 'USER 1000'), []],
    ['USER 1000:1000', lines('FROM node:20', 'USER 1000:1000'), []],
    ['USER 1000:0 (OpenShift style)', lines('FROM node:20', 'USER 1000:0'), []],
    ['USER root', lines('FROM node:20', 'USER root'), [['rootUser', 2, 1]]],
    ['USER 0', lines('FROM node:20', '  USER 0'), [['rootUser', 2, 3]]],
    ['USER 0:0', lines('FROM node:20', 'USER 0:0'), [['rootUser', 2, 1]]],
    ['USER :1000 (no user part)', lines('FROM node:20', 'USER :1000'), [['rootUser', 2, 1]]],
    ['USER node', lines('FROM node:20', 'USER node'), [['namedUser', 2, 1]]],
    ['USER app:grp', lines('FROM node:20', 'USER app:grp'), [['namedUser', 2, 1]]],
    ['USER 999', lines('FROM node:20', 'USER 999'), [['uidBelowMinimum', 2, 1]]],
    ['USER 65534', lines('FROM node:20', 'USER 65534'), [['deniedUid', 2, 1]]],
    ['USER 65535:65535', lines('FROM node:20', 'USER 65535:65535'), [['deniedUid', 2, 1]]],
    ['USER 4294967295', lines('FROM node:20', 'USER 4294967295'), [['invalidUid', 2, 1]]],
    ['the last USER wins', lines('FROM node:20', 'USER 1000', 'RUN x', 'USER root'), [['rootUser', 4, 1]]],
    ['lower-case instructions', lines('from node:20', 'user root'), [['rootUser', 2, 1]]],
    ['FROM scratch without USER', lines('FROM scratch', 'COPY app /app'), [['noUser', 1, 1]]],
  ])('%s', (_, text, expected) => {
    expect(summary(text)).toEqual(expected);
  });

  it('gives the exact message, severity, controls and the suggested line', () => {
    expect(analyzeDockerfile(lines('FROM node:20', 'USER node'))).toEqual([
      {
        rule: 'dockerfileUser',
        status: 'fail',
        severity: 'error',
        messageId: 'namedUser',
        message:
          'USER node is a name: the kubelet cannot verify a named user is non-root, so runAsNonRoot pods will not start',
        controls: expect.arrayContaining(['CIS 5.2.7', 'CIS Docker 4.1', 'ISO 27001:2013 A.9.4.4']),
        line: 2,
        column: 1,
        fix: {
          description: 'Replace the name with its UID. Use a numeric UID, e.g. `USER 1000:1000`.',
          line: 'USER 1000:1000',
        },
      },
    ]);
    expect(analyzeDockerfile('FROM alpine:3')[0]).toMatchObject({
      message: 'the final stage (FROM alpine:3) sets no USER, so the container runs as root',
      fix: { line: 'USER 1000:1000' },
    });
  });
});

describe('analyzeDockerfile: multi-stage builds', () => {
  it('only the final stage counts', () => {
    expect(
      summary(
        lines('FROM golang:1.22 AS build', 'RUN go build', 'FROM gcr.io/distroless/static', 'USER 65532'),
      ),
    ).toEqual([]);
    expect(summary(lines('FROM golang AS build', 'USER 1000', 'FROM alpine'))).toEqual([['noUser', 3, 1]]);
  });

  it('a stage built on an earlier stage inherits its USER', () => {
    expect(
      summary(lines('FROM node:20 AS base', 'USER 1000', 'FROM base AS app', 'RUN x', 'FROM app')),
    ).toEqual([]);
    expect(summary(lines('FROM node:20 AS Base', 'USER node', 'FROM base'))).toEqual([['namedUser', 2, 1]]);
    expect(summary(lines('FROM node:20 as base', 'FROM base'))).toEqual([['noUser', 2, 1]]);
  });

  it('a configured non-root base needs no USER', () => {
    const text = 'FROM gcr.io/distroless/static:nonroot\nCOPY app /app';
    expect(summary(text, { nonRootBases: ['gcr.io/distroless/static:nonroot'] })).toEqual([]);
    expect(summary(text, { nonRootBases: ['gcr.io/distroless/static:*'] })).toEqual([]);
    expect(
      summary(lines('FROM gcr.io/distroless/static:nonroot AS b', 'FROM b'), {
        nonRootBases: ['gcr.io/distroless/static:nonroot'],
      }),
    ).toEqual([]);
    expect(summary(text, { nonRootBases: ['gcr.io/distroless/base:nonroot'] })).toEqual([['noUser', 1, 1]]);
  });

  it('a base image with a known USER is checked like a USER line', () => {
    expect(summary('FROM node:20', { imageUsers: { 'node:20': 'node' } })).toEqual([['namedUser', 1, 1]]);
    expect(summary('FROM app-base:1', { imageUsers: { 'app-base:1': '1000' } })).toEqual([]);
    expect(summary('FROM nginx', { imageUsers: { nginx: '' } })).toEqual([['noUser', 1, 1]]);
  });

  it('checks a chosen target stage', () => {
    const text = lines('FROM alpine AS debug', 'FROM alpine AS prod', 'USER 1000');
    expect(summary(text)).toEqual([]);
    expect(summary(text, { target: 'debug' })).toEqual([['noUser', 1, 1]]);
    expect(() => analyzeDockerfile(text, { target: 'nope' })).toThrow(/no stage named "nope"/);
  });
});

describe('analyzeDockerfile: ARG and ENV substitution', () => {
  it.each<[string, string, [string, number, number][], DockerfileOptions?]>([
    ['$VAR from ARG', lines('FROM alpine', 'ARG UID=0', 'USER $UID'), [['rootUser', 3, 1]]],
    ['${VAR} from ENV', lines('FROM alpine', 'ENV APP_UID=1000', 'USER ${APP_UID}'), []],
    [
      'legacy ENV form',
      lines('FROM alpine', 'ENV APP_UID 999', 'USER ${APP_UID}'),
      [['uidBelowMinimum', 3, 1]],
    ],
    ['${VAR:-default} unset', lines('FROM alpine', 'USER ${UID:-root}'), [['rootUser', 2, 1]]],
    ['${VAR:-default} set', lines('FROM alpine', 'ARG UID=1000', 'USER ${UID:-root}'), []],
    [
      'build args override defaults',
      lines('FROM alpine', 'ARG UID=1000', 'USER $UID'),
      [['rootUser', 3, 1]],
      { buildArgs: { UID: '0' } },
    ],
    ['ARG without default is unknown until build', lines('FROM alpine', 'ARG UID', 'USER $UID'), []],
    [
      'a global ARG must be redeclared in the stage',
      lines('ARG UID=1000', 'FROM alpine', 'USER ${UID:-root}'),
      [['rootUser', 3, 1]],
    ],
    [
      'a redeclared global ARG keeps its value',
      lines('ARG UID=1000', 'FROM alpine', 'ARG UID', 'USER $UID:$UID'),
      [],
    ],
    ['global ARG in FROM', lines('ARG BASE=alpine', 'FROM ${BASE}'), [['noUser', 2, 1]]],
    [
      'ENV is inherited by a derived stage',
      lines('FROM alpine AS a', 'ENV U=node', 'FROM a', 'USER $U'),
      [['namedUser', 4, 1]],
    ],
    ['ENV with quotes and several pairs', lines('FROM alpine', 'ENV A=1 U="1000"', 'USER $U'), []],
    ['escaped dollar is literal', lines('FROM alpine', 'ENV U=1000', 'USER \\$U'), [['namedUser', 3, 1]]],
  ])('%s', (_, text, expected, options) => {
    expect(summary(text, options)).toEqual(expected);
  });

  it('reports the effective user after substitution', () => {
    expect(dockerfileUser(lines('FROM alpine', 'ARG UID=1001', 'USER ${UID}:0'))).toEqual({
      user: '1001:0',
      unresolved: false,
      line: 3,
      column: 1,
    });
    expect(dockerfileUser('FROM alpine')).toBeUndefined();
    expect(dockerfileUser(lines('FROM alpine', 'ARG U', 'USER $U'))?.unresolved).toBe(true);
  });
});

describe('analyzeDockerfile: syntax', () => {
  it('joins continuation lines and skips comments inside them', () => {
    const text = lines(
      'FROM alpine',
      'RUN apk add x \\',
      '# a comment',
      '',
      '    && echo ok',
      'USER \\',
      '  root',
    );
    expect(summary(text)).toEqual([['rootUser', 6, 1]]);
  });

  it('honours the escape directive', () => {
    const text = lines(
      '# escape=`',
      'FROM mcr.microsoft.com/windows/servercore',
      'RUN echo a `',
      '  b',
      'USER 1000',
    );
    expect(summary(text)).toEqual([]);
    expect(() => analyzeDockerfile(lines('# escape=x', 'FROM a'))).toThrow(
      /line 1: invalid escape character/,
    );
  });

  it('tolerates heredocs and checks the commands inside them', () => {
    const text = lines(
      'FROM alpine',
      'RUN <<EOF',
      'set -e',
      'useradd app',
      'EOF',
      'COPY <<-"CONF" /etc/app',
      '\tUSER root',
      '\tCONF',
      'USER 1000',
    );
    expect(summary(text)).toEqual([['useraddWithoutUid', 4, 1]]);
    expect(() => analyzeDockerfile(lines('FROM alpine', 'RUN <<EOF', 'echo'))).toThrow(
      /line 2: heredoc <<EOF is not terminated/,
    );
  });

  it('rejects malformed Dockerfiles with the line', () => {
    expect(() => analyzeDockerfile('RUN x')).toThrow(PodguardInputError);
    expect(() => analyzeDockerfile('# hello\nRUN x')).toThrow(/line 2: RUN before the first FROM/);
    expect(() => analyzeDockerfile('')).toThrow(/no FROM instruction/);
    expect(() => analyzeDockerfile('FROM')).toThrow(/line 1: FROM needs an image/);
    expect(() => analyzeDockerfile('FROM a', { uidRange: { min: -1 } })).toThrow(/uidRange.min/);
    expect(() => analyzeDockerfile('FROM a', { nope: 1 } as DockerfileOptions)).toThrow(
      /nope: unknown option/,
    );
  });
});

describe('analyzeDockerfile: useradd/adduser', () => {
  it.each<[string, boolean]>([
    ['RUN useradd app', true],
    ['RUN useradd -r -s /bin/false app', true],
    ['RUN adduser -D app', true],
    ['RUN addgroup -S app && adduser -S -G app app', true],
    ['RUN useradd -u 1000 app', false],
    ['RUN useradd -u1000 app', false],
    ['RUN useradd --uid 1000 app', false],
    ['RUN useradd --uid=1000 app', false],
    ['RUN adduser -D -u 1000 app', false],
    ['RUN adduser -Du 1000 app', false],
    ['RUN adduser --disabled-password --uid 1000 app', false],
    ['RUN echo useradd-free', false],
    ['RUN /usr/sbin/useradd app', true],
  ])('%s → %s', (run, reported) => {
    const findings = analyzeDockerfile(lines('FROM alpine', run, 'USER 1000'));
    expect(findings.map((f) => f.messageId)).toEqual(reported ? ['useraddWithoutUid'] : []);
    if (reported) expect(findings[0]?.severity).toBe('warning');
  });

  it('points at the command inside a multi-line RUN', () => {
    const text = lines(
      'FROM alpine',
      'RUN apk add shadow && \\',
      '    useradd -u 1000 a && \\',
      '    useradd b',
      'USER 1000',
    );
    expect(summary(text)).toEqual([['useraddWithoutUid', 4, 5]]);
  });

  it('ignores builder stages the final stage is not built on', () => {
    expect(summary(lines('FROM alpine AS tools', 'RUN useradd x', 'FROM alpine', 'USER 1000'))).toEqual([]);
    expect(summary(lines('FROM alpine AS base', 'RUN useradd x', 'FROM base', 'USER 1000'))).toEqual([
      ['useraddWithoutUid', 2, 5],
    ]);
  });
});

describe('docs/rules/dockerfileUser.md', () => {
  it('documents every message id with its exact template and every control', async () => {
    const { readFileSync } = await import('node:fs');
    const page = readFileSync(new URL('../../../../docs/rules/dockerfileUser.md', import.meta.url), 'utf8');
    expect(page.split('\n')[0]).toBe('# dockerfileUser');
    for (const [id, template] of Object.entries(dockerfileMessages)) {
      expect(page, id).toContain(`| \`${id}\` | \`${template}\` |`);
    }
    for (const control of analyzeDockerfile('FROM a')[0]?.controls ?? []) expect(page).toContain(control);
  });
});
