import { describe, expect, it } from 'vitest';
import { createEvaluation } from '../engine/evaluate.js';
import type { ProfileName } from '../model/options.js';

const GRADLE = `plugins {
    id 'java'
    id 'com.google.cloud.tools.jib' version '3.4.4'
}
`;

describe('jibUser through the evaluation session', () => {
  it('reports with line and column, a safe text-edit fix, the rule level and a message id', () => {
    const session = createEvaluation();
    const result = session.evaluateJib({ text: GRADLE, format: 'gradle', name: 'orders/build.gradle' });
    expect(result.objects).toEqual([
      {
        objectIndex: 0,
        resource: { apiVersion: '', kind: 'Jib', name: 'orders/build.gradle' },
        kind: 'jib',
        path: '',
        rules: ['jibUser'],
      },
    ]);
    expect(result.findings).toMatchObject([
      {
        rule: 'jibUser',
        status: 'fail',
        level: 'hardened',
        severity: 'error',
        messageId: 'noUser',
        reason: 'no container user',
        locations: [{ path: '', line: 3, column: 8 }],
        fix: {
          kind: 'safe',
          patch: [],
          edits: [
            {
              start: { line: 5, column: 1 },
              end: { line: 5, column: 1 },
              text: "jib.container.user = '1000:1000'\n",
            },
          ],
        },
      },
    ]);
    expect(result.allowed).toBe(false);
  });

  it('passes -D properties and profiles through to the analysis', () => {
    const pom = `<project><build><plugins><plugin><artifactId>jib-maven-plugin</artifactId>
<configuration><container><user>\${app.user}</user></container></configuration>
</plugin></plugins></build></project>`;
    const session = createEvaluation();
    expect(
      session.evaluateJib({ text: pom, format: 'maven' }).findings.map((f) => [f.messageId, f.severity]),
    ).toEqual([['unknownUser', 'warning']]);
    expect(
      session.evaluateJib({ text: pom, format: 'maven', properties: { 'app.user': '10001' } }).findings,
    ).toEqual([]);
  });

  it('applies option suppressions (matched by kind and name) and counts them as used', () => {
    const session = createEvaluation({
      suppressions: [
        {
          rule: 'jibUser',
          reason: 'the base image is built in house as uid 10001',
          match: { kind: 'Jib', name: 'orders/*' },
        },
      ],
    });
    expect(
      session
        .evaluateJib({ text: GRADLE, format: 'gradle', name: 'orders/build.gradle' })
        .findings.map((f) => f.status),
    ).toEqual(['suppressed']);
    expect(
      session
        .evaluateJib({ text: GRADLE, format: 'gradle', name: 'billing/build.gradle' })
        .findings.map((f) => f.status),
    ).toEqual(['fail']);
    expect(session.finish()).toEqual([]);
  });

  it('follows rule settings and profiles: hardened and openshift run it, the PSA profiles and hardened:v1 do not', () => {
    const warn = createEvaluation({ rules: { jibUser: { severity: 'warning' } } });
    expect(warn.evaluateJib({ text: GRADLE, format: 'gradle' }).findings[0]?.severity).toBe('warning');
    const off = createEvaluation({ rules: { jibUser: { enabled: false } } });
    expect(off.evaluateJib({ text: GRADLE, format: 'gradle' }).findings).toEqual([]);
    const ran = (profile: ProfileName) =>
      createEvaluation({ profile }).evaluateJib({ text: GRADLE, format: 'gradle' }).findings.length;
    expect(
      (['hardened', 'openshift', 'restricted', 'hardened:v1', 'openshift:v1'] as const).map(ran),
    ).toEqual([1, 1, 0, 0, 0]);
  });

  it('reports an unknown format as an input error, not a verdict', () => {
    const result = createEvaluation().evaluateJib({
      text: GRADLE,
      format: 'ant' as never,
      name: 'build.xml',
    });
    expect(result.findings.map((f) => [f.rule, f.status])).toEqual([['invalidInput', 'error']]);
    expect(result.findings[0]?.message).toContain(
      'Jib build file format must be maven, gradle, gradle-kotlin',
    );
  });

  it('reads nonRootBases and imageUsers from the evaluation options', () => {
    const text = `${GRADLE}jib.from.image = 'registry.example/java:21'\n`;
    expect(
      createEvaluation({ nonRootBases: ['registry.example/java:*'] }).evaluateJib({ text, format: 'gradle' })
        .findings,
    ).toEqual([]);
    expect(
      createEvaluation({ imageUsers: { 'registry.example/java:21': '10001' } }).evaluateJib({
        text,
        format: 'gradle',
      }).findings,
    ).toEqual([]);
  });
});
