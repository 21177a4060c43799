// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Dockerfile text, where ${VAR} is Dockerfile syntax.
import { describe, expect, it } from 'vitest';
import type { TextEdit } from '../model/types.js';
import { analyzeGroupZero } from './analyzeGroupZero.js';

function applyEdit(text: string, edit: TextEdit): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; column: number }) =>
    lines.slice(0, position.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + position.column - 1;
  return text.slice(0, offset(edit.start)) + edit.text + text.slice(offset(edit.end));
}

const summary = (text: string, target?: string) =>
  analyzeGroupZero(text, target === undefined ? {} : { target }).map(
    (f) => `${f.messageId} ${f.line}:${f.column} ${f.message}`,
  );

const MAVEN_BUILD = `FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package -DskipTests
`;

interface Case {
  name: string;
  text: string;
  target?: string;
  expected: string[];
  /** The text after the first finding's fix; it must then pass. */
  fixed?: string;
}

const cases: Case[] = [
  {
    name: 'a copy after USER without --chown',
    text: `${MAVEN_BUILD}
FROM registry.access.redhat.com/ubi9/openjdk-21-runtime
USER 185
COPY --from=build /src/target/orders.jar /deployments/orders.jar
`,
    expected: [
      'copyNotGroupZero 10:1 COPY to /deployments/orders.jar after USER 185 does not make the files group-0 accessible (no --chown, no later chgrp 0 or chmod g=u): OpenShift runs the image as an arbitrary UID in group 0',
    ],
    fixed: `${MAVEN_BUILD}
FROM registry.access.redhat.com/ubi9/openjdk-21-runtime
USER 185
COPY --chown=185:0 --from=build /src/target/orders.jar /deployments/orders.jar
`,
  },
  {
    name: 'a --chown without group 0, in a workdir',
    text: `FROM node:22-slim
WORKDIR /app
USER 1001
COPY --chown=1001 package.json server.js ./
CMD ["node", "server.js"]
`,
    expected: [
      'copyNotGroupZero 4:1 COPY to /app after USER 1001 does not make the files group-0 accessible (--chown=1001, no later chgrp 0 or chmod g=u): OpenShift runs the image as an arbitrary UID in group 0',
    ],
    fixed: `FROM node:22-slim
WORKDIR /app
USER 1001
COPY --chown=1001:0 package.json server.js ./
CMD ["node", "server.js"]
`,
  },
  {
    name: 'USER with a group other than 0',
    text: `FROM python:3.12-slim
COPY --chown=10001:0 app /app
USER 10001:10001
`,
    expected: [
      'userGroupNotZero 3:1 USER 10001:10001 names group 10001, not 0: OpenShift runs the image as an arbitrary UID in group 0, so files meant for group 10001 are out of its reach',
    ],
    fixed: `FROM python:3.12-slim
COPY --chown=10001:0 app /app
USER 10001:0
`,
  },
  {
    name: 'a later chgrp 0 and chmod g=u cover the copy',
    text: `FROM eclipse-temurin:21-jre
USER 1001
COPY target/app.jar /opt/app/app.jar
USER root
RUN chgrp -R 0 /opt/app && chmod -R g=u /opt/app
USER 1001
`,
    // The last USER switch is at line 6: nothing is copied after it.
    expected: [],
  },
  {
    name: 'a chmod g=u after the copy, in the same chain',
    text: `FROM ubi9/ubi-minimal AS base
USER 1001
COPY config/ /etc/app/

FROM base
RUN chmod -R g=u /etc/app
`,
    expected: [],
  },
  {
    name: 'a chgrp before the copy does not cover it',
    text: `FROM ubi9/ubi-minimal
USER 1001
RUN chgrp -R 0 /etc/app
COPY config/ /etc/app/
`,
    expected: [
      'copyNotGroupZero 4:1 COPY to /etc/app after USER 1001 does not make the files group-0 accessible (no --chown, no later chgrp 0 or chmod g=u): OpenShift runs the image as an arbitrary UID in group 0',
    ],
  },
  {
    name: 'copies in a builder stage are not in the target chain',
    text: `FROM golang:1.23 AS build
USER 1001
COPY . /src

FROM gcr.io/distroless/static:nonroot
COPY --from=build --chown=65532:0 /src/app /app
USER 65532:0
`,
    expected: [],
  },
  {
    name: 'the build target is judged, not the last stage',
    text: `FROM alpine:3.20 AS debug
USER 1001:1001

FROM alpine:3.20
USER 1001:0
`,
    target: 'debug',
    expected: [
      'userGroupNotZero 2:1 USER 1001:1001 names group 1001, not 0: OpenShift runs the image as an arbitrary UID in group 0, so files meant for group 1001 are out of its reach',
    ],
  },
  {
    name: 'no USER: nothing to judge here (dockerfileUser reports it)',
    text: 'FROM alpine:3.20\nCOPY app /app\n',
    expected: [],
  },
  {
    name: 'a USER from a build argument: its group is unknown',
    text: 'FROM alpine:3.20\nARG UID\nUSER ${UID}:${GID}\n',
    expected: [],
  },
  {
    name: 'ADD in the JSON form with --chown=…:root is group 0',
    text: 'FROM alpine:3.20\nUSER 1001\nADD --chown=1001:root ["app.tar.gz", "/opt/"]\n',
    expected: [],
  },
];

describe('analyzeGroupZero', () => {
  it.each(cases)('$name', ({ text, target, expected, fixed }) => {
    expect(summary(text, target)).toEqual(expected);
    if (fixed === undefined) return;
    const [first] = analyzeGroupZero(text, target === undefined ? {} : { target });
    const after = applyEdit(text, first?.fix?.edit as TextEdit);
    expect(after).toBe(fixed);
    expect(analyzeGroupZero(after, target === undefined ? {} : { target })).toEqual([]);
  });

  it.each([
    ['chmod -R g=u /app', true],
    ['chmod -R ug+rwX /app', true],
    ['chmod 775 /app', true],
    ['chmod -R g+r /app', false],
    ['chmod 755 /app', false],
    ['chgrp -R root /app', true],
    ['chown -R 1001:0 /app', true],
    ['chown -R 1001:1001 /app', false],
  ])('a later RUN %s covers the copy: %s', (run, covered) => {
    const text = `FROM alpine:3.20\nUSER 1001\nCOPY app /app/bin\nRUN ${run}\n`;
    expect(analyzeGroupZero(text).length).toBe(covered ? 0 : 1);
  });

  it('adding --chown is safe; changing a group the author wrote is unsafe', () => {
    expect(analyzeGroupZero('FROM a\nUSER 1001\nCOPY x /x\n')[0]?.fix?.kind).toBe('safe');
    expect(analyzeGroupZero('FROM a\nUSER 1001\nCOPY --chown=1001:1001 x /x\n')[0]?.fix?.kind).toBe('unsafe');
    expect(analyzeGroupZero('FROM a\nUSER 1001:1001\n')[0]?.fix?.kind).toBe('unsafe');
  });

  it('names the line of a malformed Dockerfile and an unknown target', () => {
    expect(() => analyzeGroupZero('USER 1001\n')).toThrow(/line 1/);
    expect(() => analyzeGroupZero('FROM a\n', { target: 'nope' })).toThrow(/no stage named "nope"/);
  });
});
