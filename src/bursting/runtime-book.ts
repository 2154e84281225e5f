/**
 * Runtime statistics of finished work per queue (and per namespace, for work no queue takes):
 * the means a waiting budget is turned into a coefficient with, and the runtime assumed for work
 * that states none. Fed with every workload the controllers' caches see; a workload counts once,
 * when it is first seen COMPLETED with a start and a completion time. The newest WINDOW finished
 * workloads of each group are kept, so the estimate follows what the queue runs now.
 */
import { refKey, refOf } from '../domain/object-ref.js';
import type { Workload } from '../domain/types.js';
import { resourcesOf, type RuntimeStats } from './waiting-time.js';

/** Finished workloads per group the means are taken over. */
export const WINDOW = 1_000;

interface Sample {
  runtime: number;
  resources: number;
}

class Group {
  private readonly samples: Sample[] = [];
  private next = 0;
  private runtime = 0;
  private resources = 0;
  private compute = 0;

  add(sample: Sample): void {
    if (this.samples.length === WINDOW) {
      const old = this.samples[this.next];
      this.runtime -= old.runtime;
      this.resources -= old.resources;
      this.compute -= old.runtime * old.resources;
      this.samples[this.next] = sample;
      this.next = (this.next + 1) % WINDOW;
    } else this.samples.push(sample);
    this.runtime += sample.runtime;
    this.resources += sample.resources;
    this.compute += sample.runtime * sample.resources;
  }

  stats(): RuntimeStats {
    const n = this.samples.length;
    return { count: n, meanRuntime: this.runtime / n, meanResources: this.resources / n, meanCompute: this.compute / n };
  }
}

/** The group a workload's runtime counts in: its queue's, else its namespace's. */
export function runtimeGroupOf(workload: Workload): string {
  const queue = workload.status.admission?.queue ?? workload.status.queue?.name ?? workload.spec.queue;
  return queue !== undefined ? `queue/${queue}` : `namespace/${workload.metadata.namespace ?? ''}`;
}

export class RuntimeBook {
  private readonly groups = new Map<string, Group>();
  private readonly counted = new Set<string>();

  /** Looks at a workload as a watch delivers it; only its first COMPLETED copy counts. */
  observe(workload: Workload): void {
    const { phase, startTime, completionTime } = workload.status;
    if (phase !== 'COMPLETED' || !startTime || !completionTime) return;
    const key = `${refKey(refOf(workload))}/${workload.metadata.uid}`;
    if (this.counted.has(key)) return;
    this.counted.add(key);
    const runtime = (Date.parse(completionTime) - Date.parse(startTime)) / 1000;
    if (!(runtime >= 0)) return;
    const group = runtimeGroupOf(workload);
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = new Group()));
    g.add({ runtime, resources: resourcesOf(workload) });
  }

  /** A deleted workload: its sample stays in the means, its key goes (the set stays as big as the cache). */
  forget(workload: Workload): void {
    this.counted.delete(`${refKey(refOf(workload))}/${workload.metadata.uid}`);
  }

  /** The statistics of a group (`runtimeGroupOf`); undefined before anything in it finished. */
  stats(group: string): RuntimeStats | undefined {
    return this.groups.get(group)?.stats();
  }
}
