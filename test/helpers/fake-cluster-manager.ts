/**
 * A ClusterManager (src/cluster-managers/types.ts) for unit tests: it records every call in
 * order and answers from a script. It keeps one piece of state, as a cluster would: what was
 * submitted and not deleted is what `list()` reports. `status()` answers from `reports`,
 * `capacity()` from `capacityAnswer`; `failNext(method, error)` makes the next such call throw,
 * and `pushChange()` plays the cluster telling its listeners (onStatusChange) that states changed.
 */

import { type ClusterCapacity, type ClusterManager, type LogLine, type LogOptions, type ManagerCapabilities, type SubmitOptions, type WorkloadReport } from '../../src/cluster-managers/types.js';
import type { Workload } from '../../src/domain/types.js';
import { type WorkloadRef, refOf, describeRef } from '../../src/domain/object-ref.js';

export type ManagerCall =
  | { method: 'capacity' }
  | { method: 'submit'; ref: WorkloadRef; replicas: number; options?: SubmitOptions }
  | { method: 'status'; refs: WorkloadRef[] }
  | { method: 'list' }
  | { method: 'delete'; ref: WorkloadRef }
  | { method: 'logs'; ref: WorkloadRef; options?: LogOptions }
  | { method: 'ensureNamespace'; namespace: string }
  | { method: 'close' };

export type ManagerMethod = ManagerCall['method'];

export interface FakeClusterManagerOptions {
  capabilities?: Partial<ManagerCapabilities>;
  /** Leave out onStatusChange, as a manager that can only be polled does. */
  polledOnly?: boolean;
}

export const FAKE_CAPACITY: ClusterCapacity = {
  capacity: { cpu: 4, memory: 8192, gpu: 0 },
  allocatable: { cpu: 4, memory: 8192, gpu: 0 },
  nodes: [{ name: 'node-0', capacity: { cpu: 4, memory: 8192, gpu: 0 }, allocatable: { cpu: 4, memory: 8192, gpu: 0 }, ready: true }],
  acceleratorTypes: [],
};

export class FakeClusterManager implements ClusterManager {
  readonly capabilities: ManagerCapabilities;
  readonly calls: ManagerCall[] = [];
  capacityAnswer: ClusterCapacity = FAKE_CAPACITY;
  /** What status() reports, by describeRef(ref) ("jobs/default/hello"); only asked-for refs are returned. */
  readonly reports = new Map<string, WorkloadReport>();
  /** What the cluster runs for Sky: submitted and not deleted, or put here by a test. */
  readonly running = new Map<string, { ref: WorkloadRef; replicas: number }>();
  /** Log lines by describeRef(ref). */
  readonly logLines = new Map<string, LogLine[]>();
  readonly onStatusChange?: (listener: () => void) => () => void;
  private readonly listeners = new Set<() => void>();
  private readonly failures = new Map<ManagerMethod, Error[]>();
  closed = false;

  constructor(options: FakeClusterManagerOptions = {}) {
    this.capabilities = { kinds: ['Job', 'Deployment'], usesImage: true, ...options.capabilities };
    if (!options.polledOnly) {
      this.onStatusChange = (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      };
    }
  }

  /** The next call of `method` throws `error`; several queue up in order. */
  failNext(method: ManagerMethod, error: Error): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  /** Calls of one method, for tests that care about one only. */
  callsOf<M extends ManagerMethod>(method: M): Extract<ManagerCall, { method: M }>[] {
    return this.calls.filter((c): c is Extract<ManagerCall, { method: M }> => c.method === method);
  }

  /** Tells the onStatusChange listeners that states may have changed. */
  pushChange(): void {
    for (const l of [...this.listeners]) l();
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Puts a workload in the cluster as if submitted earlier (a crash's leftover). */
  addRunning(ref: WorkloadRef, replicas = 1): this {
    this.running.set(describeRef(ref), { ref, replicas });
    return this;
  }

  async capacity(): Promise<ClusterCapacity> {
    this.call({ method: 'capacity' });
    return this.capacityAnswer;
  }

  async submit(workload: Workload, replicas: number, options?: SubmitOptions): Promise<void> {
    const ref = refOf(workload);
    this.call({ method: 'submit', ref, replicas, ...(options ? { options } : {}) });
    this.running.set(describeRef(ref), { ref, replicas });
  }

  async status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>> {
    this.call({ method: 'status', refs: [...workloads] });
    const answer = new Map<string, WorkloadReport>();
    for (const ref of workloads) {
      const report = this.reports.get(describeRef(ref));
      if (report) answer.set(describeRef(ref), report);
    }
    return answer;
  }

  async list(): Promise<WorkloadRef[]> {
    this.call({ method: 'list' });
    return [...this.running.values()].map((r) => r.ref);
  }

  async delete(ref: WorkloadRef): Promise<void> {
    this.call({ method: 'delete', ref: { kind: ref.kind, namespace: ref.namespace, name: ref.name } });
    this.running.delete(describeRef(ref));
  }

  logs(ref: WorkloadRef, options?: LogOptions): AsyncIterable<LogLine> {
    this.call({ method: 'logs', ref, ...(options ? { options } : {}) });
    const lines = this.logLines.get(describeRef(ref)) ?? [];
    return (async function* () {
      yield* lines;
    })();
  }

  async ensureNamespace(namespace: string): Promise<void> {
    this.call({ method: 'ensureNamespace', namespace });
  }

  async close(): Promise<void> {
    this.call({ method: 'close' });
    this.closed = true;
    this.listeners.clear();
  }

  /** Records the call, then throws if a failure was queued for its method. */
  private call(call: ManagerCall): void {
    this.calls.push(call);
    const queued = this.failures.get(call.method);
    const error = queued?.shift();
    if (error) throw error;
  }
}
