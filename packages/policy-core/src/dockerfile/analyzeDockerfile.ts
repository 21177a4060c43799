/**
 * The `dockerfileUser` rule: which user the final stage of a Dockerfile runs as, and the ways
 * that goes wrong before Kubernetes ever sees the image. A pure function of the text.
 *
 * It follows the build: global `ARG`s for `FROM`, stages (`FROM image AS name`), a stage based
 * on an earlier one (`FROM name`) inheriting its USER and ENV, `ARG`/`ENV` substitution
 * (with `buildArgs` overriding ARG defaults), and the last USER of the target stage's chain.
 */

import { imageUserFor } from '../image/imageReference.js';
import { type ImageUser, parseImageUser } from '../image/parseImageUser.js';
import { PodguardInputError } from '../model/errors.js';
import { requireString } from '../model/inputGuard.js';
import type { Severity, TextEdit } from '../model/types.js';
import { describeType } from '../podspec/describeType.js';
import { isRecord } from '../podspec/extract.js';
import { expandVariables } from './expandVariables.js';
import { type DockerfileInstruction, parseDockerfile } from './parseDockerfile.js';

/** Rule id of Dockerfile findings. */
export const DOCKERFILE_RULE = 'dockerfileUser';

/** Message templates by message id, as documented in `docs/rules/dockerfileUser.md`. */
export const dockerfileMessages = {
  noUser: 'the final stage (FROM {base}) sets no USER, so the container runs as root',
  rootUser: 'USER {user} runs the container as root',
  namedUser:
    'USER {user} is a name: the kubelet cannot verify a named user is non-root, so runAsNonRoot pods will not start',
  uidBelowMinimum: 'USER {user} has UID {uid}, below the minimum {min}',
  uidAboveMaximum: 'USER {user} has UID {uid}, above the maximum {max}',
  deniedUid: 'USER {user} has UID {uid}, a denied UID (shared by unrelated software)',
  invalidUid: 'USER {user} has UID {uid}, which is not a valid user id (0..2147483647)',
  useraddWithoutUid:
    '{command} without a fixed UID (-u/--uid): the UID depends on the base image, so manifests cannot pin runAsUser to it',
  unknownBase:
    'the final stage (FROM {base}) sets no USER and its base image depends on build argument {arg}, which has no value: the user is unknown until build time (pass --build-arg {arg}=...)',
  unknownUser:
    'USER {user} depends on build argument {arg}, which has no value: the user is unknown until build time (pass --build-arg {arg}=...)',
} as const;

/** Message ids of {@link analyzeDockerfile} findings. */
export type DockerfileMessageId = keyof typeof dockerfileMessages;

const SEVERITIES: Readonly<Record<DockerfileMessageId, Severity>> = {
  noUser: 'error',
  rootUser: 'error',
  namedUser: 'error',
  uidBelowMinimum: 'error',
  uidAboveMaximum: 'error',
  deniedUid: 'error',
  invalidUid: 'error',
  useraddWithoutUid: 'warning',
  unknownBase: 'warning',
  unknownUser: 'warning',
};

/** Short, stable reasons by message id; the message carries the specifics. */
export const dockerfileReasons: Readonly<Record<DockerfileMessageId, string>> = {
  noUser: 'no USER',
  rootUser: 'USER is root',
  namedUser: 'USER is a name',
  uidBelowMinimum: 'UID out of range',
  uidAboveMaximum: 'UID out of range',
  deniedUid: 'UID denied',
  invalidUid: 'invalid UID',
  useraddWithoutUid: 'useradd without UID',
  unknownBase: 'base image unknown',
  unknownUser: 'USER unknown',
};

export const DOCKERFILE_CONTROLS: readonly string[] = [
  'CIS Docker 4.1',
  'CIS 5.2.7',
  'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
  'ISO 27001:2013 A.9.4.4',
  'ISO 27001:2013 A.12.6.1',
  'ISO 27001:2013 A.14.2.5',
];

/** Options of {@link analyzeDockerfile}. */
export interface DockerfileOptions {
  /**
   * Base images known to run as a non-root user (`gcr.io/distroless/static:nonroot`,
   * `registry.example/base:*` for every tag): a final stage on them without USER is not reported.
   */
  nonRootBases?: string[];
  /** Base image → OCI config `User`, as the `imageUsers` option of evaluate(); checked like a USER line. */
  imageUsers?: Record<string, string>;
  /** `--build-arg` values; they override ARG defaults. */
  buildArgs?: Record<string, string>;
  /** Allowed UID range, inclusive (default 1000..2147483647). */
  uidRange?: { min?: number; max?: number };
  /** UIDs never allowed (default 65534, 65535). */
  denyUids?: number[];
  /** Build target stage name (default: the last stage). */
  target?: string;
}

