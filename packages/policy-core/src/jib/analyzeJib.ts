/**
 * The `jibUser` rule's analysis: which user an image built by Jib runs as. Jib builds Java images
 * from Maven or Gradle without a Dockerfile; the user is Jib's `container.user` or, when unset,
 * the base image's USER (Jib's default bases, the Eclipse Temurin images, run as root). A pure
 * function of the build file's text.
 *
 * Maven (`pom.xml`): the `jib-maven-plugin` configuration in `build/plugins`, `pluginManagement`,
 * active profiles and parent POMs (multi-module builds), `${property}` from `<properties>` and
 * `-D` values, and the `jib.container.user` / `jib.from.image` properties, which win over the
 * configuration as they do in Jib. Gradle (`build.gradle`, `build.gradle.kts`): the
 * `jib { from { image } container { user } }` block in any spelling, `jib.container.user = …`,
 * variables, Groovy and Kotlin string templates, and `findProperty`/`System.getProperty` lookups
 * of the given properties. A value that depends on a property without a value is unknown until
 * build time: a warning naming it, never "runs as root". A build file without Jib is not judged.
 */

import { DOCKERFILE_CONTROLS, dockerfileMessages } from '../dockerfile/analyzeDockerfile.js';
import { imageUserFor } from '../image/imageReference.js';
import { type ImageUser, parseImageUser } from '../image/parseImageUser.js';
import { PodguardInputError } from '../model/errors.js';
import type { Severity, TextEdit, TextPosition } from '../model/types.js';
import type { JibBuildFormat } from '../model/views.js';
import { childElement, childElements, elementAt, readXml, type XmlElement } from './readXml.js';
import { type GradleAssignment, type GradleToken, scanGradle, tokenizeGradle } from './scanGradle.js';

/** Rule id of Jib findings. */
export const JIB_RULE = 'jibUser';

/**
 * Message templates by message id, as documented in `docs/rules/jibUser.md`. A user Jib writes
 * into the image is judged with the words of a Dockerfile's USER.
 */
export const jibMessages = {
  noUser:
    'Jib sets no container user and the base image {base} is not known to run as non-root, so the container runs as root',
  rootUser: dockerfileMessages.rootUser,
  namedUser: dockerfileMessages.namedUser,
  uidBelowMinimum: dockerfileMessages.uidBelowMinimum,
  uidAboveMaximum: dockerfileMessages.uidAboveMaximum,
  deniedUid: dockerfileMessages.deniedUid,
  invalidUid: dockerfileMessages.invalidUid,
  unknownUser:
    'the Jib container user {user} depends on {source}, which has no value: the user is unknown until build time',
  unknownBase:
    'Jib sets no container user and the base image {base} depends on {source}, which has no value: the user is unknown until build time',
} as const;

/** Message ids of {@link analyzeJib} findings. */
export type JibMessageId = keyof typeof jibMessages;

const SEVERITIES: Readonly<Record<JibMessageId, Severity>> = {
  noUser: 'error',
  rootUser: 'error',
  namedUser: 'error',
  uidBelowMinimum: 'error',
  uidAboveMaximum: 'error',
  deniedUid: 'error',
  invalidUid: 'error',
  unknownUser: 'warning',
  unknownBase: 'warning',
};

/** Short, stable reasons by message id; the message carries the specifics. */
export const jibReasons: Readonly<Record<JibMessageId, string>> = {
  noUser: 'no container user',
  rootUser: 'container user is root',
  namedUser: 'container user is a name',
  uidBelowMinimum: 'UID out of range',
  uidAboveMaximum: 'UID out of range',
  deniedUid: 'UID denied',
  invalidUid: 'invalid UID',
  unknownUser: 'container user unknown',
  unknownBase: 'base image unknown',
};

/** Controls of Jib findings: those of a Dockerfile's USER. */
export const JIB_CONTROLS: readonly string[] = DOCKERFILE_CONTROLS;

/** Jib's base image when `from.image` is not set: Eclipse Temurin, which runs as root. */
export const JIB_DEFAULT_BASE = 'eclipse-temurin';

/** The format of a build file by its name (`pom.xml`, `build.gradle`, `build.gradle.kts`), if Jib reads it. */
export function jibBuildFormat(fileName: string): JibBuildFormat | undefined {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  if (base === 'pom.xml') return 'maven';
  // Settings scripts configure the build's projects, never a plugin.
  if (base.startsWith('settings.gradle')) return undefined;
  if (base.endsWith('.gradle.kts')) return 'gradle-kotlin';
  if (base.endsWith('.gradle')) return 'gradle';
  return undefined;
}

