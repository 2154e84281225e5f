/**
 * Job: a workload whose replicas run to completion. Spec and status types are in workload.ts.
 */
import type { Job } from '../domain/types.js';
import { jobResolvers, jobStatusResolvers } from '../resolvers/workload.js';
import { builder } from './builder.js';
import { ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { WorkloadSpecInput, WorkloadSpecRef } from './workload.js';
import { defineWorkloadStatusFields, WorkloadStatusInput, WorkloadStatusRef } from './workload-status.js';

export const JobRef = builder.objectRef<Job>('Job').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: WorkloadSpecRef }),
    status: t.expose('status', { type: WorkloadStatusRef }),
  }),
});

defineResourceFields({
  kind: 'Job',
  singular: 'job',
  plural: 'jobs',
  objectRef: JobRef,
  specInput: WorkloadSpecInput,
  statusInput: WorkloadStatusInput,
  resolvers: jobResolvers,
});

defineWorkloadStatusFields('Job', JobRef, jobStatusResolvers);
