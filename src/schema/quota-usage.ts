/**
 * QuotaUsage: resources summed over replicas (and over workloads, for a queue), with GPUs per
 * accelerator model. What a workload's admission holds and a queue's status reports.
 */
import type { InputObjectRef } from '@pothos/core';
import type { QuotaUsage } from '../domain/types.js';
import type { QuotaUsageInput as QuotaUsageInputShape } from '../resolvers/quota-usage.js';
import { builder, type BuilderTypes } from './builder.js';

const AcceleratorUsageRef = builder.objectRef<QuotaUsage['accelerators'][number]>('AcceleratorUsage').implement({
  fields: (t) => ({
    name: t.exposeString('name', { description: 'An accelerator model ("A100").' }),
    gpu: t.exposeInt('gpu'),
  }),
});

export const QuotaUsageRef = builder.objectRef<QuotaUsage>('QuotaUsage').implement({
  description: 'Cores, MiB and GPUs summed over replicas, with the GPUs of each accelerator model.',
  fields: (t) => ({
    cpu: t.exposeFloat('cpu'),
    memory: t.exposeFloat('memory'),
    gpu: t.exposeInt('gpu'),
    accelerators: t.expose('accelerators', { type: [AcceleratorUsageRef] }),
  }),
});

const AcceleratorUsageInput = builder.inputType('AcceleratorUsageInput', {
  fields: (t) => ({ name: t.string({ required: true }), gpu: t.int({ required: true }) }),
});

export const QuotaUsageInput: InputObjectRef<BuilderTypes, QuotaUsageInputShape> = builder.inputRef<QuotaUsageInputShape>('QuotaUsageInput').implement({
  fields: (t) => ({
    cpu: t.float({ required: true }),
    memory: t.float({ required: true }),
    gpu: t.int({ required: true }),
    accelerators: t.field({ type: [AcceleratorUsageInput] }),
  }),
});