/** Options of {@link analyzeJib}. */
export interface JibOptions {
  /** The build file's format (see {@link jibBuildFormat}). */
  format: JibBuildFormat;
  /**
   * `-D` values (Maven user properties, Gradle system and project properties): they override
   * `<properties>`, answer `findProperty("name")`, and `jib.container.user` / `jib.from.image`
   * override the configuration, as in Jib.
   */
  properties?: Record<string, string>;
  /** Maven profiles activated with `-P` (default: those active by default or by a property). */
  profiles?: string[];
  /** The texts of the parent POMs, nearest first (multi-module Maven builds). */
  parents?: string[];
  /** Base images known to run as a non-root user; `registry/base:*` for every tag. */
  nonRootBases?: string[];
  /** Base image → OCI config `User`. */
  imageUsers?: Record<string, string>;
  /** Allowed UID range, inclusive (default 1000..2147483647). */
  uidRange?: { min?: number; max?: number };
  /** UIDs never allowed (default 65534, 65535). */
  denyUids?: number[];
}

/** A suggested addition or replacement, as build-file text and the edit that writes it. */
export interface JibFix {
  description: string;
  /** The element or line to write, e.g. `<user>1000:1000</user>`. */
  line: string;
  edit: TextEdit;
  /** `safe` when it only adds what is missing; `unsafe` when it replaces a value the author wrote. */
  kind: 'safe' | 'unsafe';
}

/** One Jib finding, in the shape of a Dockerfile finding. */
export interface JibFinding {
  rule: typeof JIB_RULE;
  status: 'fail';
  severity: Severity;
  messageId: JibMessageId;
  message: string;
  controls: string[];
  /** 1-based line and column: the user value, or the Jib plugin or block when nothing sets one. */
  line: number;
  column: number;
  fix?: JibFix;
}

/** A value of the configuration: its text after substitution, what it depends on, where it is. */
interface Setting {
  readonly value: string;
  /** Properties or expressions without a value the setting depends on. */
  readonly unresolved: readonly string[];
  /** Offset of the value in the file; undefined when it comes from elsewhere (a parent, `-D`). */
  readonly at: number | undefined;
  /** The span to replace to change the value, and how to write the replacement. */
  readonly replace?: { start: number; end: number; write: (user: string) => string };
}

/** What a build file says about Jib, in either format. */
interface JibConfiguration {
  readonly configured: boolean;
  readonly user: Setting | undefined;
  readonly base: Setting | undefined;
  /** Where a finding without a user value points (the plugin, the `jib` block, the plugin id). */
  readonly anchor: number;
  /** How to add a user: the text and where; undefined when this file cannot take it. */
  readonly addUser: ((user: string) => { edit: TextEdit; line: string; where: string }) | undefined;
}

interface Resolved {
  readonly format: JibBuildFormat;
  readonly properties: Readonly<Record<string, string>>;
  readonly profiles: readonly string[] | undefined;
  readonly parents: readonly string[];
  readonly nonRootBases: Record<string, string>;
  readonly imageUsers: Record<string, string>;
  readonly min: number;
  readonly max: number;
  readonly denyUids: readonly number[];
}

const MAX_ID = 2_147_483_647;
const FORMATS: readonly JibBuildFormat[] = ['maven', 'gradle', 'gradle-kotlin'];

function resolveOptions(options: JibOptions): Resolved {
  const fail = (field: string, message: string): never => {
    throw new PodguardInputError(`invalid Jib option ${field}: ${message}`, field);
  };
  if (typeof options !== 'object' || options === null) fail('options', 'expected an object');
  const known = [
    'format',
    'properties',
    'profiles',
    'parents',
    'nonRootBases',
    'imageUsers',
    'uidRange',
    'denyUids',
  ];
  for (const key of Object.keys(options)) if (!known.includes(key)) fail(key, 'unknown option');
  if (!FORMATS.includes(options.format)) fail('format', `expected one of ${FORMATS.join(', ')}`);
  const strings = (value: unknown, field: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
      fail(field, 'expected an array of strings');
    return value as string[];
  };
  const record = (value: unknown, field: string): Record<string, string> => {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      fail(field, 'expected an object');
    if (Object.values(value as object).some((item) => typeof item !== 'string'))
      fail(field, 'expected an object of strings');
    return value as Record<string, string>;
  };
  const id = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID)
      fail(field, `expected an integer between 0 and ${MAX_ID}, got ${JSON.stringify(value)}`);
    return value as number;
  };
  const min = options.uidRange?.min === undefined ? 1000 : id(options.uidRange.min, 'uidRange.min');
  const max = options.uidRange?.max === undefined ? MAX_ID : id(options.uidRange.max, 'uidRange.max');
  if (min > max) fail('uidRange', `min (${min}) is greater than max (${max})`);
  return {
    format: options.format,
    properties: record(options.properties, 'properties'),
    profiles: options.profiles === undefined ? undefined : strings(options.profiles, 'profiles'),
    parents: strings(options.parents, 'parents'),
    nonRootBases: Object.fromEntries(
      strings(options.nonRootBases, 'nonRootBases').map((b) => [b, 'non-root']),
    ),
    imageUsers: record(options.imageUsers, 'imageUsers'),
    min,
    max,
    denyUids:
      options.denyUids === undefined
        ? [65534, 65535]
        : options.denyUids.map((uid, index) => id(uid, `denyUids[${index}]`)),
  };
}

