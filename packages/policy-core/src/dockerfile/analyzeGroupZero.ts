/**
 * The `dockerfileGroupZero` rule's analysis: is an image ready for OpenShift, which runs it with
 * an arbitrary UID in group 0? Its application files must be accessible to group 0. In the target
 * stage's chain (the stage and the stages it is built on), after the last USER switch:
 * - each COPY/ADD must give its files to group 0 (`--chown=<user>:0`), unless a later RUN covers
 *   the destination with `chgrp 0`, `chown <user>:0` or `chmod g=u` / `g+rw`;
 * - the USER must not name a group other than 0.
 * A pure function of the text; an image without USER is `dockerfileUser`'s finding, not this one's.
 */

import { PodguardInputError } from '../model/errors.js';
import type { Severity, TextEdit } from '../model/types.js';
import { type DockerfileInstruction, parseDockerfile } from './parseDockerfile.js';

/** Rule id of group-0 findings. */
export const GROUP_ZERO_RULE = 'dockerfileGroupZero';

/** Message templates by message id, as documented in `docs/rules/dockerfileGroupZero.md`. */
export const groupZeroMessages = {
  copyNotGroupZero:
    '{instruction} to {destination} after USER {user} does not make the files group-0 accessible ({chown}, no later chgrp 0 or chmod g=u): OpenShift runs the image as an arbitrary UID in group 0',
  userGroupNotZero:
    'USER {user} names group {group}, not 0: OpenShift runs the image as an arbitrary UID in group 0, so files meant for group {group} are out of its reach',
} as const;

/** Message ids of {@link analyzeGroupZero} findings. */
export type GroupZeroMessageId = keyof typeof groupZeroMessages;

/** Short, stable reasons by message id. */
export const groupZeroReasons: Readonly<Record<GroupZeroMessageId, string>> = {
  copyNotGroupZero: 'files not in group 0',
  userGroupNotZero: 'USER group is not 0',
};

export const GROUP_ZERO_CONTROLS: readonly string[] = [
  'OpenShift Container Platform: Creating images: Support arbitrary user ids',
  'NSA/CISA: Kubernetes Pod security: Use containers built to run applications as non-root users',
];

/** A suggested edit of the Dockerfile. */
export interface GroupZeroFix {
  description: string;
  /** The instruction as it reads after the fix, e.g. `COPY --chown=1001:0 app /app`. */
  line: string;
  edit: TextEdit;
  /** `safe` when it only adds a `--chown`; `unsafe` when it changes a group the author wrote. */
  kind: 'safe' | 'unsafe';
}

/** One group-0 finding. */
export interface GroupZeroFinding {
  rule: typeof GROUP_ZERO_RULE;
  status: 'fail';
  severity: Severity;
  messageId: GroupZeroMessageId;
  message: string;
  controls: string[];
  /** 1-based line and column of the instruction at fault. */
  line: number;
  column: number;
  fix?: GroupZeroFix;
}

/** Options of {@link analyzeGroupZero}. */
export interface GroupZeroOptions {
  /** Build target stage name (default: the last stage). */
  target?: string;
}

interface Stage {
  readonly name: string | undefined;
  readonly parent: Stage | undefined;
  readonly instructions: DockerfileInstruction[];
}

function buildStages(text: string): Stage[] {
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  for (const instruction of parseDockerfile(text).instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args
        .trim()
        .split(/\s+/)
        .filter((word) => !word.startsWith('--'));
      const image = (words[0] ?? '').toLowerCase();
      const name = words.length >= 3 && (words[1] ?? '').toLowerCase() === 'as' ? words[2] : undefined;
      const parent = stages.find((candidate) => candidate.name?.toLowerCase() === image);
      stage = { name, parent, instructions: [] };
      stages.push(stage);
    } else if (stage) stage.instructions.push(instruction);
    else if (instruction.keyword !== 'ARG') {
      throw new PodguardInputError(
        `Dockerfile line ${instruction.line}: ${instruction.keyword} before the first FROM (only ARG may come first)`,
        `line ${instruction.line}`,
      );
    }
  }
  if (stages.length === 0) throw new PodguardInputError('Dockerfile has no FROM instruction', 'FROM');
  return stages;
}

/** The instructions of the target stage's chain, root stage first. */
function chainInstructions(stages: Stage[], target: string | undefined): DockerfileInstruction[] {
  let stage = stages[stages.length - 1] as Stage;
  if (target !== undefined) {
    const found = stages.find((candidate) => candidate.name?.toLowerCase() === target.toLowerCase());
    if (!found)
      throw new PodguardInputError(`Dockerfile has no stage named ${JSON.stringify(target)}`, 'target');
    stage = found;
  }
  const chain: Stage[] = [];
  for (let current: Stage | undefined = stage; current; current = current.parent) chain.unshift(current);
  return chain.flatMap((item) => item.instructions);
}

