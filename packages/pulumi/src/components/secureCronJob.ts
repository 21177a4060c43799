import { CronJob } from '@pulumi/kubernetes/batch/v1';
import type * as inputs from '@pulumi/kubernetes/types/input';
import * as pulumi from '@pulumi/pulumi';
import { hardenWorkload, podTemplateOf, type SecureWorkloadArgs } from './secureWorkload.js';

/** Arguments of {@link SecureCronJob}. */
export interface SecureCronJobArgs extends SecureWorkloadArgs {
  schedule: pulumi.Input<string>;
  /** Any other CronJobSpec field (concurrencyPolicy, timeZone...). */
  spec?: Omit<inputs.batch.v1.CronJobSpec, 'jobTemplate' | 'schedule'>;
  /** Any other JobSpec field of the job template. */
  jobSpec?: Omit<inputs.batch.v1.JobSpec, 'template'>;
}

/** A CronJob with the hardened pod defaults of {@link SecureDeployment}; `restartPolicy` defaults to `Never`. */
export class SecureCronJob extends pulumi.ComponentResource {
  readonly cronJob: CronJob;

  constructor(name: string, args: SecureCronJobArgs, opts?: pulumi.ComponentResourceOptions) {
    const pod = { restartPolicy: 'Never', ...args.pod };
    const object = hardenWorkload(
      'SecureCronJob',
      name,
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: args.metadata ?? {},
        spec: {
          ...args.spec,
          schedule: args.schedule,
          jobTemplate: { spec: { ...args.jobSpec, template: podTemplateOf(name, { ...args, pod }) } },
        },
      },
      args.podguard,
    );
    // Hardened before super(): a workload that cannot pass throws before anything is registered.
    super('podguard:kubernetes:SecureCronJob', name, {}, opts);
    this.cronJob = new CronJob(
      name,
      {
        metadata: object.metadata as inputs.meta.v1.ObjectMeta,
        spec: object.spec as inputs.batch.v1.CronJobSpec,
      },
      { parent: this },
    );
    this.registerOutputs({ cronJob: this.cronJob });
  }
}
