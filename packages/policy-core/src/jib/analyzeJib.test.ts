// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are POM and Gradle text, where ${name} is Maven, Groovy and Kotlin syntax.
import { describe, expect, it } from 'vitest';
import type { TextEdit } from '../model/types.js';
import { analyzeJib, type JibOptions, jibBuildFormat, mavenParentPath } from './analyzeJib.js';

/** Applies a text edit (1-based, end exclusive) to `text`. */
function applyEdit(text: string, edit: TextEdit): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; column: number }) =>
    lines.slice(0, position.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + position.column - 1;
  return text.slice(0, offset(edit.start)) + edit.text + text.slice(offset(edit.end));
}

const pom = (plugins: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>orders</artifactId>
  <version>1.4.0</version>
${extra}  <build>
    <plugins>
      <plugin>
        <groupId>org.springframework.boot</groupId>
        <artifactId>spring-boot-maven-plugin</artifactId>
      </plugin>
${plugins}    </plugins>
  </build>
</project>
`;

const jibPlugin = (configuration: string) => `      <plugin>
        <groupId>com.google.cloud.tools</groupId>
        <artifactId>jib-maven-plugin</artifactId>
        <version>3.4.4</version>
${configuration}      </plugin>
`;

interface Case {
  name: string;
  text: string;
  options: JibOptions;
  /** `messageId line:column message`, or [] when nothing is reported. */
  expected: string[];
  /** The text once the first finding's fix is applied; it must then pass. */
  fixed?: string;
}

const summary = (text: string, options: JibOptions) =>
  analyzeJib(text, options).map((f) => `${f.messageId} ${f.line}:${f.column} ${f.message}`);

const maven: Case[] = [
  {
    name: 'no configuration: the default base runs as root',
    text: pom(jibPlugin('')),
    options: { format: 'maven' },
    expected: [
      "noUser 15:9 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
    ],
    fixed: pom(
      jibPlugin(`        <configuration>
          <container>
            <user>1000:1000</user>
          </container>
        </configuration>
`),
    ),
  },
  {
    name: 'a configuration with a container but no user; the base image is named',
    text: pom(
      jibPlugin(`        <configuration>
          <from><image>eclipse-temurin:21-jre</image></from>
          <container>
            <mainClass>com.example.Orders</mainClass>
          </container>
        </configuration>
`),
    ),
    options: { format: 'maven' },
    expected: [
      'noUser 15:9 Jib sets no container user and the base image eclipse-temurin:21-jre is not known to run as non-root, so the container runs as root',
    ],
    fixed: pom(
      jibPlugin(`        <configuration>
          <from><image>eclipse-temurin:21-jre</image></from>
          <container>
            <user>1000:1000</user>
            <mainClass>com.example.Orders</mainClass>
          </container>
        </configuration>
`),
    ),
  },
  {
    name: 'a base image listed in nonRootBases',
    text: pom(
      jibPlugin(`        <configuration>
          <from><image>gcr.io/distroless/java21-debian12:nonroot</image></from>
        </configuration>
`),
    ),
    options: { format: 'maven', nonRootBases: ['gcr.io/distroless/java21-debian12:nonroot'] },
    expected: [],
  },
  {
    name: 'a base image whose user is known through imageUsers is checked like a user',
    text: pom(
      jibPlugin(`        <configuration>
          <from><image>registry.example/java:21</image></from>
        </configuration>
`),
    ),
    options: { format: 'maven', imageUsers: { 'registry.example/java:*': 'app' } },
    expected: [
      'namedUser 15:9 USER app is a name: the kubelet cannot verify a named user is non-root, so runAsNonRoot pods will not start',
    ],
  },
  {
    name: 'a named user',
    text: pom(
      jibPlugin(`        <configuration>
          <container><user>nobody</user></container>
        </configuration>
`),
    ),
    options: { format: 'maven' },
    expected: [
      'namedUser 18:28 USER nobody is a name: the kubelet cannot verify a named user is non-root, so runAsNonRoot pods will not start',
    ],
    fixed: pom(
      jibPlugin(`        <configuration>
          <container><user>1000:1000</user></container>
        </configuration>
`),
    ),
  },
  {
    name: 'a user from a property: the property is what the fix changes',
    text: pom(
      jibPlugin(`        <configuration>
          <container><user>\${app.user}</user></container>
        </configuration>
`),
      '  <properties>\n    <app.user>0</app.user>\n  </properties>\n',
    ),
    options: { format: 'maven' },
    expected: ['rootUser 21:28 USER 0 runs the container as root'],
    fixed: pom(
      jibPlugin(`        <configuration>
          <container><user>\${app.user}</user></container>
        </configuration>
`),
      '  <properties>\n    <app.user>1000:1000</app.user>\n  </properties>\n',
    ),
  },
  {
    name: 'a property without a value: unknown, not root',
    text: pom(
      jibPlugin(`        <configuration>
          <container><user>\${app.user}</user></container>
        </configuration>
`),
    ),
    options: { format: 'maven' },
    expected: [
      'unknownUser 18:28 the Jib container user ${app.user} depends on property app.user, which has no value: the user is unknown until build time',
    ],
  },
  {
    name: 'the same property given with -D',
    text: pom(
      jibPlugin(`        <configuration>
          <container><user>\${app.user}</user></container>
        </configuration>
`),
    ),
    options: { format: 'maven', properties: { 'app.user': '10001:0' } },
    expected: [],
  },
  {
    name: '-Djib.container.user wins over the configuration',
    text: pom(
      jibPlugin(`        <configuration>
          <container><user>10001</user></container>
        </configuration>
`),
    ),
    options: { format: 'maven', properties: { 'jib.container.user': '999' } },
    expected: ['uidBelowMinimum 15:9 USER 999 has UID 999, below the minimum 1000'],
  },
  {
    name: 'a denied UID',
    text: pom(
      jibPlugin('        <configuration><container><user>65534:65534</user></container></configuration>\n'),
    ),
    options: { format: 'maven' },
    expected: ['deniedUid 17:41 USER 65534:65534 has UID 65534, a denied UID (shared by unrelated software)'],
  },
  {
    name: 'an invalid UID',
    text: pom(jibPlugin('        <configuration><container><user>-1</user></container></configuration>\n')),
    options: { format: 'maven' },
    expected: ['invalidUid 17:41 USER -1 has UID -1, which is not a valid user id (0..2147483647)'],
  },
  {
    name: 'a profile active by default sets the user',
    text: pom(
      jibPlugin(''),
      `  <profiles>
    <profile>
      <id>container</id>
      <activation><activeByDefault>true</activeByDefault></activation>
      <build>
        <plugins>
          <plugin>
            <groupId>com.google.cloud.tools</groupId>
            <artifactId>jib-maven-plugin</artifactId>
            <configuration><container><user>root</user></container></configuration>
          </plugin>
        </plugins>
      </build>
    </profile>
  </profiles>
`,
    ),
    options: { format: 'maven' },
    expected: ['rootUser 16:45 USER root runs the container as root'],
  },
  {
    name: 'a profile not activated does not count',
    text: pom(
      jibPlugin('        <configuration><container><user>10001</user></container></configuration>\n'),
      `  <profiles>
    <profile>
      <id>debug</id>
      <build><plugins><plugin>
        <artifactId>jib-maven-plugin</artifactId>
        <configuration><container><user>root</user></container></configuration>
      </plugin></plugins></build>
    </profile>
  </profiles>
`,
    ),
    options: { format: 'maven' },
    expected: [],
  },
  {
    name: 'the same profile activated with -P',
    text: pom(
      jibPlugin('        <configuration><container><user>10001</user></container></configuration>\n'),
      `  <profiles>
    <profile>
      <id>debug</id>
      <build><plugins><plugin>
        <artifactId>jib-maven-plugin</artifactId>
        <configuration><container><user>root</user></container></configuration>
      </plugin></plugins></build>
    </profile>
  </profiles>
`,
    ),
    options: { format: 'maven', profiles: ['debug'] },
    expected: ['rootUser 12:41 USER root runs the container as root'],
  },
  {
    name: 'Jib not configured: not judged',
    text: pom(''),
    options: { format: 'maven' },
    expected: [],
  },
  {
    name: 'Jib only in pluginManagement: not applied, not judged',
    text: pom('').replace(
      '  <build>\n',
      '  <build>\n    <pluginManagement><plugins><plugin><artifactId>jib-maven-plugin</artifactId></plugin></plugins></pluginManagement>\n',
    ),
    options: { format: 'maven' },
    expected: [],
  },
  {
    name: 'skipped Jib: not judged',
    text: pom(jibPlugin('        <configuration><skip>true</skip></configuration>\n')),
    options: { format: 'maven' },
    expected: [],
  },
];

const parent = `<project>
  <groupId>com.example</groupId>
  <artifactId>shop</artifactId>
  <version>2.0.0</version>
  <packaging>pom</packaging>
  <modules><module>orders</module><module>billing</module></modules>
  <properties><jib.user>10001:0</jib.user></properties>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>com.google.cloud.tools</groupId>
          <artifactId>jib-maven-plugin</artifactId>
          <version>3.4.4</version>
          <configuration>
            <from><image>eclipse-temurin:21-jre</image></from>
            <container><user>\${jib.user}</user></container>
          </configuration>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
`;

const child = (properties = '') => `<project>
  <parent>
    <groupId>com.example</groupId>
    <artifactId>shop</artifactId>
    <version>2.0.0</version>
  </parent>
  <artifactId>orders</artifactId>
${properties}  <build>
    <plugins>
      <plugin>
        <groupId>com.google.cloud.tools</groupId>
        <artifactId>jib-maven-plugin</artifactId>
      </plugin>
    </plugins>
  </build>
</project>
`;

describe('analyzeJib: multi-module Maven', () => {
  it.each([
    { name: 'the parent aggregator (packaging pom) is not judged', text: parent, parents: [], expected: [] },
    { name: 'a module inherits the user from the parent', text: child(), parents: [parent], expected: [] },
    {
      name: 'a module overrides the parent property with root',
      text: child('  <properties><jib.user>0</jib.user></properties>\n'),
      parents: [parent],
      expected: ['rootUser 13:9 USER 0 runs the container as root'],
    },
    {
      name: 'a module read without its parent: the default base runs as root',
      text: child(),
      parents: [],
      expected: [
        "noUser 12:9 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
      ],
    },
  ])('$name', ({ text, parents, expected }) => {
    expect(summary(text, { format: 'maven', parents })).toEqual(expected);
  });

  it('names the parent POM a module points at', () => {
    expect(mavenParentPath(child())).toBe('../pom.xml');
    expect(mavenParentPath(parent)).toBeUndefined();
    expect(mavenParentPath('<project><parent><relativePath>../base</relativePath></parent></project>')).toBe(
      '../base',
    );
    expect(mavenParentPath('<project><parent><relativePath/></parent></project>')).toBeUndefined();
  });
});

const groovy = (jib: string) => `plugins {
    id 'java'
    id 'org.springframework.boot' version '3.3.4'
    id 'com.google.cloud.tools.jib' version '3.4.4'
}

group = 'com.example'
version = '1.4.0'

${jib}
dependencies {
    implementation 'org.springframework.boot:spring-boot-starter-web'
}
`;

const kotlin = (jib: string) => `plugins {
    java
    id("org.springframework.boot") version "3.3.4"
    id("com.google.cloud.tools.jib") version "3.4.4"
}

${jib}
`;

const gradle: Case[] = [
  {
    name: 'Groovy: the plugin without a jib block',
    text: groovy(''),
    options: { format: 'gradle' },
    expected: [
      "noUser 4:8 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
    ],
    fixed: `${groovy('')}jib.container.user = '1000:1000'\n`,
  },
  {
    name: 'Groovy: a jib block with a container block and no user',
    text: groovy(`jib {
    from {
        image = 'eclipse-temurin:21-jre'
    }
    container {
        ports = ['8080']
    }
}
`),
    options: { format: 'gradle' },
    expected: [
      'noUser 10:1 Jib sets no container user and the base image eclipse-temurin:21-jre is not known to run as non-root, so the container runs as root',
    ],
    fixed: groovy(`jib {
    from {
        image = 'eclipse-temurin:21-jre'
    }
    container {
        user = '1000:1000'
        ports = ['8080']
    }
}
`),
  },
  {
    name: 'Groovy: a jib block without a container block',
    text: groovy(`jib {
  to { image = 'registry.example/orders' }
}
`),
    options: { format: 'gradle' },
    expected: [
      "noUser 10:1 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
    ],
    fixed: groovy(`jib {
  container {
      user = '1000:1000'
  }
  to { image = 'registry.example/orders' }
}
`),
  },
  {
    name: 'Groovy: a named user in the block',
    text: groovy(`jib {
    container {
        user = 'app'
    }
}
`),
    options: { format: 'gradle' },
    expected: [
      'namedUser 12:16 USER app is a name: the kubelet cannot verify a named user is non-root, so runAsNonRoot pods will not start',
    ],
    fixed: groovy(`jib {
    container {
        user = '1000:1000'
    }
}
`),
  },
  {
    name: 'Groovy: jib.container.user and a variable',
    text: groovy(`def appUid = '0'
jib.container.user = appUid
`),
    options: { format: 'gradle' },
    expected: ['rootUser 11:22 USER 0 runs the container as root'],
  },
  {
    name: 'Groovy: a GString with ext properties',
    text: groovy(`ext {
    appUid = '10001'
}
jib.container.user = "\${appUid}:0"
`),
    options: { format: 'gradle' },
    expected: [],
  },
  {
    name: 'Groovy: a property lookup without a value is unknown, not root',
    text: groovy(`jib {
    container.user = findProperty('jibUser')
}
`),
    options: { format: 'gradle' },
    expected: [
      'unknownUser 11:22 the Jib container user ${jibUser} depends on property jibUser, which has no value: the user is unknown until build time',
    ],
  },
  {
    name: 'Groovy: the same lookup with the property given',
    text: groovy(`jib {
    container.user = findProperty('jibUser')
}
`),
    options: { format: 'gradle', properties: { jibUser: '10001' } },
    expected: [],
  },
  {
    name: 'Groovy: a number, in a subprojects block of a root script',
    text: `subprojects {
    apply plugin: 'com.google.cloud.tools.jib'
    jib { container { user = 999 } }
}
`,
    options: { format: 'gradle' },
    expected: ['uidBelowMinimum 3:30 USER 999 has UID 999, below the minimum 1000'],
  },
  {
    name: 'Groovy: a variable without a value and an environment variable are unknown',
    text: groovy(`jib {
    container {
        user = "\${appUid}:\${System.getenv('APP_GID')}"
    }
}
`),
    options: { format: 'gradle' },
    expected: [
      'unknownUser 12:16 the Jib container user ${appUid}:${APP_GID} depends on variable appUid, which has no value: the user is unknown until build time',
    ],
  },
  {
    name: 'Groovy: a root script that only declares the plugin version (apply false) is not judged',
    text: `plugins {
  id 'org.springframework.boot' version '3.3.4' apply false
  id 'com.google.cloud.tools.jib' version '3.4.4' apply false
}
`,
    options: { format: 'gradle' },
    expected: [],
  },
  {
    name: 'Kotlin: apply false, then the plugin applied in a subprojects block',
    text: `plugins {
    id("com.google.cloud.tools.jib") version "3.4.4" apply false
}
subprojects {
    apply(plugin = "com.google.cloud.tools.jib")
}
`,
    options: { format: 'gradle-kotlin' },
    expected: [
      "noUser 5:20 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
    ],
  },
  {
    name: 'Groovy: a build without Jib is not judged',
    text: `plugins { id 'java' }\ncontainer { user = 'root' }\n`,
    options: { format: 'gradle' },
    expected: [],
  },
  {
    name: 'Kotlin: a string template from a val',
    text: kotlin(`val appUid = "999"
jib {
    from { image = "eclipse-temurin:21-jre" }
    container {
        user = "$appUid:0"
    }
}`),
    options: { format: 'gradle-kotlin' },
    expected: ['uidBelowMinimum 11:16 USER 999:0 has UID 999, below the minimum 1000'],
    fixed: kotlin(`val appUid = "999"
jib {
    from { image = "eclipse-temurin:21-jre" }
    container {
        user = "1000:1000"
    }
}`),
  },
  {
    name: 'Kotlin: a template over a project property with a fallback',
    text: kotlin(`jib {
    container {
        user = "\${project.findProperty("jibUid") ?: "10001"}:0"
    }
}`),
    options: { format: 'gradle-kotlin' },
    expected: [],
  },
  {
    name: 'Kotlin: the property overrides the fallback',
    text: kotlin(`jib {
    container {
        user = "\${project.findProperty("jibUid") ?: "10001"}:0"
    }
}`),
    options: { format: 'gradle-kotlin', properties: { jibUid: '0' } },
    expected: ['rootUser 9:16 USER 0:0 runs the container as root'],
  },
  {
    name: 'Kotlin: set() on the property, the base image unknown',
    text: kotlin(`jib {
    from.image = providers.gradleProperty("baseImage").get()
}`),
    options: { format: 'gradle-kotlin' },
    expected: [
      'unknownBase 7:1 Jib sets no container user and the base image ${baseImage} depends on property baseImage, which has no value: the user is unknown until build time',
    ],
  },
  {
    name: 'Kotlin: user.set(...) in a one-line container block',
    text: kotlin(`jib {
    container { user.set("root") }
}`),
    options: { format: 'gradle-kotlin' },
    expected: ['rootUser 8:26 USER root runs the container as root'],
    fixed: kotlin(`jib {
    container { user.set("1000:1000") }
}`),
  },
  {
    name: 'Kotlin: configure<JibExtension> with a user from a system property default',
    text: kotlin(`configure<com.google.cloud.tools.jib.gradle.JibExtension> {
    container {
        user = System.getProperty("jib.uid", "10001")
    }
}`),
    options: { format: 'gradle-kotlin' },
    expected: [],
  },
  {
    name: 'Kotlin: configure<JibExtension> without a user',
    text: kotlin(`configure<com.google.cloud.tools.jib.gradle.JibExtension> {
    to { image = "registry.example/orders" }
}`),
    options: { format: 'gradle-kotlin' },
    fixed: kotlin(`configure<com.google.cloud.tools.jib.gradle.JibExtension> {
    container {
        user = "1000:1000"
    }
    to { image = "registry.example/orders" }
}`),
    expected: [
      "noUser 7:1 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
    ],
  },
  {
    name: 'Kotlin: a one-line container block without user',
    text: kotlin(`jib {
    container { ports = listOf("8080") }
}`),
    options: { format: 'gradle-kotlin' },
    expected: [
      "noUser 7:1 Jib sets no container user and the base image eclipse-temurin (Jib's default) is not known to run as non-root, so the container runs as root",
    ],
    fixed: kotlin(`jib {
    container {
        user = "1000:1000"
        ports = listOf("8080") }
}`),
  },
];

describe.each([
  ['Maven', maven],
  ['Gradle', gradle],
])('analyzeJib: %s', (_, cases) => {
  it.each(cases)('$name', ({ text, options, expected, fixed }) => {
    expect(summary(text, options)).toEqual(expected);
    const [first] = analyzeJib(text, options);
    if (fixed === undefined) return;
    expect(first?.fix).toBeDefined();
    const after = applyEdit(text, first?.fix?.edit as TextEdit);
    expect(after).toBe(fixed);
    expect(analyzeJib(after, options)).toEqual([]);
  });
});

describe('analyzeJib: fix kinds and options', () => {
  it('adding a missing user is safe; replacing a written one is unsafe', () => {
    expect(analyzeJib(pom(jibPlugin('')), { format: 'maven' })[0]?.fix?.kind).toBe('safe');
    const named = pom(
      jibPlugin('        <configuration><container><user>app</user></container></configuration>\n'),
    );
    expect(analyzeJib(named, { format: 'maven' })[0]?.fix?.kind).toBe('unsafe');
  });

  it('rejects unknown options and formats, naming them', () => {
    expect(() => analyzeJib('', { format: 'ant' as never })).toThrow(/format/);
    expect(() => analyzeJib('', { format: 'maven', uidRange: { min: 5, max: 1 } })).toThrow(/uidRange/);
    expect(() => analyzeJib('', { format: 'maven', target: 'x' } as never)).toThrow(/target: unknown option/);
  });

  it('reads malformed files without throwing', () => {
    expect(
      analyzeJib('<project><build><plugins><plugin><artifactId>jib-maven-plugin', { format: 'maven' }),
    ).toHaveLength(1);
    expect(analyzeJib('jib { container { user = "unterminated', { format: 'gradle-kotlin' })).toHaveLength(1);
  });

  it('knows the build files by name', () => {
    expect(
      ['pom.xml', 'app/build.gradle', 'build.gradle.kts', 'settings.gradle.kts', 'pom.xml.bak'].map(
        jibBuildFormat,
      ),
    ).toEqual(['maven', 'gradle', 'gradle-kotlin', undefined, undefined]);
  });

  it('stays linear on long adversarial input', () => {
    const xml = `<project>${'<a b="'.repeat(20_000)}`;
    const groovyText = `jib { container { user = "${'${'.repeat(20_000)}" } }`;
    const nested = `jib { container { user = "${'${"'.repeat(20_000)}" } }`;
    const closes = `<project>${'<a>'.repeat(20_000)}${'</b>'.repeat(20_000)}${'</a>'.repeat(20_000)}</project>`;
    expect(() => analyzeJib(nested, { format: 'gradle-kotlin' })).not.toThrow();
    expect(analyzeJib(closes, { format: 'maven' })).toEqual([]);
    expect(() => analyzeJib(xml, { format: 'maven' })).not.toThrow();
    expect(() => analyzeJib(groovyText, { format: 'gradle' })).not.toThrow();
  });
});
