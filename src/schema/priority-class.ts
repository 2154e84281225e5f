/**
 * PriorityClass: its object type, status type, inputs, enums and root fields. The spec types
 * derive from src/domain/spec/priority-class-spec.ts.
 */
import { PRIORITY_CLASS_SPEC } from '../domain/spec/priority-class-spec.js';
import { PRIORITY_CLASS_PHASES, type PriorityClass, type PriorityClassStatus } from '../domain/types.js';
import { priorityClassResolvers, type PriorityClassStatusInput } from '../resolvers/priority-class.js';
import { builder } from './builder.js';
import { ConditionInput, ConditionRef, ObjectMetaRef } from './meta.js';
import { defineResourceFields } from './resource-fields.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';

export const PriorityClassPhaseEnum = builder.enumType('PriorityClassPhase', { values: PRIORITY_CLASS_PHASES });

const PriorityClassStatusRef = builder.objectRef<PriorityClassStatus>('PriorityClassStatus').implement({
  fields: (t) => ({
    phase: t.expose('phase', { type: PriorityClassPhaseEnum }),
    conditions: t.expose('conditions', { type: [ConditionRef] }),
  }),
});

export const PriorityClassRef = builder.objectRef<PriorityClass>('PriorityClass').implement({
  description: 'A priority by name. spec.value never changes; at most one class is spec.globalDefault.',
  fields: (t) => ({
    kind: t.exposeString('kind'),
    metadata: t.expose('metadata', { type: ObjectMetaRef }),
    spec: t.expose('spec', { type: objectTypeOf(PRIORITY_CLASS_SPEC) }),
    status: t.expose('status', { type: PriorityClassStatusRef }),
  }),
});

const PriorityClassStatusInputRef = builder.inputRef<PriorityClassStatusInput>('PriorityClassStatusInput').implement({
  fields: (t) => ({
    phase: t.field({ type: PriorityClassPhaseEnum, required: true }),
    conditions: t.field({ type: [ConditionInput] }),
  }),
});

defineResourceFields({
  kind: 'PriorityClass',
  singular: 'priorityClass',
  plural: 'priorityClasses',
  objectRef: PriorityClassRef,
  specInput: inputTypeOf(PRIORITY_CLASS_SPEC),
  statusInput: PriorityClassStatusInputRef,
  resolvers: priorityClassResolvers,
});
