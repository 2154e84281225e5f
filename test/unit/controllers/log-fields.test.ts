/**
 * Log lines name each field once: pino writes a key bound by a child logger and given again in a
 * call twice, so the JSON line has duplicate keys that log tools read differently.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Informer } from '../../../src/client/informer.js';
import { ClusterHealth } from '../../../src/controllers/cluster-health.js';
import { Controller } from '../../../src/controllers/controller.js';
import { boundTo } from '../../../src/controllers/log-fields.js';
import { WorkQueue } from '../../../src/controllers/workqueue.js';
import type { ClusterManager } from '../../../src/cluster-managers/types.js';
import type { Cluster } from '../../../src/domain/types.js';

/** A real pino logger writing its JSON lines into an array. */
function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line.trimEnd()) });
  return { lines, logger };
}

/** How often `"key":` appears in a raw JSON line (JSON.parse would hide a duplicate). */
const occurrences = (line: string, key: string) => line.split(`"${key}":`).length - 1;

const zero = { cpu: 0, memory: 0, gpu: 0 };
const cluster: Cluster = {
  kind: 'Cluster',
  metadata: { name: 'local', uid: 'u', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { manager: 'LOCAL' },
  status: { phase: 'INIT', conditions: [], capacity: zero, allocatable: zero, nodes: [], acceleratorTypes: [] },
};

describe('boundTo', () => {
  it('binds only the fields the logger does not have yet', () => {
    const { logger } = capture();
    const skylet = logger.child({ cluster: 'local' });
    expect(boundTo(skylet, { cluster: 'local' })).toBe(skylet);
    expect(boundTo(skylet, { cluster: 'local', controller: 'x' }).bindings()).toEqual({ cluster: 'local', controller: 'x' });
  });
});

describe('log lines of the controllers', () => {
  it('a Skylet\'s cluster health names the cluster once, with the Skylet\'s logger or a plain one', async () => {
    for (const bound of [true, false]) {
      const { lines, logger } = capture();
      const health = new ClusterHealth({
        clusterName: 'local',
        clusters: { get: () => cluster } as unknown as Informer<Cluster>,
        writer: { updateClusterStatus: async () => {} },
        logger: bound ? logger.child({ cluster: 'local' }) : logger,
        failureThreshold: 2,
      });
      const failing = { capacity: async () => Promise.reject(new Error('no answer')) } as unknown as ClusterManager;
      await health.probe(failing); // a blip: a warning
      await health.probe(failing); // the threshold: ERROR
      await health.probe({ capacity: async () => ({ capacity: zero, allocatable: zero, nodes: [], acceleratorTypes: [] }) } as unknown as ClusterManager);
      expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['capacity probe failed', 'Cluster local is ERROR.', 'Cluster local is READY.']);
      for (const line of lines) expect(occurrences(line, 'cluster'), line).toBe(1);
    }
  });

  it('a failed reconcile names its controller once, also under the scheduler\'s logger that has it bound', async () => {
    const { lines, logger } = capture();
    const controller = new Controller({
      name: 'scheduler',
      logger: logger.child({ controller: 'scheduler' }),
      queue: new WorkQueue({ baseDelayMs: 1_000 }),
      reconcile: async () => Promise.reject(new Error('boom')),
    });
    controller.start();
    controller.enqueue('jobs/default/a');
    for (let i = 0; i < 200 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await controller.stop();
    expect(JSON.parse(lines[0])).toMatchObject({ controller: 'scheduler', key: 'jobs/default/a', err: 'boom' });
    expect(occurrences(lines[0], 'controller')).toBe(1);
  });
});
