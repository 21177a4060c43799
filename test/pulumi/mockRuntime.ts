/**
 * Runs Pulumi programs under `pulumi.runtime.setMocks`, recording every registered resource with
 * the properties the engine would receive. Stack transforms are applied as the engine applies
 * them: before registration, in the order they were registered. No provider plugin is needed.
 */
import * as pulumi from '@pulumi/pulumi';

export interface RegisteredResource {
  type: string;
  name: string;
  /** Properties as registered (after transforms). */
  inputs: Record<string, unknown>;
  custom: boolean;
}

export interface MockProgram {
  /** Every resource registered so far, in registration order. */
  readonly resources: RegisteredResource[];
  /** Only the custom (non-component) resources of a type. */
  ofType(type: string): RegisteredResource[];
}

const resources: RegisteredResource[] = [];
const transforms: pulumi.ResourceTransform[] = [];
let installed = false;

/**
 * Starts a new mocked program: forgets the resources and transforms of the previous one. The mocks
 * are installed once per process, because components of a previous program may still be
 * registering their outputs, and a new mock monitor would not know their URNs.
 */
export async function installMocks(): Promise<MockProgram> {
  resources.length = 0;
  transforms.length = 0;
  const program: MockProgram = {
    resources,
    ofType: (type) => resources.filter((resource) => resource.type === type && resource.custom),
  };
  if (installed) return program;
  installed = true;
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        let props = args.inputs as Record<string, unknown>;
        if (args.custom) {
          for (const transform of transforms) {
            const result = await transform({
              custom: true,
              type: args.type,
              name: args.name,
              props,
              opts: {},
            });
            if (result) props = result.props as Record<string, unknown>;
          }
        }
        resources.push({ type: args.type, name: args.name, inputs: props, custom: args.custom ?? true });
        return { id: `${args.name}-id`, state: props };
      },
      call: (args) => args.inputs,
      registerTransform(transform) {
        transforms.push(transform);
      },
    },
    'podguard-test',
    'dev',
    false,
  );
  return program;
}

/** Resolves an Output's value under mocks. */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => {
    output.apply((value) => {
      resolve(value);
      return value;
    });
  });
}
