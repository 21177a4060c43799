// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Gradle text, where ${name} is Groovy and Kotlin syntax.
import { describe, expect, it } from 'vitest';
import { scanGradle } from './scanGradle.js';

const paths = (text: string) =>
  scanGradle(text).assignments.map(
    (assignment) =>
      `${assignment.path.join('.')} = ${assignment.value.map((token) => (token.kind === 'string' ? `<${token.text}>` : token.text)).join(' ')}`,
  );

describe('scanGradle', () => {
  it('gives every spelling of an assignment its full block path', () => {
    expect(
      paths(`jib {
  from { image = 'eclipse-temurin:21-jre' }
  container {
    user '1000'
    entrypoint = ['java', '-jar'] // a comment with { braces }
  }
  container.workingDirectory = "/app"
}
jib.to.image = "registry/app:\${version}"
tasks.named('x') { doLast { println 'hi' } }
`),
    ).toEqual([
      'jib.from.image = <eclipse-temurin:21-jre>',
      'jib.container.user = <1000>',
      'jib.container.entrypoint = [ <java> , <-jar> ]',
      'jib.container.workingDirectory = </app>',
      'jib.to.image = <registry/app:${version}>',
      'tasks.named.doLast.println = <hi>',
    ]);
  });

  it('reads Kotlin setters, variables, and braces inside strings and control flow', () => {
    expect(
      paths(`val uid = "10001"
jib {
  if (System.getenv("CI") != null) {
    container { user.set("\${uid}:0") }
  }
  container { setUser("x") }
  to { image = """registry/{app}""" }
}
`),
    ).toEqual([
      'uid = <10001>',
      'jib.container.user = <${uid}:0>',
      'jib.container.user = <x>',
      'jib.to.image = <registry/{app}>',
    ]);
  });
});
