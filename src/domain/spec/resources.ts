/** Resources: cores and MiB (fractional) and whole GPUs, each bounded; absent figures are 0. */
import type { z } from 'zod/v4';
import { MAX_NODE_RESOURCES } from '../limits.js';
import { accelerator, number, object } from './fields.js';

export type ResourceLimits = { cpu: number; memory: number; gpu: number };

/** `max` bounds each figure: what one node can have, unless the figures are a whole cluster's. */
export function resourcesSchema(max: ResourceLimits = MAX_NODE_RESOURCES) {
  return object(
    'Resources',
    {
      cpu: number({ max: max.cpu }).default(0),
      memory: number({ max: max.memory }).default(0),
      gpu: number({ integer: true, max: max.gpu }).default(0),
      // An empty accelerator means any will do, and is left out.
      accelerator: accelerator().optional(),
    },
    'Cores, MiB of memory and whole GPUs.',
  );
}

export type Resources = z.output<ReturnType<typeof resourcesSchema>>;