/** A suggested replacement or addition, as a Dockerfile line and the text edit that writes it. */
export interface DockerfileFix {
  description: string;
  /** The line to write, e.g. `USER 1000:1000`. */
  line: string;
  /** The edit of the Dockerfile's text that applies the fix. */
  edit: TextEdit;
}

/** One Dockerfile finding, in the shape of an evaluate() finding plus a source position. */
export interface DockerfileFinding {
  rule: typeof DOCKERFILE_RULE;
  status: 'fail';
  severity: Severity;
  messageId: DockerfileMessageId;
  message: string;
  controls: string[];
  /** 1-based line and column of the instruction at fault (the final FROM for `noUser`). */
  line: number;
  column: number;
  fix?: DockerfileFix;
}

/** The user the target stage runs as, and where it comes from. */
export interface DockerfileUser {
  /** The USER value after substitution; `undefined` when nothing in the chain sets one. */
  user: string | undefined;
  /** True when the value depends on a build argument without default (unknown until build). */
  unresolved: boolean;
  /** The build arguments without a value the USER depends on. */
  unresolvedArgs: readonly string[];
  line: number;
  column: number;
}

interface Stage {
  readonly name: string | undefined;
  readonly base: string;
  /** Build arguments without a value the base image reference depends on. */
  readonly baseUnresolved: readonly string[];
  readonly from: DockerfileInstruction;
  /** The stage's last instruction (where a USER is added). */
  last: DockerfileInstruction;
  readonly parent: Stage | undefined;
  readonly variables: Map<string, string | undefined>;
  /** Names set by ENV (inherited by stages built on this one), as opposed to ARG. */
  readonly envNames: Set<string>;
  user: DockerfileUser | undefined;
  /** The USER instruction of `user`, when this stage's chain has one. */
  userInstruction: DockerfileInstruction | undefined;
  readonly runs: DockerfileInstruction[];
}

interface Resolved {
  readonly nonRootBases: Record<string, string>;
  readonly imageUsers: Record<string, string>;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly min: number;
  readonly max: number;
  readonly denyUids: readonly number[];
  readonly target: string | undefined;
}

const MAX_ID = 2_147_483_647;

function resolveOptions(options: DockerfileOptions | undefined): Resolved {
  const input: Record<string, unknown> = (options ?? {}) as Record<string, unknown>;
  const fail = (field: string, message: string): never => {
    throw new PodguardInputError(`invalid Dockerfile option ${field}: ${message}`, field);
  };
  if (!isRecord(input)) fail('options', `expected an object, got ${describeType(input)}`);
  const known = ['nonRootBases', 'imageUsers', 'buildArgs', 'uidRange', 'denyUids', 'target'];
  for (const key of Object.keys(input)) if (!known.includes(key)) fail(key, 'unknown option');
  const strings = (field: string): string[] => {
    const value = input[field];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
      fail(field, 'expected an array of strings');
    return value as string[];
  };
  const record = (field: string): Record<string, string> => {
    const value = input[field];
    if (value === undefined) return {};
    if (!isRecord(value) || Object.values(value).some((item) => typeof item !== 'string')) {
      fail(field, 'expected an object of strings');
    }
    return value as Record<string, string>;
  };
  const id = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID) {
      fail(field, `expected an integer between 0 and ${MAX_ID}, got ${JSON.stringify(value)}`);
    }
    return value as number;
  };
  const range = input.uidRange;
  if (range !== undefined && !isRecord(range)) fail('uidRange', 'expected { min, max }');
  const min = isRecord(range) && range.min !== undefined ? id(range.min, 'uidRange.min') : 1000;
  const max = isRecord(range) && range.max !== undefined ? id(range.max, 'uidRange.max') : MAX_ID;
  if (min > max) fail('uidRange', `min (${min}) is greater than max (${max})`);
  const deny = input.denyUids;
  if (deny !== undefined && !Array.isArray(deny)) fail('denyUids', 'expected an array of UIDs');
  const target = input.target;
  if (target !== undefined && typeof target !== 'string') fail('target', 'expected a stage name');
  return {
    nonRootBases: Object.fromEntries(strings('nonRootBases').map((base) => [base, 'non-root'])),
    imageUsers: record('imageUsers'),
    buildArgs: record('buildArgs'),
    min,
    max,
    denyUids: Array.isArray(deny) ? deny.map((uid, index) => id(uid, `denyUids[${index}]`)) : [65534, 65535],
    target: target as string | undefined,
  };
}

