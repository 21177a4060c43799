/**
 * `PodguardAdmissionPolicy`: the ValidatingAdmissionPolicies (and bindings) of the core's
 * `toAdmissionPolicies()`, synthesized with the chart. No logic here: the core builds the objects.
 */
import {
  type AdmissionOptions,
  type EvaluateOptions,
  type NotEnforcedRule,
  toAdmissionPolicies,
} from '@podguard/policy-core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Props of {@link PodguardAdmissionPolicy}: the options of evaluate(), plus object names. */
export interface PodguardAdmissionPolicyProps extends AdmissionOptions {
  /** The same options as `PodSecurity` and evaluate() (profile, uidRange, rules...). */
  readonly options?: EvaluateOptions;
}

/**
 * Enforces the chart's podguard profile in the API server, for every pod, whoever creates it
 * (kubectl, Helm, an operator): the policies and bindings `toAdmissionPolicies()` returns, one
 * ApiObject each. Invalid options throw at construction.
 */
export class PodguardAdmissionPolicy extends Construct {
  /** The generated objects, policies before their bindings. */
  readonly apiObjects: readonly ApiObject[];
  /** Rules of the profile the API server does not enforce (fully), with why. */
  readonly notEnforced: readonly NotEnforcedRule[];

  constructor(scope: Construct, id: string, props: PodguardAdmissionPolicyProps = {}) {
    super(scope, id);
    const { options, ...admission } = props;
    const generated = toAdmissionPolicies(options, admission);
    this.notEnforced = generated.notEnforced;
    this.apiObjects = generated.objects.map(
      (object) => new ApiObject(this, `${object.kind}-${object.metadata.name}`, object),
    );
  }
}
