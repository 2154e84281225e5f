/**
 * The jobs and deployments table: which rows pass the filters (namespace, label selector, phase)
 * and what each row says about where its replicas are.
 */
import { parseLabelSelector, type LabelSelector } from '../../domain/selector.js';
import type { JobPhase, Workload } from '../../domain/types.js';

export interface WorkloadFilter {
  /** Empty: every namespace. */
  namespace: string;
  labelSelector: string;
  /** Empty: every phase. */
  phase: '' | JobPhase;
}

export const NO_FILTER: WorkloadFilter = { namespace: '', labelSelector: '', phase: '' };

/** The selector, or the reason it cannot be read (shown under the field). */
export function selectorOf(text: string): { selector?: LabelSelector; error?: string } {
  try {
    return { selector: parseLabelSelector(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function filterWorkloads<W extends Workload>(items: readonly W[], filter: WorkloadFilter): readonly W[] {
  const { selector } = selectorOf(filter.labelSelector);
  const everything = filter.namespace === '' && filter.phase === '' && (!selector || selector.requirements.length === 0);
  if (everything) return items;
  return items.filter(
    (w) =>
      (filter.namespace === '' || w.metadata.namespace === filter.namespace) &&
      (filter.phase === '' || w.status.phase === filter.phase) &&
      (!selector || selector.matches(w.metadata.labels)),
  );
}

export interface ClusterReplicas {
  cluster: string;
  /** Placed there by the scheduler. */
  placed: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  message?: string;
}

/** Per cluster, the replicas placed there and what its Skylet last reported of them. */
export function replicasByCluster(workload: Workload): ClusterReplicas[] {
  const byCluster = new Map<string, ClusterReplicas>();
  const entry = (cluster: string) => {
    let found = byCluster.get(cluster);
    if (!found) byCluster.set(cluster, (found = { cluster, placed: 0, pending: 0, running: 0, succeeded: 0, failed: 0 }));
    return found;
  };
  for (const placement of workload.status.placements ?? []) entry(placement.cluster).placed += placement.replicas;
  for (const report of workload.status.replicaStatus ?? []) {
    const e = entry(report.cluster);
    e.pending = report.pending ?? 0;
    e.running = report.running ?? 0;
    e.succeeded = report.succeeded ?? 0;
    e.failed = report.failed ?? 0;
    if (report.message) e.message = report.message;
  }
  return [...byCluster.values()].sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
}

/** `a: 2 running, 1 pending · b: 3 succeeded`; `not placed` before the scheduler has decided. */
export function replicaSummary(workload: Workload): string {
  const clusters = replicasByCluster(workload);
  if (clusters.length === 0) return 'not placed';
  return clusters
    .map((c) => {
      const states = (['running', 'pending', 'succeeded', 'failed'] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
      const unreported = c.placed - (c.pending + c.running + c.succeeded + c.failed);
      if (unreported > 0) states.push(`${unreported} placed`);
      return `${c.cluster}: ${states.join(', ') || 'none'}`;
    })
    .join(' · ');
}

/** Why it is where it is: the newest condition with a reason that is not plainly fine. */
export function headline(workload: Workload): string | undefined {
  const queue = workload.status.queue;
  if (queue?.message) return queue.message;
  const telling = [...(workload.status.conditions ?? [])].reverse().find((c) => c.message);
  return telling?.message ?? undefined;
}
