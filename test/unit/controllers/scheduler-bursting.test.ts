/**
 * The scheduler and the admission controller under waiting policies, without processes: a free
 * on-prem cluster that is full and a priced cloud; the gates come from BurstGates over the fakes.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AdmissionController } from '../../../src/controllers/admission-controller.js';
import { BurstGates } from '../../../src/controllers/burst-gates.js';
import { SchedulerController } from '../../../src/controllers/scheduler-controller.js';
import { resolveQueue } from '../../../src/domain/queueing.js';
import type { Cluster, Namespace, SkyObject, Workload } from '../../../src/domain/types.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { queue } from '../admission/fixtures.js';
import { cluster, workload } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });
const KEY = 'Job/default/w';

function cloud(): Cluster {
  const c = cluster('cloud', { nodes: [{ cpu: 64 }] });
  return { ...c, spec: { ...c.spec, cost: { cpu: 1.2, gpu: 0, memory: 0 } } };
}

/** On-prem: 4 cores, `free` of them free. */
function onPrem(free: number): Cluster {
  const c = cluster('on-prem', { nodes: [{ cpu: free }] });
  const nodes = c.status.nodes.map((n) => ({ ...n, capacity: { ...n.capacity, cpu: 4 } }));
  return { ...c, status: { ...c.status, nodes, capacity: { ...c.status.capacity, cpu: 4 } } };
}

function namespace(policy?: string): Namespace {
  return {
    kind: 'Namespace',
    metadata: { name: 'default', uid: 'ns', labels: {}, annotations: policy ? { 'sky.dev/waiting-policy': policy } : {}, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {},
    status: { phase: 'ACTIVE', conditions: [] },
  };
}

/** A 2-replica job of 1 core each, created `ageS` seconds ago. */
function job(name: string, ageS: number, extra: { expectedRuntime?: number; queue?: string } = {}): Workload {
  const w = workload(name, { replicas: 2 });
  return { ...w, metadata: { ...w.metadata, creationTimestamp: new Date(Date.now() - ageS * 1000).toISOString() }, spec: { ...w.spec, ...extra } } as Workload;
}

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function setup(...objects: SkyObject[]) {
  const listers = new FakeListers().seed(...objects);
  const writers = new FakeWriters({ listers });
  const queueOf = (w: Workload) => resolveQueue(w, listers.queues.list(), (ns) => listers.namespaces.get(ns)?.metadata.labels);
  const gates = new BurstGates({ listers, queueOf, estimateTtlMs: 0 });
  stops.push(() => gates.stop());
  const scheduler = new SchedulerController({ listers, writer: writers, logger, failoverGraceMs: 60_000, queueOf, gates });
  return { listers, writers, scheduler, gates };
}

const scheduled = (listers: FakeListers, key = KEY) => listers.workload(key)!.status.conditions.find((c) => c.type === 'Scheduled')!;

describe('the scheduler under a waiting policy', () => {
  it('keeps a job on the full cheap cluster until its wait ends, says so, and looks again then', async () => {
    const { listers, scheduler } = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), job('w', 60));
    const result = await scheduler.reconcile(KEY);
    expect(listers.workload(KEY)!.status.placements).toEqual([]);
    const condition = scheduled(listers);
    expect(condition).toMatchObject({ status: 'False', reason: 'WaitingForCheaperClusters' });
    expect(condition.message).toMatch(/^waiting for on-prem until \d\d:\d\d UTC \(CONSTANT, c 600\), then it may burst to cloud at 2\.40\/h$/);
    // 540 s of its 600 s wait are left.
    expect(result!.requeueAfterMs).toBeGreaterThan(530_000);
    expect(result!.requeueAfterMs).toBeLessThan(541_000);
  });

  it('bursts once the wait is over, and says it waited', async () => {
    const { listers, scheduler } = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), job('w', 601));
    await scheduler.reconcile(KEY);
    expect(listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
    expect(scheduled(listers).message).toContain('it waited 10m for cheaper clusters (CONSTANT, c 600)');
  });

  it('ZERO (the default) bursts at once; INFINITE never', async () => {
    const zero = setup(onPrem(0), cloud(), namespace(), job('w', 0));
    await zero.scheduler.reconcile(KEY);
    expect(zero.listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);

    const never = setup(onPrem(0), cloud(), namespace('INFINITE'), job('w', 86_400));
    const result = await never.scheduler.reconcile(KEY);
    expect(never.listers.workload(KEY)!.status.placements).toEqual([]);
    expect(scheduled(never.listers).message).toBe('waiting for on-prem (INFINITE: it never goes to a costlier cluster)');
    expect(result).toBeUndefined();
  });

  it('uses the cheap cluster when it has room, whatever the policy', async () => {
    const { listers, scheduler } = setup(onPrem(4), cloud(), namespace('ZERO'), job('w', 0));
    await scheduler.reconcile(KEY);
    expect(listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'on-prem', replicas: 2 }]);
  });

  it("bursts early when on-prem's running work ends after the wait would (the start estimate)", async () => {
    const running = (expectedRuntime: number) => {
      const r = job('running', 10, { expectedRuntime });
      return { ...r, status: { ...r.status, phase: 'RUNNING', startTime: new Date(Date.now() - 10_000).toISOString(), placements: [{ cluster: 'on-prem', replicas: 2 }] } } as Workload;
    };
    // It ends in about an hour; the wait is 10 minutes: waiting cannot help.
    const late = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), running(3_600), job('w', 0));
    await late.scheduler.reconcile(KEY);
    expect(late.listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
    expect(scheduled(late.listers).message).toMatch(/the cheaper clusters would start it at .*, after its wait of 10m ends \(CONSTANT, c 600\), so it does not wait/);

    // It ends in a minute: the job waits for it.
    const soon = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), running(70), job('w', 0));
    await soon.scheduler.reconcile(KEY);
    expect(soon.listers.workload(KEY)!.status.placements).toEqual([]);
  });

  it('the line ahead counts: a job behind another waiting for on-prem gets a later estimate', async () => {
    // On-prem is full until `running` ends in 300 s.
    const r = job('running', 10, { expectedRuntime: 300 });
    const running = { ...r, spec: { ...r.spec, replicas: 4 }, status: { ...r.status, phase: 'RUNNING', startTime: new Date().toISOString(), placements: [{ cluster: 'on-prem', replicas: 4 }] } } as Workload;
    const f = job('first', 30, { expectedRuntime: 400 });
    const first = { ...f, spec: { ...f.spec, replicas: 4 } } as Workload;
    const alone = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), running, job('w', 0, { expectedRuntime: 60 }));
    // Alone, w would start at 300 s, before its 600 s wait ends: it waits.
    await alone.scheduler.reconcile(KEY);
    expect(alone.listers.workload(KEY)!.status.placements).toEqual([]);

    const { listers, scheduler, gates } = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), running, first, job('w', 0, { expectedRuntime: 60 }));
    await scheduler.reconcile('Job/default/first');
    expect(listers.workload('Job/default/first')!.status.placements).toEqual([]);
    // Behind first (300 s to 700 s on all 4 cores), w would start at 700 s, past its wait: it bursts.
    const start = gates.estimateStart(listers.workload(KEY)!, ['on-prem'], Date.now())!;
    expect(start - Date.now()).toBeGreaterThan(690_000);
    await scheduler.reconcile(KEY);
    expect(listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
  });

  it('cannot tell when work it does not know of ends: then it waits out the policy', async () => {
    const { gates, listers } = setup(onPrem(0), cloud(), namespace('CONSTANT coefficient=600'), job('w', 0));
    expect(gates.estimateStart(listers.workload(KEY)!, ['on-prem'], Date.now())).toBeUndefined();
  });

  it("counts what the cluster says work from outside the federation gives back (Slurm's time limits)", async () => {
    const heldBy = (inS: number) => {
      const c = onPrem(0);
      return { ...c, status: { ...c.status, releases: [{ at: new Date(Date.now() + inS * 1000).toISOString(), cpu: 4, memory: 0, gpu: 0 }] } };
    };
    // Back in a minute: worth the 10-minute wait.
    const soon = setup(heldBy(60), cloud(), namespace('CONSTANT coefficient=600'), job('w', 0));
    const start = soon.gates.estimateStart(soon.listers.workload(KEY)!, ['on-prem'], Date.now())!;
    expect(start - Date.now()).toBeGreaterThan(55_000);
    expect(start - Date.now()).toBeLessThan(65_000);
    await soon.scheduler.reconcile(KEY);
    expect(soon.listers.workload(KEY)!.status.placements).toEqual([]);
    // Back in two hours: not worth it.
    const late = setup(heldBy(7_200), cloud(), namespace('CONSTANT coefficient=600'), job('w', 0));
    await late.scheduler.reconcile(KEY);
    expect(late.listers.workload(KEY)!.status.placements).toEqual([{ cluster: 'cloud', replicas: 2 }]);
  });

  it('takes the policy of the queue before the namespace default', async () => {
    const q = queue('team', { namespaces: ['default'], waitingPolicy: { policy: 'INFINITE' } });
    const { gates, listers } = setup(onPrem(0), cloud(), namespace('ZERO'), q, job('w', 0));
    expect(gates.policyOf(listers.workload(KEY)!)).toEqual({ policy: { policy: 'INFINITE' }, source: 'queue' });
  });
});