function render(messageId: DockerfileMessageId, values: Record<string, string | number>): string {
  return dockerfileMessages[messageId].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

/** Splits `ARG A=1 B` / `ENV A=1 B="x y"` / legacy `ENV A value` into pairs (quotes removed). */
export function keyValues(args: string, legacySpaceForm: boolean): [string, string | undefined][] {
  const trimmed = args.trim();
  if (legacySpaceForm && !/^[^\s=]+=/.test(trimmed)) {
    const match = /^(\S+)\s+([\s\S]*)$/.exec(trimmed);
    if (match) return [[match[1] as string, unquote((match[2] as string).trim())]];
  }
  const pairs: [string, string | undefined][] = [];
  for (const token of shellWords(trimmed)) {
    const eq = token.indexOf('=');
    if (eq === -1) pairs.push([token, undefined]);
    else pairs.push([token.slice(0, eq), unquote(token.slice(eq + 1))]);
  }
  return pairs;
}

/*
 * Quotes are read by scanning, not by regular expressions such as `"(?:\\.|[^"\\])*"` with the
 * global flag: on text full of unterminated quotes (`a="\"\"\…`) those rescan the rest of the line
 * from every quote, which is quadratic (issue 19). The scanners below give the same results.
 */

const isBlank = (char: string): boolean => /\s/.test(char);
const isLineTerminator = (char: string | undefined): boolean =>
  char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029';

/**
 * For each position inside a double-quoted string (after its opening quote), the index of the
 * closing quote or -1 when the string is not terminated. Scans from different opening quotes that
 * reach the same position continue the same way, so each position is scanned once.
 */
function doubleQuoteCloser(text: string): (open: number) => number {
  const memo = new Map<number, number>();
  return (open) => {
    const visited: number[] = [];
    let k = open + 1;
    let close: number;
    for (;;) {
      const known = memo.get(k);
      if (known !== undefined) {
        close = known;
        break;
      }
      if (k >= text.length) {
        close = -1;
        break;
      }
      visited.push(k);
      const char = text[k];
      if (char === '"') {
        close = k;
        break;
      }
      if (char === '\\') {
        // An escape takes the next character, except a line terminator (`.` does not match one).
        if (k + 1 < text.length && !isLineTerminator(text[k + 1])) {
          k += 2;
          continue;
        }
        close = -1;
        break;
      }
      k++;
    }
    for (const position of visited) memo.set(position, close);
    return close;
  };
}

/** The index of the quote closing the quoted string opened at `open`, or -1. */
function quoteCloser(text: string): (open: number) => number {
  const double = doubleQuoteCloser(text);
  return (open) => (text[open] === '"' ? double(open) : text.indexOf("'", open + 1));
}

/** Words separated by blanks; a quoted string (terminated) may contain blanks. Unterminated quotes are dropped. */
function shellWords(text: string): string[] {
  const closer = quoteCloser(text);
  const words: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length) {
      const char = text[end] as string;
      if (char === '"' || char === "'") {
        const close = closer(end);
        if (close === -1) break;
        end = close + 1;
      } else if (isBlank(char)) {
        break;
      } else {
        end++;
      }
    }
    if (end > start) words.push(text.slice(start, end));
    start = end > start ? end : start + 1;
  }
  return words;
}

/** Removes quotes: `"a\"b"` is `a"b`, `'a b'` is `a b`; an unterminated quote stays. */
export function unquote(value: string): string {
  const closer = quoteCloser(value);
  let out = '';
  let i = 0;
  while (i < value.length) {
    const char = value[i] as string;
    const close = char === '"' || char === "'" ? closer(i) : -1;
    if (close === -1) {
      out += char;
      i++;
      continue;
    }
    const inner = value.slice(i + 1, close);
    out += char === '"' ? inner.replace(/\\(.)/g, '$1') : inner;
    i = close + 1;
  }
  return out;
}

/** `FROM [--platform=…] image [AS name]`. */
function parseFrom(args: string, line: number): { image: string; name: string | undefined } {
  const words = args
    .trim()
    .split(/\s+/)
    .filter((word) => !word.startsWith('--'));
  const image = words[0];
  if (image === undefined || image === '') {
    throw new PodguardInputError(`Dockerfile line ${line}: FROM needs an image`, `line ${line}`);
  }
  if (words.length >= 3 && (words[1] ?? '').toLowerCase() === 'as') return { image, name: words[2] };
  return { image, name: undefined };
}

