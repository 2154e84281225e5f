/**
 * Simulated member clusters: per node, what runs there and what is free. Replicas start on the
 * node with the most room for them (a least-allocated scheduler, as Kubernetes' default is) and
 * give their resources back when they finish or are killed. The Cluster objects the controllers
 * see are republished by `publish()`, as a Skylet's status report would: allocatable = capacity
 * minus what runs, per node and in total.
 */
import type { Cluster, ClusterPlacement, Resources } from '../../src/domain/types.js';
import { nodeCanHost, replicasFitting } from '../../src/scheduler/node-fit.js';
import { roomiestFirst } from '../../src/scheduler/reservations.js';

interface Run {
  resources: Resources;
  /** cluster index, node index, replicas there. */
  where: [number, number, number][];
}

export class Federation {
  private readonly free: Resources[][];
  private readonly index = new Map<string, number>();
  private readonly runs = new Map<string, Run>();
  private readonly dirty = new Set<number>();
  private reported: Cluster[];
  /** Replicas a cluster was told to start and had no node for (the scheduler's estimate was wrong). */
  overcommitted = 0;

  constructor(clusters: readonly Cluster[]) {
    this.reported = [...clusters];
    this.free = clusters.map((c) => c.status.nodes.map((n) => ({ ...n.allocatable })));
    clusters.forEach((c, i) => this.index.set(c.metadata.name, i));
  }

  /** The clusters as last reported. */
  clusters(): readonly Cluster[] {
    return this.reported;
  }

  isRunning(key: string): boolean {
    return this.runs.has(key);
  }

  get runningCount(): number {
    return this.runs.size;
  }

  start(key: string, resources: Resources, placements: readonly ClusterPlacement[]): void {
    const where: Run['where'] = [];
    for (const { cluster, replicas } of placements) {
      const c = this.index.get(cluster)!;
      const nodes = this.free[c];
      const template = this.reported[c].status.nodes;
      const rooms = nodes.map((free, n) => (nodeCanHost({ ...template[n], allocatable: free }, resources) ? replicasFitting(free, resources) : 0));
      const taken = roomiestFirst(rooms, replicas);
      let started = 0;
      taken.forEach((count, n) => {
        if (count === 0) return;
        nodes[n].cpu -= count * resources.cpu;
        nodes[n].memory -= count * resources.memory;
        nodes[n].gpu -= count * resources.gpu;
        where.push([c, n, count]);
        started += count;
      });
      this.overcommitted += replicas - started;
      this.dirty.add(c);
    }
    this.runs.set(key, { resources, where });
  }

  /** The workload's replicas finished or were killed: their nodes get the room back. */
  stop(key: string): void {
    const run = this.runs.get(key);
    if (!run) return;
    this.runs.delete(key);
    for (const [c, n, count] of run.where) {
      const node = this.free[c][n];
      node.cpu += count * run.resources.cpu;
      node.memory += count * run.resources.memory;
      node.gpu += count * run.resources.gpu;
      this.dirty.add(c);
    }
  }

  /** Every changed cluster reports its nodes; returns whether any did. */
  publish(): boolean {
    if (this.dirty.size === 0) return false;
    const next = [...this.reported];
    for (const c of this.dirty) {
      const was = next[c];
      const nodes = was.status.nodes.map((node, n) => ({ ...node, allocatable: { ...node.allocatable, ...round(this.free[c][n]) } }));
      const allocatable = nodes.reduce((s, node) => ({ cpu: s.cpu + node.allocatable.cpu, memory: s.memory + node.allocatable.memory, gpu: s.gpu + node.allocatable.gpu }), { cpu: 0, memory: 0, gpu: 0 });
      next[c] = { ...was, status: { ...was.status, nodes, allocatable } };
    }
    this.dirty.clear();
    this.reported = next;
    return true;
  }

  /** Capacity in all (cpu, memory) and what runs now, summed over clusters. */
  usage(): { cpu: number; memory: number; capacityCpu: number; capacityMemory: number } {
    let cpu = 0;
    let memory = 0;
    let capacityCpu = 0;
    let capacityMemory = 0;
    this.reported.forEach((cluster, c) => {
      cluster.status.nodes.forEach((node, n) => {
        capacityCpu += node.capacity.cpu;
        capacityMemory += node.capacity.memory;
        cpu += node.capacity.cpu - this.free[c][n].cpu;
        memory += node.capacity.memory - this.free[c][n].memory;
      });
    });
    return { cpu, memory, capacityCpu, capacityMemory };
  }
}

/** Sums and differences of floats drift; the reported figures are rounded as a cluster's would be. */
function round(r: Resources): Resources {
  const r6 = (x: number) => Math.max(0, Math.round(x * 1e6) / 1e6);
  return { cpu: r6(r.cpu), memory: r6(r.memory), gpu: r6(r.gpu) };
}
