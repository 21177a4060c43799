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

/** A compiled shape: checks one value; the path is a token stack turned into a pointer only on error. */
type Validator = (
  value: unknown,
  base: JsonPointer,
  tokens: (string | number)[],
  problems: InputProblem[],
) => void;

function report(
  value: unknown,
  shape: Shape,
  base: JsonPointer,
  tokens: (string | number)[],
  problems: InputProblem[],
): void {
  const path = pointer(base, ...tokens);
  problems.push({ path, message: `${path} must be ${expected(shape)}, got ${describeType(value)}` });
}

/**
 * Compiles a shape into a validator once, at module load: validation runs on every pod, so the
 * common case must neither interpret the shape nor build strings.
 */
function compile(shape: Shape): Validator {
  // `null` is how YAML writes an empty field (`securityContext:`); the API server treats it as unset.
  if (shape === 'string' || shape === 'boolean') {
    return (value, base, tokens, problems) => {
      if (value != null && typeof value !== shape) report(value, shape, base, tokens, problems);
    };
  }
  if (shape === 'integer') {
    return (value, base, tokens, problems) => {
      if (value != null && !(typeof value === 'number' && Number.isInteger(value)))
        report(value, shape, base, tokens, problems);
    };
  }
  if (shape === 'object') {
    return (value, base, tokens, problems) => {
      if (value != null && !isRecord(value)) report(value, shape, base, tokens, problems);
    };
  }
  if ('array' in shape) {
    const item = compile(shape.array);
    return (value, base, tokens, problems) => {
      if (value == null) return;
      if (!Array.isArray(value)) return report(value, shape, base, tokens, problems);
      for (let index = 0; index < value.length; index++) {
        tokens.push(index);
        if (value[index] === null) {
          const path = pointer(base, ...tokens);
          problems.push({ path, message: `${path} must not be null` });
        } else item(value[index], base, tokens, problems);
        tokens.pop();
      }
    };
  }
  if ('map' in shape) {
    const item = compile(shape.map);
    return (value, base, tokens, problems) => {
      if (value == null) return;
      if (!isRecord(value)) return report(value, shape, base, tokens, problems);
      for (const key of Object.keys(value)) {
        tokens.push(key);
        item(value[key], base, tokens, problems);
        tokens.pop();
      }
    };
  }
  const fields = Object.entries(shape.fields).map(([key, field]) => [key, compile(field)] as const);
  return (value, base, tokens, problems) => {
    if (value == null) return;
    if (!isRecord(value)) return report(value, shape, base, tokens, problems);
    for (const [key, validator] of fields) {
      const field = value[key];
      if (field == null || !Object.hasOwn(value, key)) continue;
      tokens.push(key);
      validator(field, base, tokens, problems);
      tokens.pop();
    }
  };
}

const validatePodSpecShape = compile(POD_SPEC);
const validateMetadataShape = compile(METADATA);

/** Type problems in a pod spec and its metadata, with JSON pointers; empty when rules can run. */
export function validatePodSpec(
  spec: unknown,
  specPath: JsonPointer,
  metadata: unknown,
  metadataPath: JsonPointer,
): InputProblem[] {
  const problems: InputProblem[] = [];
  validatePodSpecShape(spec, specPath, [], problems);
  validateMetadataShape(metadata, metadataPath, [], problems);
  return problems;
}
