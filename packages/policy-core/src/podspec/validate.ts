/**
 * Type validation of the pod-spec fields rules read. Manifests come from users, YAML and
 * generators: `runAsUser: "0"` or `containers: {}` must give a precise error, never a pass and
 * never a TypeError inside a rule. Rules run only on pod specs that pass this validation.
 */
import type { JsonPointer } from '../types.js';
import { describeType, isRecord } from './extract.js';
import { pointer } from './pointer.js';

/** One type error: where, and what was expected. */
export interface InputProblem {
  path: JsonPointer;
  message: string;
}

type Shape =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'object'
  | { array: Shape }
  | { fields: Readonly<Record<string, Shape>> }
  | { map: Shape };

const STRING_MAP: Shape = { map: 'string' };
const SE_LINUX: Shape = { fields: { user: 'string', role: 'string', type: 'string', level: 'string' } };
const PROFILE: Shape = { fields: { type: 'string', localhostProfile: 'string' } };
const WINDOWS: Shape = {
  fields: {
    gmsaCredentialSpecName: 'string',
    gmsaCredentialSpec: 'string',
    runAsUserName: 'string',
    hostProcess: 'boolean',
  },
};
const HANDLER: Shape = {
  fields: {
    httpGet: { fields: { host: 'string', path: 'string', scheme: 'string' } },
    tcpSocket: { fields: { host: 'string' } },
    exec: 'object',
    grpc: 'object',
    sleep: 'object',
  },
};
const CONTAINER: Shape = {
  fields: {
    name: 'string',
    image: 'string',
    ports: {
      array: {
        fields: { hostPort: 'integer', containerPort: 'integer', hostIP: 'string', protocol: 'string' },
      },
    },
    securityContext: {
      fields: {
        capabilities: { fields: { add: { array: 'string' }, drop: { array: 'string' } } },
        privileged: 'boolean',
        seLinuxOptions: SE_LINUX,
        windowsOptions: WINDOWS,
        runAsUser: 'integer',
        runAsGroup: 'integer',
        runAsNonRoot: 'boolean',
        readOnlyRootFilesystem: 'boolean',
        allowPrivilegeEscalation: 'boolean',
        procMount: 'string',
        seccompProfile: PROFILE,
        appArmorProfile: PROFILE,
      },
    },
    livenessProbe: HANDLER,
    readinessProbe: HANDLER,
    startupProbe: HANDLER,
    lifecycle: { fields: { postStart: HANDLER, preStop: HANDLER } },
    volumeMounts: { array: { fields: { name: 'string', mountPath: 'string', readOnly: 'boolean' } } },
  },
};
const POD_SPEC: Shape = {
  fields: {
    volumes: {
      array: { fields: { name: 'string', hostPath: { fields: { path: 'string', type: 'string' } } } },
    },
    initContainers: { array: CONTAINER },
    containers: { array: CONTAINER },
    ephemeralContainers: { array: CONTAINER },
    securityContext: {
      fields: {
        seLinuxOptions: SE_LINUX,
        windowsOptions: WINDOWS,
        runAsUser: 'integer',
        runAsGroup: 'integer',
        runAsNonRoot: 'boolean',
        supplementalGroups: { array: 'integer' },
        fsGroup: 'integer',
        sysctls: { array: { fields: { name: 'string', value: 'string' } } },
        seccompProfile: PROFILE,
        appArmorProfile: PROFILE,
      },
    },
    hostNetwork: 'boolean',
    hostPID: 'boolean',
    hostIPC: 'boolean',
    hostUsers: 'boolean',
    os: { fields: { name: 'string' } },
    automountServiceAccountToken: 'boolean',
    serviceAccountName: 'string',
  },
};
const METADATA: Shape = {
  fields: { name: 'string', namespace: 'string', annotations: STRING_MAP, labels: STRING_MAP },
};

function expected(shape: Shape): string {
  if (typeof shape === 'string') return shape === 'integer' ? 'an integer' : `a ${shape}`;
  if ('array' in shape) return 'an array';
  return 'an object';
}

/**
 * Walks `value` against `shape`. The path is kept as a token stack and turned into a JSON pointer
 * only when a problem is found: validation runs on every pod, so the common case must not build
 * strings.
 */
function check(
  value: unknown,
  shape: Shape,
  base: JsonPointer,
  tokens: (string | number)[],
  problems: InputProblem[],
): void {
  // `null` is how YAML writes an empty field (`securityContext:`); the API server treats it as unset.
  if (value === null || value === undefined) return;
  let ok: boolean;
  if (shape === 'string') ok = typeof value === 'string';
  else if (shape === 'boolean') ok = typeof value === 'boolean';
  else if (shape === 'integer') ok = typeof value === 'number' && Number.isInteger(value);
  else if (shape === 'object') ok = isRecord(value);
  else if ('array' in shape) ok = Array.isArray(value);
  else ok = isRecord(value);
  if (!ok) {
    const path = pointer(base, ...tokens);
    problems.push({ path, message: `${path} must be ${expected(shape)}, got ${describeType(value)}` });
    return;
  }
  if (typeof shape === 'string') return;
  if ('array' in shape) {
    const items = value as unknown[];
    for (let index = 0; index < items.length; index++) {
      tokens.push(index);
      if (items[index] === null) {
        const path = pointer(base, ...tokens);
        problems.push({ path, message: `${path} must not be null` });
      } else check(items[index], shape.array, base, tokens, problems);
      tokens.pop();
    }
  } else if ('map' in shape) {
    for (const key in value as Record<string, unknown>) {
      if (!Object.hasOwn(value as object, key)) continue;
      tokens.push(key);
      check((value as Record<string, unknown>)[key], shape.map, base, tokens, problems);
      tokens.pop();
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const key in shape.fields) {
      if (!Object.hasOwn(record, key)) continue;
      tokens.push(key);
      check(record[key], shape.fields[key] as Shape, base, tokens, problems);
      tokens.pop();
    }
  }
}

/** Type problems in a pod spec and its metadata, with JSON pointers; empty when rules can run. */
export function validatePodSpec(
  spec: unknown,
  specPath: JsonPointer,
  metadata: unknown,
  metadataPath: JsonPointer,
): InputProblem[] {
  const problems: InputProblem[] = [];
  check(spec, POD_SPEC, specPath, [], problems);
  check(metadata, METADATA, metadataPath, [], problems);
  return problems;
}
