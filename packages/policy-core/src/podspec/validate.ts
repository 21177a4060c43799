/**
 * Type validation of the pod-spec fields rules read. Manifests come from users, YAML and
 * generators: `runAsUser: "0"` or `containers: {}` must give a precise error, never a pass and
 * never a TypeError inside a rule. Rules run only on pod specs that pass this validation.
 */
import type { JsonPointer } from '../model/types.js';
import { describeType } from './describeType.js';
import { isRecord } from './extract.js';
import { pointer } from './pointer.js';

/** One type error: where, and what was expected. */
export interface InputProblem {
  path: JsonPointer;
  message: string;
}

/** The type of a field, as the validators below check it. */
export type Shape =
  | 'string'
  | 'boolean'
  | 'object'
  | { integer: readonly [min: number, max: number] }
  | { array: Shape }
  | { fields: Readonly<Record<string, Shape>> }
  | { map: Shape };

const STRING_MAP: Shape = { map: 'string' };
/**
 * Integers, in the ranges the API server's validation accepts (pkg/apis/core/validation): user
 * and group ids `IsValidUserID`/`IsValidGroupID`, ports `IsValidPortNum` (a hostPort of 0 is
 * none). A value outside is rejected there before any admission plugin runs, so it is invalid
 * input here, never a pass; and a number read from text beyond 2^53, which JavaScript cannot hold
 * exactly, is outside every one of them, so no verdict rests on a rounded value.
 */
const ID: Shape = { integer: [0, 2147483647] };
const PORT: Shape = { integer: [1, 65535] };
const HOST_PORT: Shape = { integer: [0, 65535] };
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
        fields: { hostPort: HOST_PORT, containerPort: PORT, hostIP: 'string', protocol: 'string' },
      },
    },
    securityContext: {
      fields: {
        capabilities: { fields: { add: { array: 'string' }, drop: { array: 'string' } } },
        privileged: 'boolean',
        seLinuxOptions: SE_LINUX,
        windowsOptions: WINDOWS,
        runAsUser: ID,
        runAsGroup: ID,
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
/** The pod-spec fields rules read, with their types. */
export const POD_SPEC: Shape = {
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
        runAsUser: ID,
        runAsGroup: ID,
        runAsNonRoot: 'boolean',
        supplementalGroups: { array: ID },
        fsGroup: ID,
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
/** The metadata fields rules read (pod template or Pod). */
export const METADATA: Shape = {
  fields: { name: 'string', namespace: 'string', annotations: STRING_MAP, labels: STRING_MAP },
};

function expected(shape: Shape): string {
  if (typeof shape === 'string') return `a ${shape}`;
  if ('integer' in shape) return 'an integer';
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
  if (shape === 'object') {
    return (value, base, tokens, problems) => {
      if (value != null && !isRecord(value)) report(value, shape, base, tokens, problems);
    };
  }
  if ('integer' in shape) {
    const [min, max] = shape.integer;
    return (value, base, tokens, problems) => {
      if (value == null) return;
      if (!(typeof value === 'number' && Number.isInteger(value)))
        return report(value, shape, base, tokens, problems);
      if (value < min || value > max) {
        const path = pointer(base, ...tokens);
        problems.push({
          path,
          message: `${path} must be between ${min} and ${max}, inclusive, got ${describeType(value)}`,
        });
      }
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

/*
 * The fast path: the same shapes as POD_SPEC and METADATA, written out by hand. Nearly every pod
 * is well-typed, so `validatePodSpec` first asks these and walks the shapes (building problems
 * with pointers, in schema order) only when they say no. Written out, every field is read at a
 * property access of its own, which sees one object shape and stays fast; a generic walker reads
 * every field of every shape at one shared access and runs several times slower on real pods.
 * Each check accepts null and undefined (unset), like the walk. Inherited properties (never in
 * parsed JSON or YAML) can only make a check say no; the walk, which reads own properties, then
 * decides. validate.test.ts proves the two paths agree on generated and corpus pods.
 */

type Check = (value: unknown) => boolean;

const okString = (value: unknown): boolean => value == null || typeof value === 'string';
const okBoolean = (value: unknown): boolean => value == null || typeof value === 'boolean';
const okId = (value: unknown): boolean =>
  value == null ||
  (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2147483647);
const okPortNumber = (value: unknown): boolean =>
  value == null || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535);
const okHostPort = (value: unknown): boolean =>
  value == null || (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535);
const okObject = (value: unknown): boolean => value == null || isRecord(value);

/** An array whose items are not null and pass `item`; unset is fine. */
function okArray(value: unknown, item: Check): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    const element: unknown = value[index];
    if (element === null || !item(element)) return false;
  }
  return true;
}

/** An object whose values are all strings (annotations, labels). */
function okStringMap(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  for (const key in value) if (!okString(value[key])) return false;
  return true;
}

function okSeLinux(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return okString(value.user) && okString(value.role) && okString(value.type) && okString(value.level);
}

function okProfile(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return okString(value.type) && okString(value.localhostProfile);
}

function okWindows(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okString(value.gmsaCredentialSpecName) &&
    okString(value.gmsaCredentialSpec) &&
    okString(value.runAsUserName) &&
    okBoolean(value.hostProcess)
  );
}

function okHttpGet(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return okString(value.host) && okString(value.path) && okString(value.scheme);
}

function okTcpSocket(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okString(value.host);
}

function okHandler(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okHttpGet(value.httpGet) &&
    okTcpSocket(value.tcpSocket) &&
    okObject(value.exec) &&
    okObject(value.grpc) &&
    okObject(value.sleep)
  );
}

function okLifecycle(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okHandler(value.postStart) && okHandler(value.preStop);
}

function okPort(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okHostPort(value.hostPort) &&
    okPortNumber(value.containerPort) &&
    okString(value.hostIP) &&
    okString(value.protocol)
  );
}

