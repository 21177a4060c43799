import { StatefulSet } from '@pulumi/kubernetes/apps/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';
import { hardenWorkload, podLabelsOf, podTemplateOf, type SecureWorkloadArgs } from './secureWorkload.js';

/** Arguments of {@link SecureStatefulSet}. */
export interface SecureStatefulSetArgs extends SecureWorkloadArgs {
  /** Any other StatefulSetSpec field (serviceName, replicas, volumeClaimTemplates...). */
  spec?: Omit<inputs.apps.v1.StatefulSetSpec, 'template' | 'selector'>;
}

/** A StatefulSet with the hardened pod defaults of {@link SecureDeployment}. */
export class SecureStatefulSet extends pulumi.ComponentResource {
  readonly statefulSet: StatefulSet;

  constructor(name: string, args: SecureStatefulSetArgs, opts?: pulumi.ComponentResourceOptions) {
    const object = hardenWorkload(
      'SecureStatefulSet',
      name,
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: args.metadata ?? {},
        spec: {
          ...args.spec,
          selector: { matchLabels: podLabelsOf(name, args) },
          template: podTemplateOf(name, args),
        },
      },
      args.podguard,
    );
    // Hardened before super(): a workload that cannot pass throws before anything is registered.
    super('podguard:kubernetes:SecureStatefulSet', name, {}, opts);
    this.statefulSet = new StatefulSet(
      name,
      {
        metadata: object.metadata as inputs.meta.v1.ObjectMeta,
        spec: object.spec as inputs.apps.v1.StatefulSetSpec,
      },
      { parent: this },
    );
    this.registerOutputs({ statefulSet: this.statefulSet });
  }
}
