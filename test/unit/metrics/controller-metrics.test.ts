/** The controller manager's metrics from fake sources: gauges read at each scrape, counters as told. */
import { describe, expect, it } from 'vitest';
import { createControllerMetrics, type Role } from '../../../src/metrics/controller-metrics.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import type { Workload } from '../../../src/domain/types.js';
import { parseMetrics, sumOf } from '../../helpers/prometheus.js';
import { cluster, workload } from '../scheduler/fixtures.js';

function setUp() {
  const registry = createMetricsRegistry({ processMetrics: false });
  const sources = { workloads: [] as Workload[], clusters: [cluster('a'), cluster('b', { phase: 'ERROR' })], roles: [] as Role[] };
  const metrics = createControllerMetrics(
    registry,
    { workloads: () => sources.workloads, clusters: () => sources.clusters, roles: () => sources.roles },
    () => Date.parse(workload('x').metadata.creationTimestamp) + 1500,
  );
  return { metrics, sources, scrape: async () => parseMetrics(await registry.metrics()) };
}

const inPhase = (name: string, phase: Workload['status']['phase'], queue?: string) => {
  const w = workload(name);
  return { ...w, status: { ...w.status, phase, ...(queue ? { queue: { name: queue, reason: 'Pending' } } : {}) } } as Workload;
};

describe('controller metrics', () => {
  it('counts pending workloads by kind and queue at each scrape', async () => {
    const { sources, scrape } = setUp();
    sources.workloads = [inPhase('a', 'PENDING', 'q'), inPhase('b', 'PENDING', 'q'), inPhase('c', 'PENDING'), inPhase('d', 'RUNNING')];
    let samples = await scrape();
    expect(sumOf(samples, 'sky_scheduler_pending_workloads', { kind: 'Job', queue: 'q' })).toBe(2);
    expect(sumOf(samples, 'sky_scheduler_pending_workloads', { kind: 'Job', queue: '' })).toBe(1);
    sources.workloads = [];
    samples = await scrape();
    expect(sumOf(samples, 'sky_scheduler_pending_workloads')).toBe(0);
  });

  it('shows each cluster\'s phase as 1 and the others as 0; a deleted cluster goes', async () => {
    const { sources, scrape } = setUp();
    let samples = await scrape();
    expect(sumOf(samples, 'sky_cluster_phase', { cluster: 'a', phase: 'READY' })).toBe(1);
    expect(sumOf(samples, 'sky_cluster_phase', { cluster: 'b', phase: 'ERROR' })).toBe(1);
    expect(sumOf(samples, 'sky_cluster_phase', { cluster: 'b' })).toBe(1);
    expect(samples.filter((s) => s.name === 'sky_cluster_phase' && s.labels.cluster === 'b')).toHaveLength(4);
    sources.clusters = [sources.clusters[0]];
    samples = await scrape();
    expect(samples.some((s) => s.labels.cluster === 'b')).toBe(false);
  });

  it('reports the roles held', async () => {
    const { sources, scrape } = setUp();
    sources.roles = [{ role: 'scheduler', held: true }, { role: 'skylet', cluster: 'a', held: true }, { role: 'skylet', cluster: 'b', held: false }];
    const samples = await scrape();
    expect(sumOf(samples, 'sky_controller_manager_leader', { role: 'scheduler', cluster: '' })).toBe(1);
    expect(sumOf(samples, 'sky_controller_manager_leader', { role: 'skylet', cluster: 'a' })).toBe(1);
    expect(sumOf(samples, 'sky_controller_manager_leader', { role: 'skylet', cluster: 'b' })).toBe(0);
  });

  it('counts placements and replicas, and the first placement\'s wait', async () => {
    const { metrics, scrape } = setUp();
    metrics.placed(workload('x'), [{ cluster: 'a', replicas: 3 }, { cluster: 'b', replicas: 1 }]);
    metrics.placed(workload('y'), []); // nothing placed: not a placement
    const samples = await scrape();
    expect(sumOf(samples, 'sky_scheduler_placements_total', { kind: 'Job' })).toBe(1);
    expect(sumOf(samples, 'sky_scheduler_placed_replicas_total', { kind: 'Job', cluster: 'a' })).toBe(3);
    expect(sumOf(samples, 'sky_scheduler_placed_replicas_total', { kind: 'Job', cluster: 'b' })).toBe(1);
    expect(sumOf(samples, 'sky_scheduler_placement_latency_seconds_sum', { kind: 'Job' })).toBe(1.5);
  });

  it('times probes by cluster and result', async () => {
    const { metrics, scrape } = setUp();
    metrics.probed('a', 0.02, true);
    metrics.probed('a', 1, false);
    const samples = await scrape();
    expect(sumOf(samples, 'sky_skylet_probe_duration_seconds_count', { cluster: 'a', result: 'ok' })).toBe(1);
    expect(sumOf(samples, 'sky_skylet_probe_duration_seconds_count', { cluster: 'a', result: 'error' })).toBe(1);
  });
});