/** 1-based line and column of an offset. */
function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The whitespace a line starts with, for the line holding `offset`. */
function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (text[end] === ' ' || text[end] === '\t') end++;
  return text.slice(lineStart, end);
}

// ---------------------------------------------------------------------------------------------
// Maven

const JIB_MAVEN_PLUGIN = 'jib-maven-plugin';

interface Pom {
  readonly text: string;
  readonly project: XmlElement | undefined;
}

function readPom(text: string): Pom {
  return { text, project: readXml(text).find((element) => element.name === 'project') };
}

/** Replaces `${name}` from `properties`; names without a value are collected. Nested values resolve too. */
function interpolate(
  value: string,
  properties: ReadonlyMap<string, string>,
  depth = 0,
): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  let out = '';
  let index = 0;
  while (index < value.length) {
    const open = value.indexOf('${', index);
    const close = open === -1 ? -1 : value.indexOf('}', open + 2);
    if (open === -1 || close === -1) break;
    out += value.slice(index, open);
    const name = value.slice(open + 2, close).trim();
    const found = properties.get(name);
    if (found === undefined || found === '' || depth > 10) {
      unresolved.push(`property ${name}`);
      out += value.slice(open, close + 1);
    } else {
      const inner = interpolate(found, properties, depth + 1);
      unresolved.push(...inner.unresolved);
      out += inner.value;
    }
    index = close + 1;
  }
  return { value: out + value.slice(index), unresolved };
}

/** Profiles of a POM that are active: `-P` ids, else `activeByDefault`, plus those a property activates. */
function activeProfiles(project: XmlElement | undefined, options: Resolved): XmlElement[] {
  const all = childElements(childElement(project, 'profiles'), 'profile');
  const byProperty = (profile: XmlElement): boolean => {
    const property = elementAt(profile, 'activation/property');
    const name = childElement(property, 'name')?.text;
    if (property === undefined || name === undefined || name === '') return false;
    const negated = name.startsWith('!');
    const key = negated ? name.slice(1) : name;
    const expected = childElement(property, 'value')?.text;
    const actual = options.properties[key];
    const matches = expected === undefined ? actual !== undefined : actual === expected;
    return negated ? !matches : matches;
  };
  const explicit = all.filter(
    (profile) =>
      options.profiles?.includes(childElement(profile, 'id')?.text ?? '') === true || byProperty(profile),
  );
  // Maven: profiles active by default apply only when no other profile of the POM is activated.
  if (explicit.length > 0) return explicit;
  return all.filter((profile) => elementAt(profile, 'activation/activeByDefault')?.text === 'true');
}

function jibPlugin(plugins: XmlElement | undefined): XmlElement | undefined {
  return childElements(plugins, 'plugin').find(
    (plugin) => childElement(plugin, 'artifactId')?.text === JIB_MAVEN_PLUGIN,
  );
}

/** A layer of Jib configuration, lowest precedence first. */
interface MavenLayer {
  readonly pom: Pom;
  readonly own: boolean;
  readonly plugin: XmlElement | undefined;
  /** From `build/plugins` (applies the plugin) rather than `pluginManagement` (configures it only). */
  readonly applies: boolean;
}

function mavenLayers(pom: Pom, own: boolean, options: Resolved): MavenLayer[] {
  const layers: MavenLayer[] = [];
  const builds = [
    childElement(pom.project, 'build'),
    ...(own ? activeProfiles(pom.project, options).map((profile) => childElement(profile, 'build')) : []),
  ];
  for (const build of builds) {
    const managed = jibPlugin(elementAt(build, 'pluginManagement/plugins'));
    if (managed) layers.push({ pom, own, plugin: managed, applies: false });
    const applied = jibPlugin(childElement(build, 'plugins'));
    if (applied) layers.push({ pom, own, plugin: applied, applies: true });
  }
  return layers;
}

function mavenProperties(poms: readonly Pom[], own: Pom, options: Resolved): Map<string, string> {
  const properties = new Map<string, string>();
  const project = own.project;
  const parentVersion = elementAt(project, 'parent/version')?.text;
  const version = childElement(project, 'version')?.text ?? parentVersion;
  const groupId = childElement(project, 'groupId')?.text ?? elementAt(project, 'parent/groupId')?.text;
  const artifactId = childElement(project, 'artifactId')?.text;
  if (version) properties.set('project.version', version);
  if (groupId) properties.set('project.groupId', groupId);
  if (artifactId) properties.set('project.artifactId', artifactId);
  if (parentVersion) properties.set('project.parent.version', parentVersion);
  // Furthest parent first: a nearer POM overrides, active profiles override the POM, -D everything.
  for (const pom of poms) {
    const holders = [
      childElement(pom.project, 'properties'),
      ...(pom === own ? activeProfiles(pom.project, options).map((p) => childElement(p, 'properties')) : []),
    ];
    for (const holder of holders)
      for (const property of holder?.children ?? []) properties.set(property.name, property.text);
  }
  for (const [name, value] of Object.entries(options.properties)) properties.set(name, value);
  return properties;
}

