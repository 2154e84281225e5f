/**
 * The controller manager's metrics (issue 17):
 *
 *   sky_scheduler_pending_workloads{kind, queue}          workloads PENDING now (the scheduler's queue depth)
 *   sky_scheduler_admission_latency_seconds{queue}        from queued (created, or preempted) to admitted
 *   sky_scheduler_placement_latency_seconds{kind}         from admitted (or created) to first placed
 *   sky_scheduler_placements_total{kind}                  placement decisions that placed replicas
 *   sky_scheduler_placed_replicas_total{kind, cluster}    replicas those decisions placed
 *   sky_skylet_probe_duration_seconds{cluster, result}    health and capacity probes of each cluster
 *   sky_cluster_phase{cluster, phase}                     1 for each cluster's current phase, else 0
 *   sky_controller_manager_leader{role, cluster}          1 where this replica holds the role: the
 *                                                         scheduler's leader lease (cluster ""), a
 *                                                         cluster's Skylet lease (role skylet)
 *
 * The gauges are read from the shared caches and the leases at each scrape, so every replica
 * reports the same queue depth and phases and its own roles; the rest count what this replica did.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CLUSTER_PHASES, type Admission, type Cluster, type ClusterPlacement, type Workload } from '../domain/types.js';
import { PROBE_SECONDS, WAIT_SECONDS } from './buckets.js';
import { admissionWaitSeconds, firstPlacementWaitSeconds } from './workload-waits.js';

export interface Role {
  role: 'scheduler' | 'skylet';
  /** For a Skylet: its cluster. */
  cluster?: string;
  held: boolean;
}

/** What the gauges read at each scrape. */
export interface ControllerMetricSources {
  workloads(): Iterable<Workload>;
  clusters(): Iterable<Cluster>;
  roles(): Iterable<Role>;
}

/** What the controllers tell as they act (each controller takes the one it needs, all optional). */
export interface ControllerMetrics {
  admitted(workload: Workload, admission: Admission): void;
  /** `workload` as it was before the decision; `added` the replicas it placed. */
  placed(workload: Workload, added: readonly ClusterPlacement[]): void;
  probed(cluster: string, seconds: number, ok: boolean): void;
}

export function createControllerMetrics(registry: Registry, sources: ControllerMetricSources, now: () => number = Date.now): ControllerMetrics {
  const registers = [registry];
  new Gauge({
    name: 'sky_scheduler_pending_workloads',
    help: 'Jobs and Deployments in phase PENDING, by kind and queue ("" without one).',
    labelNames: ['kind', 'queue'],
    registers,
    collect() {
      this.reset();
      const counts = new Map<string, { kind: string; queue: string; n: number }>();
      for (const w of sources.workloads()) {
        if (w.status.phase !== 'PENDING') continue;
        const queue = w.status.queue?.name ?? w.status.admission?.queue ?? '';
        const key = `${w.kind}\u0000${queue}`;
        const entry = counts.get(key) ?? { kind: w.kind, queue, n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
      for (const { kind, queue, n } of counts.values()) this.labels(kind, queue).set(n);
    },
  });
  new Gauge({
    name: 'sky_cluster_phase',
    help: 'Each cluster\'s phase: 1 for the current one, 0 for the others.',
    labelNames: ['cluster', 'phase'],
    registers,
    collect() {
      this.reset();
      for (const c of sources.clusters()) for (const phase of CLUSTER_PHASES) this.labels(c.metadata.name, phase).set(c.status.phase === phase ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sky_controller_manager_leader',
    help: 'Roles this replica holds (1) or not (0): the scheduler leader lease, and per cluster its Skylet lease.',
    labelNames: ['role', 'cluster'],
    registers,
    collect() {
      this.reset();
      for (const r of sources.roles()) this.labels(r.role, r.cluster ?? '').set(r.held ? 1 : 0);
    },
  });
  const admission = new Histogram({
    name: 'sky_scheduler_admission_latency_seconds',
    help: 'Seconds from a workload being queued (created, or preempted) to its admission, by queue.',
    labelNames: ['queue'],
    buckets: WAIT_SECONDS,
    registers,
  });
  const placement = new Histogram({
    name: 'sky_scheduler_placement_latency_seconds',
    help: 'Seconds from a workload being admitted (without a queue: created) to its first placement, by kind.',
    labelNames: ['kind'],
    buckets: WAIT_SECONDS,
    registers,
  });
  const placements = new Counter({
    name: 'sky_scheduler_placements_total',
    help: 'Placement decisions written that placed replicas, by kind.',
    labelNames: ['kind'],
    registers,
  });
  const placedReplicas = new Counter({
    name: 'sky_scheduler_placed_replicas_total',
    help: 'Replicas placed, by kind and cluster.',
    labelNames: ['kind', 'cluster'],
    registers,
  });
  const probes = new Histogram({
    name: 'sky_skylet_probe_duration_seconds',
    help: 'Seconds a Skylet\'s health and capacity probe of its cluster took, by cluster and result (ok, error).',
    labelNames: ['cluster', 'result'],
    buckets: PROBE_SECONDS,
    registers,
  });

  return {
    admitted(workload, granted) {
      const seconds = admissionWaitSeconds(workload, granted);
      if (seconds !== undefined) admission.labels(granted.queue).observe(seconds);
    },
    placed(workload, added) {
      if (added.length === 0) return;
      const seconds = firstPlacementWaitSeconds(workload, now());
      if (seconds !== undefined) placement.labels(workload.kind).observe(seconds);
      placements.labels(workload.kind).inc();
      for (const p of added) placedReplicas.labels(workload.kind, p.cluster).inc(p.replicas);
    },
    probed(cluster, seconds, ok) {
      probes.labels(cluster, ok ? 'ok' : 'error').observe(seconds);
    },
  };
}
