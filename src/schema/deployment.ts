/**
 * Deployment: a workload whose replicas are kept running. Spec and status types are in workload.ts.
 */
import type { Deployment } from '../domain/types.js';
import { deploymentResolvers, deploymentStatusResolvers } from '../resolvers/workload.js';
import { builder } from './builder.js';
import { ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { WorkloadSpecInput, WorkloadSpecRef } from './workload.js';
import { defineWorkloadStatusFields, WorkloadStatusInput, WorkloadStatusRef } from './workload-status.js';

export const DeploymentRef = builder.objectRef<Deployment>('Deployment').implement({
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: WorkloadSpecRef }),
    status: t.expose('status', { type: WorkloadStatusRef }),
  }),
});

defineResourceFields({
  kind: 'Deployment',
  singular: 'deployment',
  plural: 'deployments',
  objectRef: DeploymentRef,
  specInput: WorkloadSpecInput,
  statusInput: WorkloadStatusInput,
  resolvers: deploymentResolvers,
});

defineWorkloadStatusFields('Deployment', DeploymentRef, deploymentStatusResolvers);