/** The element of the POM's own `<properties>` that defines `name`, if it does. */
function ownProperty(pom: Pom, name: string): XmlElement | undefined {
  return childElement(childElement(pom.project, 'properties'), name);
}

function replaceContent(element: XmlElement): Setting['replace'] {
  return { start: element.openEnd, end: element.closeStart, write: (user) => user };
}

function mavenSetting(
  element: XmlElement,
  layer: MavenLayer,
  properties: ReadonlyMap<string, string>,
): Setting {
  const expanded = interpolate(element.text, properties);
  const own = layer.own && !element.selfClosing;
  // `<user>${app.user}</user>` with app.user in this POM's properties: the property is what to change.
  const reference = /^\$\{([^}]*)\}$/.exec(element.text);
  const property = own && reference ? ownProperty(layer.pom, reference[1] as string) : undefined;
  return {
    value: expanded.value,
    unresolved: expanded.unresolved,
    at: own ? element.openEnd : undefined,
    ...(own ? { replace: replaceContent(property ?? element) } : {}),
  };
}

function mavenConfiguration(text: string, options: Resolved): JibConfiguration {
  const own = readPom(text);
  const parents = options.parents.map(readPom).reverse();
  const poms = [...parents, own];
  const properties = mavenProperties(poms, own, options);
  const layers = [
    ...parents.flatMap((pom) => mavenLayers(pom, false, options)),
    ...mavenLayers(own, true, options),
  ];
  const packaging = childElement(own.project, 'packaging')?.text;
  const skip = interpolate(properties.get('jib.skip') ?? 'false', properties).value;
  const configured =
    own.project !== undefined &&
    layers.some((layer) => layer.applies) &&
    packaging !== 'pom' &&
    skip !== 'true';
  const ownPlugin = [...layers].reverse().find((layer) => layer.own && layer.applies)?.plugin;
  const anchor = ownPlugin
    ? (childElement(ownPlugin, 'artifactId') ?? ownPlugin).start
    : (childElement(own.project, 'parent')?.start ?? own.project?.start ?? 0);
  let user: Setting | undefined;
  let base: Setting | undefined;
  let skipped = false;
  for (const layer of layers) {
    const configuration = childElement(layer.plugin, 'configuration');
    const userElement = elementAt(configuration, 'container/user');
    if (userElement && userElement.text !== '') user = mavenSetting(userElement, layer, properties);
    const imageElement = elementAt(configuration, 'from/image');
    if (imageElement && imageElement.text !== '') base = mavenSetting(imageElement, layer, properties);
    const skipElement = childElement(configuration, 'skip');
    if (skipElement) skipped = interpolate(skipElement.text, properties).value === 'true';
  }
  // Jib reads jib.container.user and jib.from.image (-D or <properties>) before the configuration.
  const fromProperty = (name: string): Setting | undefined => {
    const value = properties.get(name);
    if (value === undefined) return undefined;
    const expanded = interpolate(value, properties);
    const element = Object.hasOwn(options.properties, name) ? undefined : ownProperty(own, name);
    return {
      value: expanded.value,
      unresolved: value === '' ? [`property ${name}`] : expanded.unresolved,
      at: element?.openEnd,
      ...(element ? { replace: replaceContent(element) } : {}),
    };
  };
  user = fromProperty('jib.container.user') ?? user;
  base = fromProperty('jib.from.image') ?? base;
  const addUser = ownPlugin ? mavenAddUser(text, ownPlugin) : undefined;
  return { configured: configured && !skipped, user, base, anchor, addUser };
}

/** Adds `<user>` to the plugin's `<container>`, creating `<container>` and `<configuration>` as needed. */
function mavenAddUser(text: string, plugin: XmlElement): JibConfiguration['addUser'] {
  return (user) => {
    const line = `<user>${user}</user>`;
    const configuration = childElement(plugin, 'configuration');
    const container = childElement(configuration, 'container');
    const pluginIndent = indentAt(text, plugin.start);
    const firstChild = plugin.children[0];
    const unit =
      firstChild && indentAt(text, firstChild.start).length > pluginIndent.length
        ? indentAt(text, firstChild.start).slice(pluginIndent.length)
        : '  ';
    const insertAfter = (offset: number, lines: string[], indent: string) => {
      const at = positionOf(text, offset);
      return { start: at, end: at, text: lines.map((item) => `\n${indent}${item}`).join('') };
    };
    if (container && !container.selfClosing) {
      const indent = indentAt(text, container.start) + unit;
      return {
        edit: insertAfter(container.openEnd, [line], indent),
        line,
        where: "the plugin's <container>",
      };
    }
    if (configuration && !configuration.selfClosing) {
      const indent = indentAt(text, configuration.start) + unit;
      return {
        edit: insertAfter(configuration.openEnd, ['<container>', `${unit}${line}`, '</container>'], indent),
        line,
        where: "a <container> in the plugin's <configuration>",
      };
    }
    const last = plugin.children.filter((child) => child !== configuration).at(-1);
    const indent = pluginIndent + unit;
    const block = [
      '<configuration>',
      `${unit}<container>`,
      `${unit}${unit}${line}`,
      `${unit}</container>`,
      '</configuration>',
    ];
    if (configuration) {
      // `<configuration/>`: replaced by one that holds the user.
      const edit = {
        start: positionOf(text, configuration.start),
        end: positionOf(text, configuration.end),
        text: block.join(`\n${indent}`),
      };
      return { edit, line, where: "the jib-maven-plugin's <configuration><container>" };
    }
    return {
      edit: insertAfter(last ? last.end : plugin.openEnd, block, indent),
      line,
      where: "the jib-maven-plugin's <configuration><container>",
    };
  };
}