describe('admission under a waiting policy', () => {
  it('does not admit work that only the costly cluster could take before its wait ends, and admits it once the wait is over', async () => {
    let now = Date.now();
    const q = queue('team', { namespaces: ['default'], waitingPolicy: { policy: 'CONSTANT', coefficient: 600 } });
    const listers = new FakeListers().seed(onPrem(0), cloud(), namespace(), q, job('w', 0));
    const writers = new FakeWriters({ listers });
    const queueOf = (w: Workload) => resolveQueue(w, listers.queues.list(), (ns) => listers.namespaces.get(ns)?.metadata.labels);
    const gates = new BurstGates({ listers, queueOf, estimateTtlMs: 0 });
    const admission = new AdmissionController({ listers, writer: writers, logger, cycleDelayMs: 1e9, periodMs: 1e9, now: () => now, gates });
    admission.start();
    stops.push(() => admission.stop(), () => gates.stop());

    await admission.runCycle();
    expect(listers.workload(KEY)!.status.admission).toBeUndefined();
    expect(listers.workload(KEY)!.status.queue).toMatchObject({ reason: 'WaitingForCheaperClusters' });
    expect(listers.workload(KEY)!.status.queue!.message).toMatch(/^waiting for on-prem until .* \(CONSTANT, c 600\), then it may burst to cloud at 2\.40\/h$/);

    now += 601_000;
    await admission.runCycle();
    expect(listers.workload(KEY)!.status.admission).toMatchObject({ queue: 'team', replicas: 2 });
  });
});
