/**
 * The commands' declarations: what `podguard --help` and `podguard <command> --help` print, and what
 * the parser accepts. Choices come from the core (profile names), never from a list of our own.
 */
import { profiles } from '@podguard/policy-core';
import { type CommandSpec, flagTable, HELP_FLAG } from '../flags.js';

/** The report formats of `podguard scan`. */
export const SCAN_FORMATS = ['text', 'compact', 'json', 'ndjson', 'sarif', 'junit'] as const;

export const SCAN: CommandSpec = {
  name: 'scan',
  args: 'PATH... | -',
  summary: 'Scan manifests, Helm output, kubectl dumps and Dockerfiles; - reads stdin.',
  flags: {
    profile: {
      type: 'string',
      value: 'NAME',
      choices: Object.keys(profiles),
      description: 'the rule set; default hardened',
    },
    'pss-version': {
      type: 'string',
      value: 'VERSION',
      description: 'Pod Security Standards version, v1.N or latest; default latest',
    },
    format: {
      type: 'string',
      value: 'FORMAT',
      choices: SCAN_FORMATS,
      default: 'text',
      description: 'report format',
    },
    output: { type: 'string', value: 'FILE', description: 'write the report to FILE, not standard output' },
    config: {
      type: 'string',
      value: 'FILE',
      description: 'use FILE, not the nearest podguard.config.{json,yaml,yml} upward',
    },
    'no-config': { type: 'boolean', description: 'use no configuration file' },
    'image-user': {
      type: 'string',
      value: 'IMAGE=USER',
      multiple: true,
      description: 'the USER an image runs as, e.g. registry/app:1.2=1000:0',
    },
    'image-config': {
      type: 'string',
      value: 'FILE',
      multiple: true,
      description: '`docker inspect` output, or IMAGE=FILE (an OCI image config)',
    },
    'fail-on': {
      type: 'string',
      value: 'SEVERITY',
      choices: ['error', 'warning', 'none'],
      description: 'exit 1 on findings at or above it; default error',
    },
    fix: {
      type: 'boolean',
      description: 'apply the safe fixes, then report what is left; --fix=unsafe: also unsafe',
    },
    unsafe: {
      type: 'boolean',
      description: 'with --fix: also apply fixes that change or remove what the author wrote',
    },
    'dry-run': {
      type: 'boolean',
      description: 'with --fix: print the fixes as a unified diff, change nothing',
    },
    summary: {
      type: 'string',
      value: 'VIEW',
      choices: ['controls'],
      description: 'text format: also group the findings by compliance control',
    },
    verbose: { type: 'boolean', description: 'text format: print the fix under every finding' },
    jobs: {
      type: 'string',
      value: 'N',
      description: 'scan on N threads (same report); default: the CPUs, from 4 MB of files',
    },
    helm: {
      type: 'boolean',
      description: 'render the chart directories with helm template, scan the output',
    },
    values: {
      type: 'string',
      value: 'FILE',
      multiple: true,
      description: 'with --helm: a values file for helm template',
    },
    kustomize: {
      type: 'string',
      value: 'DIR',
      multiple: true,
      description: 'render DIR with kubectl kustomize and scan the output',
    },
    help: HELP_FLAG,
  },
};

export const RULES: CommandSpec = {
  name: 'rules',
  args: '',
  summary: 'List every rule: id, level, severity, description and controls.',
  flags: {
    format: {
      type: 'string',
      value: 'FORMAT',
      choices: ['text', 'json'],
      default: 'text',
      description: 'list format',
    },
    help: HELP_FLAG,
  },
};

export const EXPLAIN: CommandSpec = {
  name: 'explain',
  args: 'RULE',
  summary: "Print a rule's documentation (rule ids match case-insensitively).",
  flags: { help: HELP_FLAG },
};

export const HELM_POST_RENDER: CommandSpec = {
  name: 'helm-post-render',
  args: '',
  summary: 'Helm --post-renderer: safe fixes from stdin to stdout; blocking findings abort.',
  flags: {
    profile: SCAN.flags.profile as CommandSpec['flags'][string],
    'pss-version': SCAN.flags['pss-version'] as CommandSpec['flags'][string],
    config: SCAN.flags.config as CommandSpec['flags'][string],
    'image-user': SCAN.flags['image-user'] as CommandSpec['flags'][string],
    'image-config': SCAN.flags['image-config'] as CommandSpec['flags'][string],
    'fail-on': SCAN.flags['fail-on'] as CommandSpec['flags'][string],
    help: HELP_FLAG,
  },
};

export const ADMISSION: CommandSpec = {
  name: 'admission',
  args: '',
  summary: 'Print ValidatingAdmissionPolicies that enforce the rules in the API server.',
  flags: {
    profile: SCAN.flags.profile as CommandSpec['flags'][string],
    config: SCAN.flags.config as CommandSpec['flags'][string],
    'no-config': SCAN.flags['no-config'] as CommandSpec['flags'][string],
    'fail-on': {
      type: 'string',
      value: 'SEVERITY',
      choices: ['error', 'warning', 'none'],
      description: 'deny at or above it, warn below; default error',
    },
    'exempt-namespace': {
      type: 'string',
      value: 'NAME',
      multiple: true,
      description: 'leave namespace NAME out of the bindings',
    },
    name: { type: 'string', value: 'PREFIX', description: 'prefix of the object names; default podguard' },
    format: {
      type: 'string',
      value: 'FORMAT',
      choices: ['yaml', 'json'],
      default: 'yaml',
      description: 'output format (json: a List)',
    },
    output: SCAN.flags.output as CommandSpec['flags'][string],
    help: HELP_FLAG,
  },
};

export const COMMANDS: readonly CommandSpec[] = [SCAN, HELM_POST_RENDER, ADMISSION, RULES, EXPLAIN];

/** `podguard --help`: every command and every flag, from the declarations above. */
export const USAGE = [
  'Usage: podguard <command> [flags]',
  '',
  'Scans Kubernetes manifests (YAML, JSON, List, helm template output, kubectl get -o yaml dumps) and',
  'Dockerfiles and Jib builds (pom.xml, build.gradle[.kts]) for containers that run as root or break',
  'the Pod Security Standards.',
  '',
  'Commands:',
  ...(() => {
    const rows = [
      ...COMMANDS.map((c) => [`${c.name} ${c.args}`.trimEnd(), c.summary]),
      ['--version', 'print the version'],
      ['--help', 'show this help; podguard <command> --help shows one command'],
    ];
    const width = Math.max(...rows.map(([usage]) => (usage as string).length));
    return rows.map(([usage, summary]) => `  ${(usage as string).padEnd(width)}  ${summary}`);
  })(),
  '',
  ...COMMANDS.flatMap((c) => [`podguard ${c.name} flags:`, ...flagTable(c), '']),
  'Flags win over the configuration file, podguard.config.{json,yaml,yml} found upward.',
  'Exit codes: 0 nothing at or above --fail-on (default error), 1 findings, 2 usage or input errors.',
  'Colour: on a terminal only; NO_COLOR, FORCE_COLOR (0 turns it off) and TERM=dumb are honoured.',
  '',
].join('\n');
