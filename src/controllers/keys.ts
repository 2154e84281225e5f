/**
 * Work-queue keys of workloads: "Job/default/hello". The kind is part of the key because the
 * scheduler and Skylets handle Jobs and Deployments in one queue.
 */
import type { Workload } from '../domain/types.js';

export type WorkloadKind = Workload['kind'];

export interface WorkloadKey {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export function workloadKey(workload: Pick<Workload, 'kind' | 'metadata'>): string {
  return `${workload.kind}/${workload.metadata.namespace}/${workload.metadata.name}`;
}

export function parseWorkloadKey(key: string): WorkloadKey {
  const [kind, namespace, name] = key.split('/');
  if ((kind !== 'Job' && kind !== 'Deployment') || !namespace || !name) throw new Error(`not a workload key: ${key}`);
  return { kind, namespace, name };
}

/** The key of a workload a cluster manager reports (it knows refs, not objects). */
export function refKey(ref: WorkloadKey): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}