function buildStages(text: string, options: Resolved): Stage[] {
  const { escape: escapeChar, instructions } = parseDockerfile(text);
  const globals = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  // Stage names, lower-cased, to the first stage of that name: a FROM looks its parent up here,
  // not by a search of every earlier stage (100,000 stages took minutes, issue 19).
  const byName = new Map<string, Stage>();
  let stage: Stage | undefined;
  const withBuildArg = (name: string, value: string | undefined): string | undefined =>
    Object.hasOwn(options.buildArgs, name) ? options.buildArgs[name] : value;

  for (const instruction of instructions) {
    const { keyword, args } = instruction;
    if (keyword === 'FROM') {
      const from = parseFrom(args, instruction.line);
      const expanded = expandVariables(from.image, globals, escapeChar);
      const image = expanded.value;
      const parent = byName.get(image.toLowerCase());
      stage = {
        name: from.name,
        base: image,
        baseUnresolved: parent ? parent.baseUnresolved : expanded.unresolved,
        from: instruction,
        last: instruction,
        parent,
        // A stage on an earlier stage inherits its ENV; ARGs must be declared again in each stage.
        variables: new Map(parent ? [...parent.variables].filter(([key]) => parent.envNames.has(key)) : []),
        user: parent?.user,
        userInstruction: parent?.userInstruction,
        runs: [],
        envNames: new Set(parent?.envNames ?? []),
      };
      stages.push(stage);
      if (from.name !== undefined && !byName.has(from.name.toLowerCase()))
        byName.set(from.name.toLowerCase(), stage);
      continue;
    }
    if (stage === undefined) {
      if (keyword === 'ARG') {
        for (const [name, value] of keyValues(args, false)) {
          globals.set(
            name,
            withBuildArg(
              name,
              value === undefined ? undefined : expandVariables(value, globals, escapeChar).value,
            ),
          );
        }
        continue;
      }
      throw new PodguardInputError(
        `Dockerfile line ${instruction.line}: ${keyword} before the first FROM (only ARG may come first)`,
        `line ${instruction.line}`,
      );
    }
    const envNames = stage.envNames;
    stage.last = instruction;
    switch (keyword) {
      case 'ARG':
        for (const [name, value] of keyValues(args, false)) {
          // `ARG NAME` in a stage brings a global ARG's value into scope.
          const declared =
            value === undefined
              ? globals.get(name)
              : expandVariables(value, stage.variables, escapeChar).value;
          if (!envNames.has(name)) stage.variables.set(name, withBuildArg(name, declared));
        }
        break;
      case 'ENV':
        for (const [name, value] of keyValues(args, true)) {
          stage.variables.set(name, expandVariables(value ?? '', stage.variables, escapeChar).value);
          envNames.add(name);
        }
        break;
      case 'USER': {
        const expansion = expandVariables(args.trim(), stage.variables, escapeChar);
        stage.user = {
          user: unquote(expansion.value.trim()),
          unresolved: expansion.unresolved.length > 0,
          unresolvedArgs: expansion.unresolved,
          line: instruction.line,
          column: instruction.column,
        };
        stage.userInstruction = instruction;
        break;
      }
      case 'RUN':
        stage.runs.push(instruction);
        break;
      default:
        break;
    }
  }
  if (stages.length === 0) throw new PodguardInputError('Dockerfile has no FROM instruction', 'FROM');
  return stages;
}

// A command word: not part of a longer word such as `useradd-free` (a path prefix is fine).
const USERADD = /(?<![\w-])(useradd|adduser)(?![\w-])/g;
const SEPARATORS = /&&|\|\||[;|\n]/;

/** `useradd`/`adduser` commands of a RUN without `-u`/`--uid` (busybox `adduser -u`, Debian `--uid`). */
function useraddsWithoutUid(run: DockerfileInstruction): { command: string; line: number; column: number }[] {
  const text = [run.args, ...run.heredocs].join('\n');
  const found: { command: string; line: number; column: number }[] = [];
  let occurrence = 0;
  for (const segment of text.split(SEPARATORS)) {
    for (const match of segment.matchAll(USERADD)) {
      const rest = segment.slice((match.index ?? 0) + match[0].length);
      const hasUid = /(^|\s)(-u\s*\S|--uid(=|\s+)\S|-[A-Za-z]*u\s*\d)/.test(rest);
      if (!hasUid) found.push({ command: match[0], ...positionOf(run, occurrence) });
      occurrence++;
    }
  }
  return found;
}