function okVolumeMount(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return okString(value.name) && okString(value.mountPath) && okBoolean(value.readOnly);
}

function okCapabilities(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okArray(value.add, okString) && okArray(value.drop, okString);
}

function okContainerSecurityContext(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okCapabilities(value.capabilities) &&
    okBoolean(value.privileged) &&
    okSeLinux(value.seLinuxOptions) &&
    okWindows(value.windowsOptions) &&
    okId(value.runAsUser) &&
    okId(value.runAsGroup) &&
    okBoolean(value.runAsNonRoot) &&
    okBoolean(value.readOnlyRootFilesystem) &&
    okBoolean(value.allowPrivilegeEscalation) &&
    okString(value.procMount) &&
    okProfile(value.seccompProfile) &&
    okProfile(value.appArmorProfile)
  );
}

function okContainer(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okString(value.name) &&
    okString(value.image) &&
    okArray(value.ports, okPort) &&
    okContainerSecurityContext(value.securityContext) &&
    okHandler(value.livenessProbe) &&
    okHandler(value.readinessProbe) &&
    okHandler(value.startupProbe) &&
    okLifecycle(value.lifecycle) &&
    okArray(value.volumeMounts, okVolumeMount)
  );
}

function okHostPath(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okString(value.path) && okString(value.type);
}

function okVolume(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okString(value.name) && okHostPath(value.hostPath);
}

function okSysctl(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okString(value.name) && okString(value.value);
}

function okPodSecurityContext(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okSeLinux(value.seLinuxOptions) &&
    okWindows(value.windowsOptions) &&
    okId(value.runAsUser) &&
    okId(value.runAsGroup) &&
    okBoolean(value.runAsNonRoot) &&
    okArray(value.supplementalGroups, okId) &&
    okId(value.fsGroup) &&
    okArray(value.sysctls, okSysctl) &&
    okProfile(value.seccompProfile) &&
    okProfile(value.appArmorProfile)
  );
}

function okOs(value: unknown): boolean {
  if (value == null) return true;
  return isRecord(value) && okString(value.name);
}

/** POD_SPEC, written out. */
function isWellTypedPodSpec(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okArray(value.volumes, okVolume) &&
    okArray(value.initContainers, okContainer) &&
    okArray(value.containers, okContainer) &&
    okArray(value.ephemeralContainers, okContainer) &&
    okPodSecurityContext(value.securityContext) &&
    okBoolean(value.hostNetwork) &&
    okBoolean(value.hostPID) &&
    okBoolean(value.hostIPC) &&
    okBoolean(value.hostUsers) &&
    okOs(value.os) &&
    okBoolean(value.automountServiceAccountToken) &&
    okString(value.serviceAccountName)
  );
}

/** METADATA, written out. */
function isWellTypedMetadata(value: unknown): boolean {
  if (value == null) return true;
  if (!isRecord(value)) return false;
  return (
    okString(value.name) &&
    okString(value.namespace) &&
    okStringMap(value.annotations) &&
    okStringMap(value.labels)
  );
}

const validatePodSpecShape = compile(POD_SPEC);
const validateMetadataShape = compile(METADATA);
const NO_PROBLEMS: readonly InputProblem[] = Object.freeze([]);

/** Type problems in a pod spec and its metadata, with JSON pointers; empty when rules can run. */
export function validatePodSpec(
  spec: unknown,
  specPath: JsonPointer,
  metadata: unknown,
  metadataPath: JsonPointer,
): readonly InputProblem[] {
  if (isWellTyped(spec, metadata)) return NO_PROBLEMS;
  return collectProblems(spec, specPath, metadata, metadataPath);
}

/**
 * Type problems in an object's metadata alone (a Namespace's: its labels are read by the namespace
 * rules), with JSON pointers; empty when rules can run.
 */
export function validateMetadata(metadata: unknown, metadataPath: JsonPointer): readonly InputProblem[] {
  if (isWellTypedMetadata(metadata)) return NO_PROBLEMS;
  const problems: InputProblem[] = [];
  validateMetadataShape(metadata, metadataPath, [], problems);
  return problems;
}

/** The fast path alone: true when {@link collectProblems} would find nothing. */
export function isWellTyped(spec: unknown, metadata: unknown): boolean {
  return isWellTypedPodSpec(spec) && isWellTypedMetadata(metadata);
}

/** The slow path alone: every problem, in schema order, with pointers. */
export function collectProblems(
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