const unquote = (value: string): string => value.replace(/^["']|["']$/g, '');

/** `--flag=value` words and the other words of COPY/ADD; the JSON form's items as words. */
function copyWords(args: string): { flags: Map<string, string>; words: string[] } {
  const trimmed = args.trim();
  const flags = new Map<string, string>();
  const words: string[] = [];
  let rest = trimmed;
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!match) break;
    flags.set(match[1] as string, match[2] ?? '');
    rest = rest.slice(match[0].length);
  }
  if (rest.startsWith('[')) {
    for (const item of rest.matchAll(/"((?:\\.|[^"\\])*)"/g)) words.push(item[1] as string);
  } else
    words.push(
      ...rest
        .split(/\s+/)
        .filter((word) => word !== '')
        .map(unquote),
    );
  return { flags, words };
}

/** Joins a path to a working directory; `.`/`..` segments resolved. */
function absolute(path: string, workdir: string): string {
  const joined = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

const covers = (path: string, target: string): boolean =>
  path === '/' || target === path || target.startsWith(`${path}/`);

const GROUP_ZERO = new Set(['0', 'root']);

/** A chmod mode that lets the group write: `g=u`, `g+w`, `ug+rwX`, `a=rwx`, `775`, `0664`. */
function grantsGroupWrite(mode: string): boolean {
  if (/^[0-7]?[0-7][67][0-7]$/.test(mode)) return true;
  return mode.split(',').some((clause) => {
    const match = /^([ugoa]*)([=+])([rwxXstugo]*)$/.exec(clause);
    if (!match) return false;
    const who = match[1] as string;
    const permissions = match[3] as string;
    const group = who === '' || who.includes('g') || who.includes('a');
    return group && (permissions === 'u' || permissions.includes('w'));
  });
}

/** The paths a RUN makes group-0 accessible: `chgrp 0`, `chown x:0`, `chmod g=u` / `g+rw`. */
function groupZeroPaths(run: DockerfileInstruction, workdir: string): string[] {
  const text = [run.args, ...run.heredocs].join('\n');
  const paths: string[] = [];
  for (const segment of text.split(/&&|\|\||[;|\n]/)) {
    const words = segment.trim().split(/\s+/).map(unquote);
    const command = words.findIndex((word) => word === 'chgrp' || word === 'chown' || word === 'chmod');
    if (command === -1) continue;
    const name = words[command] as string;
    const operands = words.slice(command + 1).filter((word) => !word.startsWith('-'));
    const [mode, ...targets] = operands;
    if (mode === undefined) continue;
    const grants =
      name === 'chgrp'
        ? GROUP_ZERO.has(mode)
        : name === 'chown'
          ? GROUP_ZERO.has(mode.split(/[:.]/)[1] ?? '')
          : grantsGroupWrite(mode);
    if (grants) paths.push(...targets.map((target) => absolute(target, workdir)));
  }
  return paths;
}

function render(messageId: GroupZeroMessageId, values: Record<string, string>): string {
  return groupZeroMessages[messageId].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}

function finding(
  messageId: GroupZeroMessageId,
  values: Record<string, string>,
  instruction: DockerfileInstruction,
  fix: GroupZeroFix | undefined,
): GroupZeroFinding {
  const out: GroupZeroFinding = {
    rule: GROUP_ZERO_RULE,
    status: 'fail',
    severity: 'warning',
    messageId,
    message: render(messageId, values),
    controls: [...GROUP_ZERO_CONTROLS],
    line: instruction.line,
    column: instruction.column,
  };
  if (fix) out.fix = fix;
  return out;
}

/** The fix of a COPY/ADD: `--chown=<user>:0`, added or replacing the group of the one written. */
function chownFix(instruction: DockerfileInstruction, user: string): GroupZeroFix {
  const chown = `--chown=${user}:0`;
  for (const source of instruction.source) {
    const at = source.text.indexOf('--chown=');
    if (at === -1) continue;
    let end = at;
    while (end < source.text.length && !/\s/.test(source.text[end] as string)) end++;
    const written = source.text.slice(at, end);
    const owner = written.slice('--chown='.length).split(':')[0] || user;
    const replacement = `--chown=${owner}:0`;
    return {
      description: `Give the files to group 0: \`${replacement}\` (OpenShift's arbitrary UID is in group 0).`,
      line: `${source.text.slice(0, at)}${replacement}${source.text.slice(end)}`.trim(),
      kind: 'unsafe',
      edit: {
        start: { line: source.line, column: at + 1 },
        end: { line: source.line, column: end + 1 },
        text: replacement,
      },
    };
  }
  const first = instruction.source[0];
  const keywordEnd = instruction.column + instruction.keyword.length;
  const at = { line: instruction.line, column: keywordEnd };
  const text = first?.text ?? '';
  return {
    description: `Give the files to group 0: \`${chown}\` (OpenShift's arbitrary UID is in group 0).`,
    line: `${text.slice(0, keywordEnd - 1)} ${chown}${text.slice(keywordEnd - 1)}`.trim(),
    kind: 'safe',
    edit: { start: at, end: at, text: ` ${chown}` },
  };
}

function analyze(text: string, target: string | undefined): GroupZeroFinding[] {
  const instructions = chainInstructions(buildStages(text), target);
  let lastUser = -1;
  instructions.forEach((instruction, index) => {
    if (instruction.keyword === 'USER') lastUser = index;
  });
  const userInstruction = instructions[lastUser];
  if (userInstruction === undefined) return [];
  const findings: GroupZeroFinding[] = [];
  const written = unquote(userInstruction.args.trim());
  const colon = written.indexOf(':');
  const user = colon === -1 ? written : written.slice(0, colon);
  const group = colon === -1 ? undefined : written.slice(colon + 1);
  // A USER from a build argument is unknown until build time; its group is not judged.
  if (group !== undefined && !written.includes('$') && !GROUP_ZERO.has(group)) {
    const line = `USER ${user}:0`;
    const last = userInstruction.source[userInstruction.source.length - 1];
    findings.push(
      finding('userGroupNotZero', { user: written, group }, userInstruction, {
        description: `Run in group 0: \`${line}\`.`,
        line,
        kind: 'unsafe',
        edit: {
          start: { line: userInstruction.line, column: userInstruction.column },
          end: last
            ? { line: last.line, column: last.text.length + 1 }
            : { line: userInstruction.line, column: userInstruction.column },
          text: line,
        },
      }),
    );
  }
  let workdir = '/';
  const copies: { instruction: DockerfileInstruction; destination: string; chown: string | undefined }[] = [];
  const covered: string[] = [];
  instructions.forEach((instruction, index) => {
    const { keyword } = instruction;
    if (keyword === 'WORKDIR') workdir = absolute(unquote(instruction.args.trim()), workdir);
    if (index <= lastUser) return;
    if (keyword === 'COPY' || keyword === 'ADD') {
      const { flags, words } = copyWords(instruction.args);
      const destination = words[words.length - 1];
      if (destination === undefined || words.length < 2) return;
      const chown = flags.get('chown');
      if (chown !== undefined && GROUP_ZERO.has(chown.split(':')[1] ?? '')) return;
      copies.push({ instruction, destination: absolute(destination, workdir), chown });
      return;
    }
    if (keyword === 'RUN') {
      const paths = groupZeroPaths(instruction, workdir);
      // Only a RUN after a COPY covers it: remember where each grant happened.
      for (const path of paths) covered.push(`${index}\u0000${path}`);
    }
  });
  const indexOf = new Map(instructions.map((instruction, index) => [instruction, index]));
  for (const copy of copies) {
    const at = indexOf.get(copy.instruction) as number;
    const isCovered = covered.some((entry) => {
      const [index, path] = entry.split('\u0000') as [string, string];
      return Number(index) > at && covers(path, copy.destination);
    });
    if (isCovered) continue;
    findings.push(
      finding(
        'copyNotGroupZero',
        {
          instruction: copy.instruction.keyword,
          destination: copy.destination,
          user: written,
          chown: copy.chown === undefined ? 'no --chown' : `--chown=${copy.chown}`,
        },
        copy.instruction,
        chownFix(copy.instruction, user || '1001'),
      ),
    );
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return findings;
}

/**
 * Checks that a Dockerfile's target stage (default: the last) is ready for OpenShift's arbitrary
 * UID in group 0: application files copied after the last USER switch are given to group 0
 * (`copyNotGroupZero`), and USER names no group other than 0 (`userGroupNotZero`). Both warnings.
 *
 * @throws PodguardInputError naming the line for a malformed Dockerfile, or for an unknown target.
 */
export function analyzeGroupZero(text: string, options?: GroupZeroOptions): GroupZeroFinding[] {
  const target = options?.target;
  if (target !== undefined && typeof target !== 'string')
    throw new PodguardInputError('invalid Dockerfile option target: expected a stage name', 'target');
  return analyze(text, target);
}
