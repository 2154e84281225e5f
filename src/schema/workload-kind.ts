/**
 * The workload kinds, Job and Deployment, from one definition: the object type (kind, metadata,
 * the spec types derived from the kind's spec schema, the shared status type), its root fields
 * (resource-fields.ts) and its owners' status writes (workload-status.ts).
 */
import { KIND_INFO } from '../domain/kinds.js';
import type { WorkloadKind } from '../domain/object-ref.js';
import { WORKLOAD_SPECS } from '../domain/spec/workload-spec.js';
import type { ObjectsByKind } from '../domain/types.js';
import {
  deploymentResolvers,
  deploymentStatusResolvers,
  jobResolvers,
  jobStatusResolvers,
  type WorkloadSpecInput,
  type WorkloadStatusInput as WorkloadStatusInputShape,
} from '../resolvers/workload.js';
import { builder } from './builder.js';
import { ObjectMetaRef } from './meta.js';
import { defineResourceFields, type KindResolvers } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';
import { defineWorkloadStatusFields, WorkloadStatusInput, WorkloadStatusRef, type WorkloadStatusResolvers } from './workload-status.js';

type Resolvers<K extends WorkloadKind> = KindResolvers<ObjectsByKind[K], WorkloadSpecInput, WorkloadStatusInputShape>;

export function defineWorkloadKind<K extends WorkloadKind>(
  kind: K,
  singular: string,
  resolvers: Resolvers<K>,
  statusResolvers: WorkloadStatusResolvers<K>,
) {
  // The kinds' schemas differ in limits and defaults only, so they have one GraphQL type.
  const spec: (typeof WORKLOAD_SPECS)['Job'] = WORKLOAD_SPECS[kind];
  const objectRef = builder.objectRef<ObjectsByKind[K]>(kind).implement({
    fields: (t) => ({
      // Fields resolved rather than exposed: Pothos cannot see the fields of a generic K's shape.
      kind: t.string({ resolve: (object) => object.kind }),
      metadata: t.field({ type: ObjectMetaRef, resolve: (object) => object.metadata }),
      spec: t.field({ type: objectTypeOf(spec), resolve: (object) => object.spec }),
      status: t.field({ type: WorkloadStatusRef, resolve: (object) => object.status }),
    }),
  });
  defineResourceFields({
    kind,
    singular,
    plural: KIND_INFO[kind].plural,
    objectRef,
    specInput: inputTypeOf(spec),
    statusInput: WorkloadStatusInput,
    resolvers,
  });
  defineWorkloadStatusFields(kind, objectRef, statusResolvers);
  return objectRef;
}

export const JobRef = defineWorkloadKind('Job', 'job', jobResolvers, jobStatusResolvers);
export const DeploymentRef = defineWorkloadKind('Deployment', 'deployment', deploymentResolvers, deploymentStatusResolvers);
