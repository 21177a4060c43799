/**
 * Drives a Pulumi policy pack the way the Pulumi CLI does, without the CLI: spawns
 * `@pulumi/pulumi/cmd/run-policy-pack <engine-address> <pack-dir>`, reads the port from the first
 * line of stdout, and talks to the analyzer over gRPC with the client @pulumi/pulumi ships.
 * `configure` reconciles config as the engine does (schema defaults, then the pack's initial
 * config, then the user's: `all` enforcement level, then per-policy) and validates it against each
 * policy's schema, as the engine refuses invalid config before any resource is analysed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as AnalyzerGrpc from '@pulumi/pulumi/proto/analyzer_grpc_pb.js';
import type * as AnalyzerPb from '@pulumi/pulumi/proto/analyzer_pb.js';
import { Ajv } from 'ajv';

const require = createRequire(import.meta.url);
const analyzerPbPath = require.resolve('@pulumi/pulumi/proto/analyzer_pb.js');
// Load protobuf/grpc from where @pulumi/pulumi loads them, so message classes match.
const fromPulumi = createRequire(analyzerPbPath);
const pb = fromPulumi(analyzerPbPath) as typeof AnalyzerPb;
const grpcPb = fromPulumi('./analyzer_grpc_pb') as typeof AnalyzerGrpc;
const grpc = fromPulumi('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
const { Struct } = fromPulumi(
  'google-protobuf/google/protobuf/struct_pb',
) as typeof import('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = fromPulumi(
  'google-protobuf/google/protobuf/empty_pb',
) as typeof import('google-protobuf/google/protobuf/empty_pb.js');

/** The script the CLI runs for a Node.js policy pack. */
export const RUN_POLICY_PACK = join(
  dirname(require.resolve('@pulumi/pulumi/package.json')),
  'cmd',
  'run-policy-pack',
);

export type EnforcementLevel = 'advisory' | 'mandatory' | 'disabled' | 'remediate';

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  0: 'advisory',
  1: 'mandatory',
  2: 'disabled',
  3: 'remediate',
};
const LEVEL_VALUES: Record<EnforcementLevel, number> = {
  advisory: 0,
  mandatory: 1,
  disabled: 2,
  remediate: 3,
};

/**
 * The sentinels the engine puts in a property Struct for values unknown during preview
 * (`resource.UnknownStringValue` etc. in pulumi's Go SDK).
 */
export const UNKNOWN = {
  bool: '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7',
  number: '3eeb2bf0-c639-47a8-9e75-3b44932eb421',
  string: '04da6b54-80e4-46f7-96ec-b56ff0331ba9',
  array: '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2',
  object: 'dd056dcd-154b-4c76-9bd3-c8f88648b5ff',
} as const;

/** How the engine marks a secret in a property Struct: `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export interface PolicyDescription {
  name: string;
  enforcementLevel: EnforcementLevel;
  severity: number;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface AnalyzerDescription {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyDescription[];
  initialConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>;
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

export interface NotApplicable {
  policyName: string;
  reason: string;
}

export interface AnalyzeResult {
  diagnostics: Diagnostic[];
  notApplicable: NotApplicable[];
}

export interface RemediationResult {
  policyName: string;
  properties?: Record<string, unknown>;
  diagnostic: string;
}

/** A resource as the engine describes it to an analyzer. */
export interface TestResource {
  type: string;
  name: string;
  properties: Record<string, unknown>;
  urn?: string;
  parent?: string;
}

/** User policy config as in a `--policy-pack-config` file. */
export type UserPolicyConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** The URN the engine would give a resource of this stack. */
export function urnOf(type: string, name: string, stack = 'dev', project = 'podguard-test'): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

function toStruct(value: Record<string, unknown>): InstanceType<typeof Struct> {
  return Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
}

function resourceOptions(): AnalyzerPb.AnalyzerResourceOptions {
  const options = new pb.AnalyzerResourceOptions();
  options.setProtect(false);
  return options;
}

