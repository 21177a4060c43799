import { Job } from '@pulumi/kubernetes/batch/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';
import { hardenWorkload, podTemplateOf, type SecureWorkloadArgs } from './secureWorkload.js';

/** Arguments of {@link SecureJob}. */
export interface SecureJobArgs extends SecureWorkloadArgs {
  /** Any other JobSpec field (backoffLimit, ttlSecondsAfterFinished...). */
  spec?: Omit<inputs.batch.v1.JobSpec, 'template'>;
}

/** A Job with the hardened pod defaults of {@link SecureDeployment}; `restartPolicy` defaults to `Never`. */
export class SecureJob extends pulumi.ComponentResource {
  readonly job: Job;

  constructor(name: string, args: SecureJobArgs, opts?: pulumi.ComponentResourceOptions) {
    const pod = { restartPolicy: 'Never', ...args.pod };
    const object = hardenWorkload(
      'SecureJob',
      name,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: args.metadata ?? {},
        spec: { ...args.spec, template: podTemplateOf(name, { ...args, pod }) },
      },
      args.podguard,
    );
    // Hardened before super(): a workload that cannot pass throws before anything is registered.
    super('podguard:kubernetes:SecureJob', name, {}, opts);
    this.job = new Job(
      name,
      {
        metadata: object.metadata as inputs.meta.v1.ObjectMeta,
        spec: object.spec as inputs.batch.v1.JobSpec,
      },
      { parent: this },
    );
    this.registerOutputs({ job: this.job });
  }
}
