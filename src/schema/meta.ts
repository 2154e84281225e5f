/**
 * Types every resource shares: ObjectMeta (and its input), Condition (and its input), the watch
 * event type enum, and Resources (cores, MiB, GPUs).
 */
import { WATCH_EVENT_TYPES, type Condition, type ObjectMeta } from '../domain/types.js';
import type { ObjectMetaInput as ObjectMetaInputShape } from '../resolvers/kind-def.js';
import type { ConditionInput as ConditionInputShape } from '../resolvers/validation.js';
import { resourcesSchema } from '../domain/spec/resources.js';
import { inputTypeOf, objectTypeOf } from './spec-types.js';
import type { InputObjectRef } from '@pothos/core';
import { builder, type BuilderTypes } from './builder.js';
import { StringMapScalar } from './string-map.js';

export const WatchEventTypeEnum = builder.enumType('WatchEventType', { values: WATCH_EVENT_TYPES });

export const ObjectMetaRef = builder.objectRef<ObjectMeta>('ObjectMeta').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    namespace: t.exposeString('namespace', { nullable: true }),
    uid: t.exposeString('uid'),
    labels: t.expose('labels', { type: StringMapScalar }),
    annotations: t.expose('annotations', { type: StringMapScalar }),
    resourceVersion: t.exposeString('resourceVersion', { description: 'Opaque; one store-wide counter.' }),
    generation: t.exposeInt('generation', { description: 'Bumped by every spec change.' }),
    creationTimestamp: t.exposeString('creationTimestamp', { description: 'RFC 3339.' }),
  }),
});

export const ObjectMetaInput: InputObjectRef<BuilderTypes, ObjectMetaInputShape> = builder.inputRef<ObjectMetaInputShape>('ObjectMetaInput').implement({
  fields: (t) => ({
    name: t.string({ required: true }),
    namespace: t.string({ description: 'Namespaced kinds only; defaults to "default".' }),
    labels: t.field({ type: StringMapScalar }),
    annotations: t.field({ type: StringMapScalar }),
    resourceVersion: t.string({ description: 'Required by updates (compare-and-swap); optional for status writes.' }),
  }),
});

export const ConditionRef = builder.objectRef<Condition>('Condition').implement({
  fields: (t) => ({
    type: t.exposeString('type'),
    status: t.exposeString('status', { description: 'True, False or Unknown.' }),
    reason: t.exposeString('reason', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    lastTransitionTime: t.exposeString('lastTransitionTime'),
  }),
});

export const ConditionInput: InputObjectRef<BuilderTypes, ConditionInputShape> = builder.inputRef<ConditionInputShape>('ConditionInput').implement({
  fields: (t) => ({
    type: t.string({ required: true }),
    status: t.string({ required: true }),
    reason: t.string(),
    message: t.string(),
    lastTransitionTime: t.string({ description: 'Defaults to now, or to the previous time if the status did not change.' }),
  }),
});

/** Cores, MiB and GPUs: declared with the specs (src/domain/spec/resources.ts), shared by statuses. */
export const ResourcesRef = objectTypeOf(resourcesSchema());
export const ResourcesInput = inputTypeOf(resourcesSchema());