/** Line and column of the n-th useradd/adduser word in the instruction's physical lines. */
function positionOf(run: DockerfileInstruction, occurrence: number): { line: number; column: number } {
  let seen = 0;
  for (const source of run.source) {
    for (const match of source.text.matchAll(USERADD)) {
      if (seen === occurrence) return { line: source.line, column: (match.index ?? 0) + 1 };
      seen++;
    }
  }
  return { line: run.line, column: run.column };
}

function finding(
  messageId: DockerfileMessageId,
  values: Record<string, string | number>,
  position: { line: number; column: number },
  fix: DockerfileFix | undefined,
): DockerfileFinding {
  const out: DockerfileFinding = {
    rule: DOCKERFILE_RULE,
    status: 'fail',
    severity: SEVERITIES[messageId],
    messageId,
    message: render(messageId, values),
    controls: [...DOCKERFILE_CONTROLS],
    line: position.line,
    column: position.column,
  };
  if (fix) out.fix = fix;
  return out;
}

function targetStage(stages: Stage[], target: string | undefined): Stage {
  if (target === undefined) return stages[stages.length - 1] as Stage;
  const wanted = target.toLowerCase();
  const stage = stages.find((candidate) => candidate.name?.toLowerCase() === wanted);
  if (!stage)
    throw new PodguardInputError(`Dockerfile has no stage named ${JSON.stringify(target)}`, 'target');
  return stage;
}

/** The stage and the stages it is built on, nearest first. */
function chain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let current: Stage | undefined = stage; current; current = current.parent) out.push(current);
  return out;
}

/** Replaces a whole instruction (all its physical lines) with `text`. */
function replaceInstruction(instruction: DockerfileInstruction, text: string): TextEdit {
  const last = instruction.source[instruction.source.length - 1];
  return {
    start: { line: instruction.line, column: instruction.column },
    end: last
      ? { line: last.line, column: last.text.length + 1 }
      : { line: instruction.line, column: instruction.column },
    text,
  };
}

/** Adds a line after a stage's last instruction. */
function appendToStage(stage: Stage, text: string): TextEdit {
  const last = stage.last.source[stage.last.source.length - 1];
  const at = last
    ? { line: last.line, column: last.text.length + 1 }
    : { line: stage.last.line, column: stage.last.column };
  return { start: at, end: at, text: `\n${text}` };
}

function userFindings(
  parsed: ImageUser,
  written: string,
  position: { line: number; column: number },
  edit: TextEdit,
  options: Resolved,
): DockerfileFinding[] {
  const suggestion = `USER ${options.min}:${options.min}`;
  const fix = (why: string): DockerfileFix => ({
    description: `${why} Use a numeric UID, e.g. \`${suggestion}\`.`,
    line: suggestion,
    edit,
  });
  const values = { user: written, min: options.min, max: options.max };
  switch (parsed.kind) {
    case 'none':
      return [finding('rootUser', values, position, fix('Run as a non-root user.'))];
    case 'name':
      return parsed.name === 'root'
        ? [finding('rootUser', values, position, fix('Run as a non-root user.'))]
        : [finding('namedUser', values, position, fix(`Replace the name with its UID.`))];
    case 'invalid':
      return [finding('invalidUid', { ...values, uid: parsed.value }, position, fix('Use a valid UID.'))];
    case 'uid': {
      const uid = parsed.uid;
      if (uid === 0) return [finding('rootUser', values, position, fix('Run as a non-root user.'))];
      if (options.denyUids.includes(uid)) {
        return [finding('deniedUid', { ...values, uid }, position, fix('Use a UID of your own.'))];
      }
      if (uid < options.min)
        return [finding('uidBelowMinimum', { ...values, uid }, position, fix('Use a higher UID.'))];
      if (uid > options.max)
        return [finding('uidAboveMaximum', { ...values, uid }, position, fix('Use a UID in range.'))];
      return [];
    }
  }
}

