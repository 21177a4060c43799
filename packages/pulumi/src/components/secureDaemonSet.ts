import { DaemonSet } from '@pulumi/kubernetes/apps/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';
import { hardenAppsWorkload, type SecureWorkloadArgs } from './secureWorkload.js';

/** Arguments of {@link SecureDaemonSet}. */
export interface SecureDaemonSetArgs extends SecureWorkloadArgs {
  /** Any other DaemonSetSpec field (updateStrategy, minReadySeconds...). */
  spec?: Omit<inputs.apps.v1.DaemonSetSpec, 'template' | 'selector'>;
}

/** A DaemonSet with the hardened pod defaults of {@link SecureDeployment}. */
export class SecureDaemonSet extends pulumi.ComponentResource {
  readonly daemonSet: DaemonSet;

  constructor(name: string, args: SecureDaemonSetArgs, opts?: pulumi.ComponentResourceOptions) {
    const object = hardenAppsWorkload('DaemonSet', name, args);
    // Hardened before super(): a workload that cannot pass throws before anything is registered.
    super('podguard:kubernetes:SecureDaemonSet', name, {}, opts);
    this.daemonSet = new DaemonSet(
      name,
      {
        metadata: object.metadata,
        spec: object.spec as inputs.apps.v1.DaemonSetSpec,
      },
      { parent: this },
    );
    this.registerOutputs({ daemonSet: this.daemonSet });
  }
}
