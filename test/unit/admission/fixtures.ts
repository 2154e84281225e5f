/** Builders for admission tests: queues, priority classes and queued workloads. */
import { QUEUE_SPEC } from '../../../src/domain/spec/queue-spec.js';
import { PRIORITY_CLASS_SPEC } from '../../../src/domain/spec/priority-class-spec.js';
import type { Admission, PriorityClass, Queue, Workload } from '../../../src/domain/types.js';
import type { CapacityModel } from '../../../src/admission/capacity.js';
import { workload as baseWorkload } from '../scheduler/fixtures.js';
import type { InputOf } from '../../../src/domain/spec/parse.js';

const meta = (name: string, creationTimestamp = '2026-01-01T00:00:00Z') => ({
  name,
  uid: `uid-${name}`,
  labels: {},
  annotations: {},
  resourceVersion: '1',
  generation: 1,
  creationTimestamp,
});

export function queue(name: string, spec: InputOf<typeof QUEUE_SPEC> = {}): Queue {
  return {
    kind: 'Queue',
    metadata: meta(name),
    spec: QUEUE_SPEC.parse(spec),
    status: { phase: 'ACTIVE', conditions: [], usage: { cpu: 0, memory: 0, gpu: 0, accelerators: [] }, borrowed: { cpu: 0, memory: 0, gpu: 0, accelerators: [] }, pending: 0, admitted: 0, share: 0 },
  };
}

export function priorityClass(name: string, value: number, spec: Partial<InputOf<typeof PRIORITY_CLASS_SPEC>> = {}): PriorityClass {
  return { kind: 'PriorityClass', metadata: meta(name), spec: PRIORITY_CLASS_SPEC.parse({ value, ...spec }), status: { phase: 'ACTIVE', conditions: [] } };
}

let clock = 0;

/** A Job of `cpu` cores per replica in `namespace`, created one second after the previous one. */
export function job(
  name: string,
  options: { namespace?: string; cpu?: number; replicas?: number; queue?: string; priorityClassName?: string; createdAt?: string; admission?: Admission } = {},
): Workload {
  const w = baseWorkload(name, { namespace: options.namespace ?? 'team-a', replicas: options.replicas ?? 1, resources: { cpu: options.cpu ?? 1 } });
  clock++;
  const createdAt = options.createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString();
  return {
    ...w,
    metadata: { ...w.metadata, creationTimestamp: createdAt },
    spec: { ...w.spec, queue: options.queue, priorityClassName: options.priorityClassName },
    status: { ...w.status, admission: options.admission },
  } as Workload;
}

/** A capacity model of one pool of cpu: fits while the cycle's reservations leave room. */
export class CpuPool implements CapacityModel {
  reserved = 0;
  held = 0;
  constructor(public free: number) {}
  private need(w: Workload, replicas: number) {
    return w.spec.resources.cpu * replicas;
  }
  fits(w: Workload, replicas: number) {
    return this.need(w, replicas) <= this.free - this.reserved - this.held + 1e-9;
  }
  reserve(w: Workload, replicas: number) {
    this.reserved += this.need(w, replicas);
  }
  hold(w: Workload, replicas: number) {
    this.held += Math.min(this.need(w, replicas), Math.max(0, this.free - this.reserved - this.held));
  }
  fitsWithout(w: Workload, replicas: number, removed: readonly Workload[]) {
    const back = removed.reduce((s, r) => s + r.spec.resources.cpu * r.spec.replicas, 0);
    return this.need(w, replicas) <= this.free - this.reserved - this.held + back + 1e-9;
  }
  totals() {
    return new Map([['cpu', this.free]]);
  }
}
