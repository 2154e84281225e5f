/**
 * A Prometheus registry for one process's /metrics (prom-client). Each process owns its own, not
 * prom-client's global one, so that processes built in one Node process (tests, `skym up`) do
 * not collide; `skym up` shares one between its API server and its controllers, served once.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** prom-client's process_* and nodejs_* metrics (CPU, memory, event loop lag, GC). Default on. */
  processMetrics?: boolean;
}

export function createMetricsRegistry({ processMetrics = true }: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}