/**
 * The parent POM a `pom.xml` names, as a path relative to its directory: `<relativePath>`, or
 * Maven's default `../pom.xml`; undefined when there is no `<parent>` or `<relativePath/>` is
 * empty (the parent comes from a repository). A directory means its `pom.xml`.
 */
export function mavenParentPath(text: string): string | undefined {
  const project = readXml(text).find((element) => element.name === 'project');
  const parent = childElement(project, 'parent');
  if (parent === undefined) return undefined;
  const relative = childElement(parent, 'relativePath');
  if (relative === undefined) return '../pom.xml';
  return relative.text === '' ? undefined : relative.text;
}

// ---------------------------------------------------------------------------------------------
// Gradle

const JIB_GRADLE_PLUGIN = 'com.google.cloud.tools.jib';
const PROPERTY_LOOKUPS = new Set([
  'findProperty',
  'project.findProperty',
  'property',
  'project.property',
  'System.getProperty',
  'providers.gradleProperty',
  'providers.systemProperty',
  'System.getenv',
]);

interface Evaluated {
  value: string;
  unresolved: string[];
}

const CONVERSIONS = new Set(['toString', 'get', 'orNull', 'trim']);

/** Drops what does not change a value: `as String`, `.toString()`, `.get()`, calls' empty `()`. */
function normalized(tokens: readonly GradleToken[]): GradleToken[] {
  const parts = [...tokens];
  for (;;) {
    const last = parts.at(-1);
    const before = parts.at(-2);
    if (parts.length > 2 && before?.text === 'as') parts.splice(-2);
    else if (parts.length > 2 && last?.text === ')' && before?.text === '(') parts.splice(-2);
    else if (parts.length > 2 && last?.kind === 'name' && CONVERSIONS.has(last.text) && before?.text === '.')
      parts.splice(-2);
    else if (
      last?.kind === 'name' &&
      CONVERSIONS.has(last.text.slice(last.text.lastIndexOf('.') + 1)) &&
      last.text.includes('.')
    )
      parts.splice(-1, 1, { ...last, text: last.text.slice(0, last.text.lastIndexOf('.')) });
    else return parts;
  }
}

/** Evaluates a value: strings with templates, variables, property lookups with fallbacks. */
function evaluateGradle(
  tokens: readonly GradleToken[],
  variables: ReadonlyMap<string, readonly GradleToken[]>,
  properties: Readonly<Record<string, string>>,
  depth = 0,
): Evaluated {
  const parts = normalized(tokens);
  const source = (): string =>
    parts
      .map((token) => (token.kind === 'string' ? `${token.quote}${token.text}${token.quote}` : token.text))
      .join(' ');
  if (depth > 10 || parts.length === 0) return { value: '', unresolved: [source() || 'an empty value'] };
  const elvis = parts.findIndex((token) => token.text === '?:');
  if (elvis > 0) {
    const left = evaluateGradle(parts.slice(0, elvis), variables, properties, depth + 1);
    if (left.unresolved.length === 0) return left;
    return evaluateGradle(parts.slice(elvis + 1), variables, properties, depth + 1);
  }
  if (parts[0]?.text === '(' && parts.at(-1)?.text === ')')
    return evaluateGradle(parts.slice(1, -1), variables, properties, depth + 1);
  const [first] = parts;
  if (parts.length === 1 && first?.kind === 'other' && /^[0-9][0-9_]*$/.test(first.text))
    return { value: first.text.replaceAll('_', ''), unresolved: [] };
  if (parts.length === 1 && first?.kind === 'string') {
    if (!(first.quote ?? '').startsWith('"')) return { value: first.text, unresolved: [] };
    return interpolateGradle(first.text, variables, properties, depth);
  }
  if (parts.length === 1 && first?.kind === 'name') {
    const name = first.text.replace(/^(project\.)?(ext|extra)\./, '').replace(/^project\./, '');
    const variable = variables.get(name);
    if (variable) return evaluateGradle(variable, variables, properties, depth + 1);
    if (Object.hasOwn(properties, name)) return { value: properties[name] as string, unresolved: [] };
    return { value: `\${${first.text}}`, unresolved: [`variable ${first.text}`] };
  }
  // `findProperty("name")`, `System.getProperty("name", "default")`, `providers.gradleProperty("name")`.
  if (first?.kind === 'name' && PROPERTY_LOOKUPS.has(first.text) && parts[1]?.text === '(') {
    const key = parts[2];
    if (key?.kind === 'string') {
      const name = key.text;
      const value = first.text === 'System.getenv' ? undefined : properties[name];
      if (value !== undefined && value !== '') return { value, unresolved: [] };
      const fallback = parts[3]?.text === ',' ? parts.slice(4, -1) : [];
      if (fallback.length > 0 && parts.at(-1)?.text === ')')
        return evaluateGradle(fallback, variables, properties, depth + 1);
      return {
        value: `\${${name}}`,
        unresolved: [first.text === 'System.getenv' ? `environment variable ${name}` : `property ${name}`],
      };
    }
  }
  return { value: `\${${source()}}`, unresolved: [`the expression ${source()}`] };
}

