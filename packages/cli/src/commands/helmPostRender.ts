/**
 * `podguard helm-post-render`: Helm's post-renderer. Helm writes the rendered manifests to its
 * standard input and installs what it prints; a non-zero exit aborts the install.
 *
 * The output is the input byte for byte except in the documents a safe fix changed (those are
 * re-serialised, comments and key order kept): `# Source:` comments, hooks, CRDs and every
 * other document pass through untouched. Findings go to stderr; the exit code is 1 when a
 * finding at or above `--fail-on` remains after fixing (nothing is printed then, so a
 * half-secured release is never installed), 2 for unreadable input or bad options.
 *
 * The fixes are the core's `harden()`. Today every fix harden() applies only adds what is
 * missing or corrects a value the profile forbids; when the core marks fixes safe or unsafe,
 * this command must ask for the safe ones only.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  type EvaluateOptions,
  formatText,
  harden,
  isBlocking,
  type ProfileName,
  resourceOf,
} from '@podguard/policy-core';
import { ConfigError, findConfig, loadConfig } from '../config.js';
import { applyOperation, styleOf } from '../documentPatch.js';
import { commandHelp, parseFlags } from '../flags.js';
import { type CliIo, UsageError } from '../io.js';
import { configPaths, type ScanRequest, scan } from '../scan.js';
import { cliVersion } from '../version.js';
import { HELM_POST_RENDER } from './spec.js';

async function readAll(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream)
    parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

/** The stream as Helm rendered it, as one in-memory input whose findings name their templates. */
function renderedInput(text: string) {
  return {
    display: '-',
    path: undefined,
    kind: 'manifest' as const,
    size: text.length,
    text,
    helmOutput: {},
  };
}

/** `podguard helm-post-render`. */
export async function runHelmPostRender(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(HELM_POST_RENDER, args);
  if (values.help) {
    io.stdout.write(commandHelp(HELM_POST_RENDER));
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`helm-post-render reads the manifests on standard input, not "${positionals[0]}"`);
  const imageUsers: Record<string, string> = {};
  for (const entry of values['image-user'] as string[]) {
    const match = /^([^=]+)=(.*)$/.exec(entry);
    if (!match) throw new UsageError(`--image-user must be IMAGE=USER, got "${entry}"`);
    imageUsers[match[1] as string] = match[2] as string;
  }
  const configFile =
    values.config !== undefined ? resolve(io.cwd, values.config as string) : findConfig(io.cwd);
  if (values.config !== undefined && !existsSync(configFile as string)) {
    throw new ConfigError(`${values.config}: configuration file not found`);
  }
  const config = configFile ? loadConfig(configFile) : {};
  const { imageDockerfiles: _d, imageConfigs: _c, jibProperties: _p, mavenProfiles: _m, ...core } = config;
  // Flags win over the file, under the current names (as for `podguard scan`).
  const options: EvaluateOptions = { ...core };
  if (values.profile !== undefined) options.profile = values.profile as ProfileName;
  if (values['pss-version'] !== undefined) {
    delete options.pssVersion;
    options.version = values['pss-version'] as string;
  }
  if (values['fail-on'] !== undefined) {
    delete options.warnings;
    options.failOn = values['fail-on'] as EvaluateOptions['failOn'];
  }
  const failOn = options.failOn ?? (options.warnings === 'fail' ? 'warning' : 'error');
  const paths = configPaths(config, configFile, io.cwd);

  const input = await readAll(io.stdin);
  const request = (text: string, keepDocuments: boolean): ScanRequest => ({
    paths: [],
    rendered: [renderedInput(text)],
    cwd: io.cwd,
    stdin: Readable.from([]),
    options,
    imageUsers,
    imageConfigs: [...paths.imageConfigs, ...(values['image-config'] as string[])],
    imageDockerfiles: paths.imageDockerfiles,
    keepDocuments,
    version: cliVersion(),
  });

  const before = await scan(request(input, true));
  if (before.report.inputErrors.length > 0) {
    io.stderr.write(formatText(before.report, { color: false }));
    return 2;
  }

  // Rewrite only the documents a fix changes, bottom-up so earlier line numbers stay valid.
  const eol = input.includes('\r\n') ? '\r\n' : '\n';
  const lines = input.split(eol);
  const applied: string[] = [];
  const documents = before.files.flatMap((file) => file.documents);
  for (const parsed of [...documents].reverse()) {
    if (parsed.inline) {
      io.stderr.write(
        `podguard: document ${parsed.index + 1} (line ${parsed.firstLine}) starts on its "---" line and is passed through unfixed\n`,
      );
      continue;
    }
    const many = Array.isArray(parsed.value);
    const { changes } = harden(parsed.value, before.options);
    if (changes.length === 0) continue;
    for (const change of changes) {
      for (const operation of change.patch) {
        applyOperation(parsed.document, {
          ...operation,
          path: many ? `/${change.objectIndex}${operation.path}` : operation.path,
        });
      }
    }
    const objects = many ? (parsed.value as unknown[]) : [parsed.value];
    const where = parsed.template ?? `document ${parsed.index + 1}`;
    applied.unshift(
      ...changes.map((change) => {
        const resource = resourceOf(objects[change.objectIndex]);
        const name = [resource.namespace, resource.name].filter(Boolean).join('/');
        return `podguard: fixed ${resource.kind} ${name} (${where}): ${change.description}\n`;
      }),
    );
    // Blank lines and comments after the content belong to the document's span but not to its text.
    const body = parsed.text.split(/\r?\n/);
    let trailing = 0;
    while (trailing < body.length && /^\s*$/.test(body[body.length - 1 - trailing] as string)) trailing++;
    const rewritten = parsed.document.toString(styleOf(parsed.text)).replace(/\n$/, '').split('\n');
    const kept = body.slice(body.length - trailing);
    lines.splice(parsed.firstLine - 1, parsed.lastLine - parsed.firstLine + 1, ...rewritten, ...kept);
  }
  const output = lines.join(eol);

  const after = await scan(request(output, false));
  for (const line of applied) io.stderr.write(line);
  io.stderr.write(formatText(after.report, { color: false }));
  // The session's own verdict: failOn decides, as for `podguard scan`.
  const failing = after.blocking
    ? after.report.findings.filter((finding) => isBlocking(finding, failOn)).length
    : 0;
  if (failing > 0) {
    io.stderr.write(
      `podguard: ${failing} finding${failing === 1 ? '' : 's'} at or above --fail-on ${failOn} remain after the safe fixes: nothing rendered (Helm aborts)\n`,
    );
    return 1;
  }
  io.stdout.write(output);
  return 0;
}
