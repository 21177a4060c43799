import { StatefulSet } from '@pulumi/kubernetes/apps/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';
import { hardenAppsWorkload, type SecureWorkloadArgs } from './secureWorkload.js';

/** Arguments of {@link SecureStatefulSet}. */
export interface SecureStatefulSetArgs extends SecureWorkloadArgs {
  /** Any other StatefulSetSpec field (serviceName, replicas, volumeClaimTemplates...). */
  spec?: Omit<inputs.apps.v1.StatefulSetSpec, 'template' | 'selector'>;
}

/** A StatefulSet with the hardened pod defaults of {@link SecureDeployment}. */
export class SecureStatefulSet extends pulumi.ComponentResource {
  readonly statefulSet: StatefulSet;

  constructor(name: string, args: SecureStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
    const object = hardenAppsWorkload('StatefulSet', name, args);
    // Hardened before super(): a workload that cannot pass throws before anything is registered.
    super('podguard:kubernetes:SecureStatefulSet', name, {}, opts);
    this.statefulSet = new StatefulSet(
      name,
      {
        metadata: object.metadata,
        spec: object.spec as inputs.apps.v1.StatefulSetSpec,
      },
      { parent: this },
    );
    this.registerOutputs({ statefulSet: this.statefulSet });
  }
}