/** Groovy GString / Kotlin template: `$name`, `${expression}`. */
function interpolateGradle(
  body: string,
  variables: ReadonlyMap<string, readonly GradleToken[]>,
  properties: Readonly<Record<string, string>>,
  depth: number,
): Evaluated {
  let value = '';
  const unresolved: string[] = [];
  let index = 0;
  while (index < body.length) {
    const dollar = body.indexOf('$', index);
    if (dollar === -1 || body[dollar - 1] === '\\') {
      value += body.slice(index, dollar === -1 ? body.length : dollar + 1);
      if (dollar === -1) break;
      index = dollar + 1;
      continue;
    }
    value += body.slice(index, dollar);
    let expression: string;
    let end: number;
    if (body[dollar + 1] === '{') {
      const close = body.lastIndexOf('}') > dollar ? matchingBrace(body, dollar + 1) : -1;
      if (close === -1) {
        value += body.slice(dollar);
        break;
      }
      expression = body.slice(dollar + 2, close);
      end = close + 1;
    } else {
      end = dollar + 1;
      while (end < body.length && /[\w.]/.test(body[end] as string)) end++;
      // Groovy `$a.b` reads a property path; a trailing dot is text.
      while (body[end - 1] === '.') end--;
      expression = body.slice(dollar + 1, end);
      if (expression === '') {
        value += '$';
        index = dollar + 1;
        continue;
      }
    }
    const inner = evaluateGradle(
      tokenizeGradle(expression).filter((token) => token.kind !== 'newline'),
      variables,
      properties,
      depth + 1,
    );
    value += inner.value;
    unresolved.push(...inner.unresolved);
    index = end;
  }
  return { value, unresolved };
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '{') depth++;
    else if (text[index] === '}' && --depth === 0) return index;
  }
  return -1;
}

/**
 * The first mention of Jib's plugin id that applies it: `id 'com.google.cloud.tools.jib'`,
 * `apply plugin: '…'`; not `id(…) version "…" apply false`, which only declares the version (a
 * root script of a multi-project build).
 */
function appliedPluginId(tokens: readonly GradleToken[]): GradleToken | undefined {
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as GradleToken;
    if (token.kind !== 'string' || token.text !== JIB_GRADLE_PLUGIN) continue;
    let declaredOnly = false;
    for (let next = index + 1; next < tokens.length; next++) {
      const { kind, text } = tokens[next] as GradleToken;
      if (kind === 'newline' || text === ';' || text === '}') break;
      if (text === 'apply' && tokens[next + 1]?.text === 'false') declaredOnly = true;
    }
    if (!declaredOnly) return token;
  }
  return undefined;
}

/** The path under `jib` of an assignment (`['container', 'user']`), if it is Jib's. */
function jibPath(assignment: { path: readonly string[] }): string[] | undefined {
  const at = assignment.path.lastIndexOf('jib');
  return at === -1 ? undefined : assignment.path.slice(at + 1);
}

