import {
  type AdmissionOptions,
  type EvaluateOptions,
  type NotEnforcedRule,
  toAdmissionPolicies,
} from '@podguard/policy-core';
import {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from '@pulumi/kubernetes/admissionregistration/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of {@link PodguardAdmissionPolicy}: the options of evaluate(), plus object names. */
export interface PodguardAdmissionPolicyArgs {
  /** The same options as the policy pack and evaluate() (profile, uidRange, rules...). */
  options?: EvaluateOptions;
  /** Name prefix and namespaces the bindings leave out. */
  admission?: AdmissionOptions;
}

/**
 * The ValidatingAdmissionPolicies (and bindings) of `toAdmissionPolicies()` from
 * `@podguard/policy-core`: the rules the stack is checked with, enforced by the API server for
 * everything else that creates pods. Invalid options throw at construction.
 */
export class PodguardAdmissionPolicy extends pulumi.ComponentResource {
  readonly policies: ValidatingAdmissionPolicy[] = [];
  readonly bindings: ValidatingAdmissionPolicyBinding[] = [];
  /** Rules of the profile the API server does not enforce (fully), with why. */
  readonly notEnforced: readonly NotEnforcedRule[];

  constructor(name: string, args: PodguardAdmissionPolicyArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    // Generated before super(): invalid options throw before anything is registered.
    const generated = toAdmissionPolicies(args.options, args.admission);
    super('podguard:kubernetes:PodguardAdmissionPolicy', name, {}, opts);
    this.notEnforced = generated.notEnforced;
    for (const object of generated.objects) {
      const resourceName = `${name}-${object.metadata.name}`;
      if (object.kind === 'ValidatingAdmissionPolicy') {
        this.policies.push(
          new ValidatingAdmissionPolicy(
            resourceName,
            {
              metadata: object.metadata,
              spec: object.spec as inputs.admissionregistration.v1.ValidatingAdmissionPolicySpec,
            },
            { parent: this },
          ),
        );
      } else {
        this.bindings.push(
          new ValidatingAdmissionPolicyBinding(
            resourceName,
            {
              metadata: object.metadata,
              spec: object.spec as inputs.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec,
            },
            { parent: this, dependsOn: this.policies },
          ),
        );
      }
    }
    this.registerOutputs({ policies: this.policies, bindings: this.bindings });
  }
}
