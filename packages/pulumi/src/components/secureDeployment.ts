import { Deployment } from '@pulumi/kubernetes/apps/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';
import { hardenAppsWorkload, type SecureWorkloadArgs } from './secureWorkload.js';

/** Arguments of {@link SecureDeployment}. */
export interface SecureDeploymentArgs extends SecureWorkloadArgs {
  /** Any other DeploymentSpec field (replicas, strategy...); the template and selector come from `pod`. */
  spec?: Omit<inputs.apps.v1.DeploymentSpec, 'template' | 'selector'>;
}

/**
 * A Deployment whose pods never run as root and pass the podguard profile (default `hardened`):
 * every missing security field is filled in (runAsNonRoot, runAsUser/runAsGroup 1000, seccomp
 * RuntimeDefault, no privilege escalation, capabilities dropped, read-only root filesystem, no
 * service-account token). A value you set that breaks the profile throws at construction.
 */
export class SecureDeployment extends pulumi.ComponentResource {
  readonly deployment: Deployment;

  constructor(name: string, args: SecureDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    const object = hardenAppsWorkload('Deployment', name, args);
    // Hardened before super(): a workload that cannot pass throws before anything is registered.
    super('podguard:kubernetes:SecureDeployment', name, {}, opts);
    this.deployment = new Deployment(
      name,
      {
        metadata: object.metadata,
        spec: object.spec as inputs.apps.v1.DeploymentSpec,
      },
      { parent: this },
    );
    this.registerOutputs({ deployment: this.deployment });
  }
}