function gradleConfiguration(text: string, options: Resolved): JibConfiguration {
  const script = scanGradle(text);
  const kotlin = options.format === 'gradle-kotlin';
  const variables = new Map<string, readonly GradleToken[]>();
  for (const assignment of script.assignments) {
    const { path } = assignment;
    if (path.length === 1) variables.set(path[0] as string, assignment.value);
    else if (path.length === 2 && (path[0] === 'ext' || path[0] === 'extra'))
      variables.set(path[1] as string, assignment.value);
  }
  const pluginId = appliedPluginId(script.tokens);
  const jibBlocks = script.blocks.filter((block) => block.path.at(-1) === 'jib');
  const jibAssignments = script.assignments.filter((assignment) => jibPath(assignment) !== undefined);
  const configured = pluginId !== undefined || jibBlocks.length > 0 || jibAssignments.length > 0;
  const setting = (assignment: GradleAssignment | undefined): Setting | undefined => {
    if (assignment === undefined) return undefined;
    const evaluated = evaluateGradle(assignment.value, variables, options.properties);
    const first = assignment.value[0];
    const end = assignment.value.at(-1);
    const quote = kotlin ? '"' : "'";
    return {
      ...evaluated,
      at: first?.start ?? assignment.nameToken.start,
      ...(first && end
        ? {
            replace: { start: first.start, end: end.end, write: (user: string) => `${quote}${user}${quote}` },
          }
        : {}),
    };
  };
  const find = (path: string): GradleAssignment | undefined =>
    jibAssignments.filter((assignment) => jibPath(assignment)?.join('.') === path).at(-1);
  let user = setting(find('container.user'));
  let base = setting(find('from.image'));
  const skip = find('skip');
  const fromProperty = (name: string): Setting | undefined =>
    Object.hasOwn(options.properties, name)
      ? {
          value: options.properties[name] as string,
          unresolved: options.properties[name] === '' ? [`property ${name}`] : [],
          at: undefined,
        }
      : undefined;
  user = fromProperty('jib.container.user') ?? user;
  base = fromProperty('jib.from.image') ?? base;
  const skipped =
    (skip !== undefined && evaluateGradle(skip.value, variables, options.properties).value === 'true') ||
    options.properties['jib.skip'] === 'true';
  const jibBlock = jibBlocks[0];
  const anchor = jibBlock?.nameToken.start ?? jibAssignments[0]?.nameToken.start ?? pluginId?.start ?? 0;
  const quote = kotlin ? '"' : "'";
  const addUser: JibConfiguration['addUser'] = (uid) => {
    const line = `user = ${quote}${uid}${quote}`;
    const container = script.blocks.find(
      (block) => block.path.at(-1) === 'container' && block.path.at(-2) === 'jib',
    );
    const insertInto = (open: number, close: number, lines: string[]) => {
      const blockIndent = indentAt(text, open - 1);
      const lineEnd = text.indexOf('\n', open);
      const rest = text.slice(open, lineEnd === -1 ? text.length : lineEnd).trim();
      const nextLine = lineEnd === -1 ? '' : indentAt(text, lineEnd + 1);
      const unit =
        nextLine.length > blockIndent.length && lineEnd < close ? nextLine.slice(blockIndent.length) : '    ';
      const indent = blockIndent + unit;
      const at = positionOf(text, open);
      // `container { entrypoint = [...] }` on one line: the rest moves to a line of its own.
      const tail = rest === '' || rest.startsWith('//') ? '' : `\n${indent}`;
      let skip = open;
      while (tail !== '' && (text[skip] === ' ' || text[skip] === '\t')) skip++;
      const body = lines.map((item) => `\n${indent}${item}`).join('');
      return { start: at, end: positionOf(text, skip), text: `${body}${tail}` };
    };
    if (container)
      return { edit: insertInto(container.open, container.close, [line]), line, where: 'jib.container' };
    if (jibBlock) {
      const edit = insertInto(jibBlock.open, jibBlock.close, [`container {`, `    ${line}`, '}']);
      return { edit, line, where: 'the jib block' };
    }
    const statement = `jib.container.user = ${quote}${uid}${quote}`;
    const at = positionOf(text, text.length);
    const newline = text.endsWith('\n') || text === '' ? '' : '\n';
    return {
      edit: { start: at, end: at, text: `${newline}${statement}\n` },
      line: statement,
      where: 'the build script',
    };
  };
  return { configured: configured && !skipped, user, base, anchor, addUser };
}

// ---------------------------------------------------------------------------------------------
// Judgement, shared by both formats

