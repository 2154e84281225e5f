/**
 * Lease: its object type, status type, inputs, enum and root fields. The spec types derive from
 * src/domain/spec/lease-spec.ts.
 */
import { LEASE_SPEC } from '../domain/spec/lease-spec.js';
import { LEASE_PHASES, type Lease, type LeaseStatus } from '../domain/types.js';
import { leaseResolvers, type LeaseStatusInput } from '../resolvers/lease.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';

export const LeasePhaseEnum = builder.enumType('LeasePhase', { values: LEASE_PHASES });

const LeaseStatusRef = builder.objectRef<LeaseStatus>('LeaseStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: LeasePhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
  }),
});

export const LeaseRef = builder.objectRef<Lease>('Lease').implement({
  description: 'A lock by name, as a Kubernetes Lease: its holder takes and renews it by compare-and-swap updates.',
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: objectTypeOf(LEASE_SPEC) }),
    status: t.expose('status', { type: LeaseStatusRef }),
  }),
});

const LeaseStatusInputRef = builder.inputRef<LeaseStatusInput>('LeaseStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: LeasePhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
  }),
});

defineResourceFields({
  kind: 'Lease',
  singular: 'lease',
  plural: 'leases',
  objectRef: LeaseRef,
  specInput: inputTypeOf(LEASE_SPEC),
  statusInput: LeaseStatusInputRef,
  resolvers: leaseResolvers,
});
