/**
 * The API objects the simulation feeds the admission core: Queues, PriorityClasses, Jobs and
 * Clusters, built as the API server would return them (specs parsed by their zod schemas).
 */
import { PRIORITY_CLASS_SPEC } from '../../src/domain/spec/priority-class-spec.js';
import { QUEUE_SPEC } from '../../src/domain/spec/queue-spec.js';
import type { InputOf } from '../../src/domain/spec/parse.js';
import type { Cluster, PriorityClass, Queue, Resources, Workload } from '../../src/domain/types.js';

/** Virtual time starts here (milliseconds since the epoch). */
export const EPOCH = Date.UTC(2026, 0, 1);

const meta = (name: string, creationTimestamp = new Date(EPOCH).toISOString(), namespace?: string) => ({
  name,
  namespace,
  uid: `uid-${namespace ?? ''}-${name}`,
  labels: {},
  annotations: {},
  resourceVersion: '1',
  generation: 1,
  creationTimestamp,
});

const NO_USAGE = { cpu: 0, memory: 0, gpu: 0, accelerators: [] };

export function queueObject(name: string, spec: InputOf<typeof QUEUE_SPEC>): Queue {
  return {
    kind: 'Queue',
    metadata: meta(name),
    spec: QUEUE_SPEC.parse(spec),
    status: { phase: 'ACTIVE', conditions: [], usage: NO_USAGE, borrowed: NO_USAGE, pending: 0, admitted: 0, share: 0 },
  };
}

/** A queue's spec with preemption off (no preemptions per minute) unless `preemption`. */
export function withPreemption(spec: InputOf<typeof QUEUE_SPEC>, preemption: boolean): InputOf<typeof QUEUE_SPEC> {
  return preemption ? spec : { ...spec, preemption: { maxPerMinute: 0 } };
}

export function priorityClassObject(name: string, value: number): PriorityClass {
  return { kind: 'PriorityClass', metadata: meta(name), spec: PRIORITY_CLASS_SPEC.parse({ value }), status: { phase: 'ACTIVE', conditions: [] } };
}

export interface JobShape {
  name: string;
  namespace: string;
  /** Virtual milliseconds since the epoch. */
  createdAt: number;
  replicas: number;
  cpu: number;
  memory?: number;
  priorityClassName?: string;
}

export function jobObject(shape: JobShape): Workload {
  return {
    kind: 'Job',
    metadata: meta(shape.name, new Date(shape.createdAt).toISOString(), shape.namespace),
    spec: {
      image: 'bench',
      run: 'true',
      envs: [],
      resources: { cpu: shape.cpu, memory: shape.memory ?? 0, gpu: 0 },
      replicas: shape.replicas,
      restartPolicy: 'NEVER',
      placement: { preferences: [], strategy: 'SPREAD' },
      priorityClassName: shape.priorityClassName,
    },
    status: { phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] },
  } as Workload;
}

/** A READY cluster whose nodes are all free. */
export function clusterObject(name: string, nodes: readonly Resources[]): Cluster {
  const sum = (key: 'cpu' | 'memory' | 'gpu') => nodes.reduce((s, n) => s + n[key], 0);
  const total = { cpu: sum('cpu'), memory: sum('memory'), gpu: sum('gpu') };
  return {
    kind: 'Cluster',
    metadata: meta(name),
    spec: { manager: 'KUBERNETES' },
    status: {
      phase: 'READY',
      conditions: [],
      capacity: total,
      allocatable: total,
      nodes: nodes.map((n, i) => ({ name: `${name}-node-${i}`, capacity: n, allocatable: n, ready: true })),
      acceleratorTypes: [],
    },
  };
}

/** A small seeded generator (mulberry32), so every run draws the same workloads. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