function analyze(
  text: string,
  options: Resolved,
): { findings: DockerfileFinding[]; user: DockerfileUser | undefined } {
  const stages = buildStages(text, options);
  const target = targetStage(stages, options.target);
  const lineage = chain(target);
  const findings: DockerfileFinding[] = [];
  const user = target.user;
  const root = lineage[lineage.length - 1] as Stage;
  const position = { line: target.from.line, column: target.from.column };
  const suggestion = `USER ${options.min}:${options.min}`;

  if (user !== undefined) {
    const [arg] = user.unresolvedArgs;
    if (arg !== undefined) {
      // Unknown until build time: said so, never judged as root.
      findings.push(finding('unknownUser', { user: user.user ?? '', arg }, user, undefined));
    } else {
      const instruction = target.userInstruction;
      const edit = instruction
        ? replaceInstruction(instruction, suggestion)
        : appendToStage(target, suggestion);
      findings.push(...userFindings(parseImageUser(user.user ?? ''), user.user ?? '', user, edit, options));
    }
  } else if (root.baseUnresolved[0] !== undefined) {
    findings.push(
      finding('unknownBase', { base: target.base, arg: root.baseUnresolved[0] }, position, undefined),
    );
  } else if (imageUserFor(root.base, options.nonRootBases) === undefined) {
    const known = imageUserFor(root.base, options.imageUsers);
    const parsed = known === undefined ? undefined : parseImageUser(known);
    const edit = appendToStage(target, suggestion);
    if (parsed === undefined || parsed.kind === 'none' || (parsed.kind === 'uid' && parsed.uid === 0)) {
      findings.push(
        finding('noUser', { base: target.base }, position, {
          description: `Add \`${suggestion}\` at the end of the final stage (create the user with a fixed UID first).`,
          line: suggestion,
          edit,
        }),
      );
    } else {
      findings.push(...userFindings(parsed, known ?? '', position, edit, options));
    }
  }
  for (const stage of [...lineage].reverse()) {
    for (const run of stage.runs) {
      for (const hit of useraddsWithoutUid(run)) {
        const suggestion =
          hit.command === 'useradd' ? `useradd --uid ${options.min} app` : `adduser --uid ${options.min} app`;
        const at = { line: hit.line, column: hit.column + hit.command.length };
        findings.push(
          finding('useraddWithoutUid', { command: hit.command }, hit, {
            description: `Give the user a fixed UID, e.g. \`${suggestion}\`, and use it in USER and runAsUser.`,
            line: suggestion,
            edit: { start: at, end: at, text: ` --uid ${options.min}` },
          }),
        );
      }
    }
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { findings, user };
}

/**
 * Checks the user a Dockerfile's final stage (or `options.target`) runs as: forgotten root
 * (`noUser`), `USER root`/`USER 0` (`rootUser`), a named user the kubelet cannot verify
 * (`namedUser`), UIDs below the minimum, above the maximum, denied or invalid, and
 * `useradd`/`adduser` without a fixed UID in the stages the final one is built on.
 *
 * Pure: pass the file's text. Each finding carries the 1-based line and column of the instruction
 * at fault and, where there is one, the line to write instead.
 *
 * @throws PodguardInputError naming the line for a malformed Dockerfile (no FROM, an
 *   instruction before FROM, an unterminated heredoc) or naming the option for invalid options.
 */
export function analyzeDockerfile(text: string, options?: DockerfileOptions): DockerfileFinding[] {
  requireString(text, 'text');
  return analyze(text, resolveOptions(options)).findings;
}

/**
 * The USER the final stage (or `options.target`) runs as, after substitution, with its position;
 * `undefined` when no stage in its chain sets one (the base image's USER applies). Feed
 * `user.user` into the `imageUsers` option to check manifests that use the built image.
 */
export function dockerfileUser(text: string, options?: DockerfileOptions): DockerfileUser | undefined {
  requireString(text, 'text');
  return analyze(text, resolveOptions(options)).user;
}

/** Options already validated by the engine, as the `dockerfileUser` rule passes them. */
export interface ResolvedDockerfileOptions {
  readonly nonRootBases: readonly string[];
  readonly imageUsers: Readonly<Record<string, string>>;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly uidRange: { readonly min: number; readonly max: number };
  readonly denyUids: readonly number[];
  readonly target: string | undefined;
}

/** {@link analyzeDockerfile} with options the engine has validated already. */
export function dockerfileFindings(text: string, options: ResolvedDockerfileOptions): DockerfileFinding[] {
  return analyze(text, {
    nonRootBases: Object.fromEntries(options.nonRootBases.map((base) => [base, 'non-root'])),
    imageUsers: { ...options.imageUsers },
    buildArgs: options.buildArgs,
    min: options.uidRange.min,
    max: options.uidRange.max,
    denyUids: options.denyUids,
    target: options.target,
  }).findings;
}
