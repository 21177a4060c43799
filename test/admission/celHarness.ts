/**
 * Runs generated ValidatingAdmissionPolicies with a real CEL implementation (@bufbuild/cel) the
 * way the API server does: variables in order, then each validation and its messageExpression.
 * @bufbuild/cel has the standard library and the strings extension; the few Kubernetes library
 * functions the policies use (`min`, `indexOf` on lists, `find`/`findAll` on strings) are added
 * here with the semantics of k8s.io/apiserver/pkg/cel/library. Each expression is parsed and
 * planned once per policy.
 */
import {
  type CelResult,
  CelScalar,
  celEnv,
  celMethod,
  isCelError,
  isCelList,
  listType,
  parse,
  plan,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { ValidatingAdmissionPolicy } from '../../packages/policy-core/src/admission/toAdmissionPolicies.js';

const DYN_LIST = listType(CelScalar.DYN);

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`cannot compare ${typeof a} and ${typeof b}`);
}

const kubernetesLibrary = [
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    const values = [...this];
    if (values.length === 0) throw new Error('min called on empty list');
    return values.reduce((a, b) => (compare(b, a) < 0 ? b : a));
  }),
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (value) {
    let index = 0;
    for (const item of this) {
      if (item === value) return BigInt(index);
      index++;
    }
    return -1n;
  }),
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (pattern) {
    return new RegExp(pattern, 'u').exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], DYN_LIST, function (pattern) {
    return [...this.matchAll(new RegExp(pattern, 'gu'))].map((match) => match[0]);
  }),
];

/** JSON as the API server hands it to CEL: integers are ints, and null fields are absent. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(toCel);
  if (value !== null && typeof value === 'object') {
    const out = new Map<string, unknown>();
    for (const [key, item] of Object.entries(value))
      if (item !== null && item !== undefined) out.set(key, toCel(item));
    return out;
  }
  return value;
}

/** The outcome of one validation on one object. */
export interface ValidationOutcome {
  /** The rule id (from the validation's static message). */
  rule: string;
  allowed: boolean;
  /** The messageExpression's value when denied. */
  message?: string;
}

type Program = (bindings: Record<string, unknown>) => CelResult;

/** A compiled policy: run it on objects. */
export interface CompiledPolicy {
  run(object: unknown): ValidationOutcome[];
}

function compile(expression: string, where: string): Program {
  const env = celEnv({ funcs: [...strings, ...kubernetesLibrary] });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch (error) {
    throw new Error(`${where}: ${String(error)}`);
  }
  return plan(env, parsed) as Program;
}

function unwrap(result: CelResult, where: string): unknown {
  if (isCelError(result)) throw new Error(`${where}: ${result.message}`);
  return result;
}

/** The variables an expression reads (computed before it runs: eager per expression, lazy per policy). */
function reads(expression: string): string[] {
  return [
    ...new Set(
      [...expression.matchAll(/variables\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] as string),
    ),
  ];
}

/** Compiles every variable and validation of a policy once. */
export function compilePolicy(policy: ValidatingAdmissionPolicy): CompiledPolicy {
  // Variables are lazy in the API server: each is computed when an expression first reads it.
  const variables = new Map(
    policy.spec.variables.map((variable) => [
      variable.name,
      {
        program: compile(variable.expression, `${policy.metadata.name} variable ${variable.name}`),
        reads: reads(variable.expression),
      },
    ]),
  );
  const validations = policy.spec.validations.map((validation) => ({
    rule: validation.message.replace(/^podguard /, ''),
    expression: compile(validation.expression, `${policy.metadata.name} ${validation.message}`),
    expressionReads: reads(validation.expression),
    message: compile(validation.messageExpression, `${policy.metadata.name} ${validation.message} message`),
    messageReads: reads(validation.messageExpression),
  }));
  return {
    run(object: unknown): ValidationOutcome[] {
      const values = new Map<string, unknown>();
      const celObject = toCel(object);
      const bindings = (names: readonly string[]) => {
        for (const name of names) compute(name);
        return { object: celObject, variables: values };
      };
      const compute = (name: string): void => {
        if (values.has(name)) return;
        const variable = variables.get(name);
        if (!variable) throw new Error(`unknown variable ${name}`);
        values.set(name, unwrap(variable.program(bindings(variable.reads)), `variable ${name}`));
      };
      return validations.map((validation) => {
        const allowed = unwrap(
          validation.expression(bindings(validation.expressionReads)),
          `validation ${validation.rule}`,
        );
        if (typeof allowed !== 'boolean')
          throw new Error(`validation ${validation.rule} gave ${String(allowed)}`);
        if (allowed) return { rule: validation.rule, allowed };
        const message = unwrap(
          validation.message(bindings(validation.messageReads)),
          `message of ${validation.rule}`,
        );
        if (typeof message !== 'string') throw new Error(`message of ${validation.rule} is not a string`);
        return { rule: validation.rule, allowed, message };
      });
    },
  };
}

/** Whether a CEL value is a list (for assertions on variables). */
export const isList = isCelList;