function unary<Req, Res>(
  call: (request: Req, callback: (error: Error | null, response: Res) => void) => void,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    call(request, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** A running policy pack and a gRPC client connected to it. */
export class PolicyPackHarness {
  private readonly client: AnalyzerGrpc.AnalyzerClient;
  private stderrText = '';
  /** Milliseconds from spawn to the port line on stdout. */
  readonly startupMs: number;

  private constructor(
    private readonly child: ChildProcess,
    port: number,
    startupMs: number,
    stderr: () => string,
  ) {
    this.client = new grpcPb.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    this.startupMs = startupMs;
    this.stderrText = stderr();
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
    });
  }

  /** Starts `run-policy-pack` on a pack folder (one with PulumiPolicy.yaml and an entry). */
  static start(packDir: string, options: { timeoutMs?: number } = {}): Promise<PolicyPackHarness> {
    const started = performance.now();
    // The first argument is the engine address; the pack only passes it to logging.
    const child = spawn(process.execPath, [RUN_POLICY_PACK, '127.0.0.1:0', packDir], {
      cwd: packDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return new Promise((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(
          new Error(
            `policy pack ${packDir} printed no port within ${options.timeoutMs ?? 30_000} ms\n${stderr}`,
          ),
        );
      }, options.timeoutMs ?? 30_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack ${packDir} exited with code ${code}\n${stderr}`));
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const newline = stdout.indexOf('\n');
        if (newline < 0) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        const port = Number(stdout.slice(0, newline).trim());
        if (!Number.isInteger(port) || port <= 0) {
          child.kill();
          reject(
            new Error(
              `policy pack printed ${JSON.stringify(stdout.slice(0, newline))} instead of a port\n${stderr}`,
            ),
          );
          return;
        }
        resolve(new PolicyPackHarness(child, port, performance.now() - started, () => stderr));
      });
    });
  }

  /** What the pack wrote to stderr (its logs). */
  get stderr(): string {
    return this.stderrText;
  }

  async getAnalyzerInfo(): Promise<AnalyzerDescription> {
    const info = await unary<InstanceType<typeof Empty>, AnalyzerPb.AnalyzerInfo>(
      (request, callback) => this.client.getAnalyzerInfo(request, callback),
      new Empty(),
    );
    const initialConfig: AnalyzerDescription['initialConfig'] = {};
    info.getInitialconfigMap().forEach((config, name) => {
      initialConfig[name] = {
        enforcementLevel: LEVEL_NAMES[config.getEnforcementlevel()] ?? 'advisory',
        properties: (config.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
      };
    });
    return {
      name: info.getName(),
      version: info.getVersion(),
      supportsConfig: info.getSupportsconfig(),
      initialConfig,
      policies: info.getPoliciesList().map((policy) => {
        const schema = policy.getConfigschema();
        const description: PolicyDescription = {
          name: policy.getName(),
          enforcementLevel: LEVEL_NAMES[policy.getEnforcementlevel()] ?? 'advisory',
          severity: policy.getSeverity(),
        };
        if (schema) {
          description.configSchema = {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
              string,
              Record<string, unknown>
            >,
            required: schema.getRequiredList(),
          };
        }
        return description;
      }),
    };
  }

  /**
   * Reconciles config as the engine does and sends it with Configure. Returns the config sent.
   * Throws, like the engine, when the result does not validate against a policy's schema.
   */
  async configure(
    user: UserPolicyConfig = {},
  ): Promise<Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>> {
    const info = await this.getAnalyzerInfo();
    const result = reconcileConfig(info, user);
    const request = new pb.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, config] of Object.entries(result)) {
      const policyConfig = new pb.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVEL_VALUES[config.enforcementLevel] as AnalyzerPb.EnforcementLevel);
      policyConfig.setProperties(toStruct(config.properties));
      map.set(name, policyConfig);
    }
    await unary<AnalyzerPb.ConfigureAnalyzerRequest, unknown>(
      (req, callback) => this.client.configure(req, callback),
      request,
    );
    return result;
  }

  private request(resource: TestResource): AnalyzerPb.AnalyzeRequest {
    const request = new pb.AnalyzeRequest();
    request.setType(resource.type);
    request.setName(resource.name);
    request.setUrn(resource.urn ?? urnOf(resource.type, resource.name));
    request.setProperties(toStruct(resource.properties));
    request.setOptions(resourceOptions());
    return request;
  }

  async analyze(resource: TestResource): Promise<AnalyzeResult> {
    const response = await unary<AnalyzerPb.AnalyzeRequest, AnalyzerPb.AnalyzeResponse>(
      (request, callback) => this.client.analyze(request, callback),
      this.request(resource),
    );
    return toResult(response);
  }

  async analyzeStack(resources: TestResource[]): Promise<AnalyzeResult> {
    const request = new pb.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const item = new pb.AnalyzerResource();
        item.setType(resource.type);
        item.setName(resource.name);
        item.setUrn(resource.urn ?? urnOf(resource.type, resource.name));
        item.setProperties(toStruct(resource.properties));
        item.setOptions(resourceOptions());
        if (resource.parent) item.setParent(resource.parent);
        return item;
      }),
    );
    const response = await unary<AnalyzerPb.AnalyzeStackRequest, AnalyzerPb.AnalyzeResponse>(
      (req, callback) => this.client.analyzeStack(req, callback),
      request,
    );
    return toResult(response);
  }

  async remediate(resource: TestResource): Promise<RemediationResult[]> {
    const response = await unary<AnalyzerPb.AnalyzeRequest, AnalyzerPb.RemediateResponse>(
      (request, callback) => this.client.remediate(request, callback),
      this.request(resource),
    );
    return response.getRemediationsList().map((remediation) => {
      const result: RemediationResult = {
        policyName: remediation.getPolicyname(),
        diagnostic: remediation.getDiagnostic(),
      };
      const properties = remediation.getProperties();
      if (properties) result.properties = properties.toJavaScript() as Record<string, unknown>;
      return result;
    });
  }

  /**
   * What `pulumi preview` does with one resource: remediations first (each sees the previous
   * one's properties), then analysis of the result. Returns the final properties too.
   */
  async preview(resource: TestResource): Promise<AnalyzeResult & { properties: Record<string, unknown> }> {
    let properties = resource.properties;
    for (const remediation of await this.remediate(resource)) {
      if (remediation.properties) properties = remediation.properties;
    }
    const result = await this.analyze({ ...resource, properties });
    return { ...result, properties };
  }

  close(): void {
    this.client.close();
    this.child.kill();
  }
}

function toResult(response: AnalyzerPb.AnalyzeResponse): AnalyzeResult {
  return {
    diagnostics: response.getDiagnosticsList().map((diagnostic) => ({
      policyName: diagnostic.getPolicyname(),
      policyPackName: diagnostic.getPolicypackname(),
      message: diagnostic.getMessage(),
      enforcementLevel: LEVEL_NAMES[diagnostic.getEnforcementlevel()] ?? 'advisory',
      urn: diagnostic.getUrn(),
    })),
    notApplicable: response.getNotApplicableList().map((item) => ({
      policyName: item.getPolicyName(),
      reason: item.getReason(),
    })),
  };
}

/**
 * The engine's `ReconcilePolicyPackConfig`: schema defaults and policy levels, then the pack's
 * initial config, then the user's config (`all` sets every level; per-policy entries set the
 * level and merge properties), then schema validation.
 */
export function reconcileConfig(
  info: AnalyzerDescription,
  user: UserPolicyConfig,
): Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
  const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> =
    {};
  for (const policy of info.policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if ('default' in schema) properties[key] = structuredClone(schema.default);
    }
    result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
  }
  const apply = (
    config: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>,
  ) => {
    const all = config.all?.enforcementLevel;
    if (all) for (const entry of Object.values(result)) entry.enforcementLevel = all;
    for (const [name, given] of Object.entries(config)) {
      const entry = result[name] ?? { enforcementLevel: 'advisory' as EnforcementLevel, properties: {} };
      if (given.enforcementLevel) entry.enforcementLevel = given.enforcementLevel;
      Object.assign(entry.properties, given.properties);
      result[name] = entry;
    }
  };
  apply(info.initialConfig);
  const normalized: Record<
    string,
    { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }
  > = {};
  for (const [name, value] of Object.entries(user)) {
    if (typeof value === 'string') normalized[name] = { enforcementLevel: value, properties: {} };
    else {
      const { enforcementLevel, ...properties } = value;
      normalized[name] = enforcementLevel ? { enforcementLevel, properties } : { properties };
    }
  }
  apply(normalized);
  const ajv = new Ajv({ allErrors: true, strict: false });
  const errors: string[] = [];
  for (const policy of info.policies) {
    if (!policy.configSchema) continue;
    const validate = ajv.compile({
      type: 'object',
      properties: policy.configSchema.properties,
      required: policy.configSchema.required,
    });
    if (!validate(result[policy.name]?.properties ?? {})) {
      for (const error of validate.errors ?? [])
        errors.push(`${policy.name}: ${error.instancePath || '(root)'} ${error.message}`);
    }
  }
  if (errors.length > 0) throw new Error(`policy pack configuration is invalid:\n${errors.join('\n')}`);
  return result;
}

/** The podguard pack folder. */
export const PODGUARD_PACK = join(dirname(require.resolve('@podguard/pulumi/package.json')), 'pack');

/** A pack folder whose program calls `createPodguardPack({ profile: 'hardend' })`. */
export const HARDEND_PACK = join(dirname(new URL(import.meta.url).pathname), 'packs', 'hardend');

/**
 * Builds @podguard/pulumi when its dist is missing or older than its sources (`npm test` builds
 * first; this keeps a lone `vitest run` honest). A lock directory keeps parallel test files from
 * building at the same time.
 */
export async function ensurePulumiBuild(): Promise<void> {
  const { existsSync, mkdirSync, readdirSync, rmSync, statSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const root = dirname(PODGUARD_PACK);
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const path = join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  const stale = () =>
    !existsSync(join(root, 'dist', 'index.js')) ||
    statSync(join(root, 'dist', 'index.js')).mtimeMs < newest(join(root, 'src'));
  if (!stale()) return;
  const lock = join(root, '.build-lock');
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (attempt > 600) throw new Error(`${lock} held for a minute; remove it if no build is running`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, ['build.mjs'], { cwd: root, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