function render(messageId: JibMessageId, values: Record<string, string | number>): string {
  return jibMessages[messageId].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

function finding(
  text: string,
  messageId: JibMessageId,
  values: Record<string, string | number>,
  offset: number,
  fix: JibFix | undefined,
): JibFinding {
  const position = positionOf(text, offset);
  const out: JibFinding = {
    rule: JIB_RULE,
    status: 'fail',
    severity: SEVERITIES[messageId],
    messageId,
    message: render(messageId, values),
    controls: [...JIB_CONTROLS],
    line: position.line,
    column: position.column,
  };
  if (fix) out.fix = fix;
  return out;
}

function baseImage(setting: Setting | undefined): string {
  if (setting === undefined) return JIB_DEFAULT_BASE;
  // Jib's image reference prefixes: `docker://` (a local daemon), `registry://`.
  return setting.value.replace(/^(docker|registry):\/\//, '');
}

function judge(text: string, config: JibConfiguration, options: Resolved): JibFinding[] {
  if (!config.configured) return [];
  const suggestion = `${options.min}:${options.min}`;
  const { user } = config;
  if (user !== undefined) {
    const [source] = user.unresolved;
    const at = user.at ?? config.anchor;
    // Unknown until build time: said so, never judged as root.
    if (source !== undefined)
      return [finding(text, 'unknownUser', { user: user.value, source }, at, undefined)];
    const replace = user.replace;
    const fix = replace
      ? (why: string): JibFix => ({
          description: `${why} Use a numeric UID, e.g. \`${suggestion}\`.`,
          line: replace.write(suggestion),
          kind: 'unsafe',
          edit: {
            start: positionOf(text, replace.start),
            end: positionOf(text, replace.end),
            text: replace.write(suggestion),
          },
        })
      : undefined;
    return userFindings(text, parseImageUser(user.value), user.value, at, fix, options);
  }
  const base = baseImage(config.base);
  const baseLabel = config.base === undefined ? `${JIB_DEFAULT_BASE} (Jib's default)` : base;
  const [source] = config.base?.unresolved ?? [];
  if (source !== undefined) return [finding(text, 'unknownBase', { base, source }, config.anchor, undefined)];
  if (imageUserFor(base, options.nonRootBases) !== undefined) return [];
  const known = imageUserFor(base, options.imageUsers);
  const parsed = known === undefined ? undefined : parseImageUser(known);
  const added = config.addUser?.(suggestion);
  const fix = added
    ? (why: string): JibFix => ({
        description: `${why} Add \`${added.line}\` to ${added.where} (a UID the base image allows; create it in the base image if it needs a home or a passwd entry).`,
        line: added.line,
        kind: 'safe',
        edit: added.edit,
      })
    : undefined;
  if (parsed === undefined || parsed.kind === 'none' || (parsed.kind === 'uid' && parsed.uid === 0)) {
    return [
      finding(text, 'noUser', { base: baseLabel }, config.anchor, fix?.('Set a numeric non-root user.')),
    ];
  }
  return userFindings(text, parsed, known ?? '', config.anchor, fix, options);
}

function userFindings(
  text: string,
  parsed: ImageUser,
  written: string,
  at: number,
  fix: ((why: string) => JibFix) | undefined,
  options: Resolved,
): JibFinding[] {
  const values = { user: written, min: options.min, max: options.max };
  const make = (id: JibMessageId, why: string, extra: Record<string, string | number> = {}) => [
    finding(text, id, { ...values, ...extra }, at, fix?.(why)),
  ];
  switch (parsed.kind) {
    case 'none':
      return make('rootUser', 'Run as a non-root user.');
    case 'name':
      return parsed.name === 'root'
        ? make('rootUser', 'Run as a non-root user.')
        : make('namedUser', 'Replace the name with its UID.');
    case 'invalid':
      return make('invalidUid', 'Use a valid UID.', { uid: parsed.value });
    case 'uid': {
      const { uid } = parsed;
      if (uid === 0) return make('rootUser', 'Run as a non-root user.');
      if (options.denyUids.includes(uid)) return make('deniedUid', 'Use a UID of your own.', { uid });
      if (uid < options.min) return make('uidBelowMinimum', 'Use a higher UID.', { uid });
      if (uid > options.max) return make('uidAboveMaximum', 'Use a UID in range.', { uid });
      return [];
    }
  }
}

function analyze(text: string, options: Resolved): JibFinding[] {
  const config =
    options.format === 'maven' ? mavenConfiguration(text, options) : gradleConfiguration(text, options);
  return judge(text, config, options);
}

/**
 * Checks the user an image built by Jib runs as: no container user on a base image not known to
 * run as non-root (`noUser`), root (`rootUser`), a name the kubelet cannot verify (`namedUser`),
 * UIDs below the minimum, above the maximum, denied or invalid, and values that depend on a
 * property without a value (`unknownUser`, `unknownBase`: warnings). A build file that does not
 * configure Jib (or skips it, or is a Maven `pom` aggregator) gives no finding.
 *
 * Pure: pass the file's text and its format. Each finding carries the 1-based line and column of
 * the value at fault (or of the Jib plugin or block) and, where this file can take it, a text edit.
 *
 * @throws PodguardInputError naming the option for invalid options. Malformed files never throw:
 *   both readers are tolerant.
 */
export function analyzeJib(text: string, options: JibOptions): JibFinding[] {
  return analyze(text, resolveOptions(options));
}

/** Options already validated by the engine, as the `jibUser` rule passes them. */
export interface ResolvedJibOptions {
  readonly format: JibBuildFormat;
  readonly properties: Readonly<Record<string, string>>;
  readonly profiles: readonly string[] | undefined;
  readonly parents: readonly string[];
  readonly nonRootBases: readonly string[];
  readonly imageUsers: Readonly<Record<string, string>>;
  readonly uidRange: { readonly min: number; readonly max: number };
  readonly denyUids: readonly number[];
}

/** {@link analyzeJib} with options the engine has validated already. */
export function jibFindings(text: string, options: ResolvedJibOptions): JibFinding[] {
  // The session's input is typed, but JavaScript callers may pass anything: an input error, not a guess.
  if (!FORMATS.includes(options.format))
    throw new PodguardInputError(
      `Jib build file format must be ${FORMATS.join(', ')}, got ${JSON.stringify(options.format)}`,
      'format',
    );
  return analyze(text, {
    format: options.format,
    properties: options.properties,
    profiles: options.profiles,
    parents: options.parents,
    nonRootBases: Object.fromEntries(options.nonRootBases.map((base) => [base, 'non-root'])),
    imageUsers: { ...options.imageUsers },
    min: options.uidRange.min,
    max: options.uidRange.max,
    denyUids: options.denyUids,
  });
}
