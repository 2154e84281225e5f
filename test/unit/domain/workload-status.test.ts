import { describe, expect, it } from 'vitest';
import { setCondition } from '../../../src/domain/conditions.js';
import { derivePhase, stalePlacementDecision } from '../../../src/domain/workload-status.js';
import type { ClusterReplicaStatus, Job, WorkloadStatus } from '../../../src/domain/types.js';

function job(replicas: number, status: Partial<WorkloadStatus>, restartPolicy: Job['spec']['restartPolicy'] = 'NEVER'): Job {
  return {
    kind: 'Job',
    metadata: { name: 'j', namespace: 'default', uid: 'u', labels: {}, annotations: {}, resourceVersion: '1', generation: 1, creationTimestamp: '' },
    spec: {
      image: '',
      run: 'true',
      envs: [],
      resources: { cpu: 1, memory: 0, gpu: 0 },
      replicas,
      restartPolicy,
      placement: { preferences: [], strategy: 'SPREAD' },
    },
    status: { phase: 'PENDING', conditions: [], placements: [], replicaStatus: [], ...status },
  };
}

const report = (cluster: string, counts: Partial<ClusterReplicaStatus>): ClusterReplicaStatus => ({
  cluster,
  pending: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  ...counts,
});

describe('derivePhase', () => {
  it('is PENDING until placed, SCHEDULED until a replica runs', () => {
    expect(derivePhase(job(2, {}))).toBe('PENDING');
    expect(derivePhase(job(2, { placements: [{ cluster: 'a', replicas: 2 }] }))).toBe('SCHEDULED');
    expect(derivePhase(job(2, { placements: [{ cluster: 'a', replicas: 2 }], replicaStatus: [report('a', { pending: 2 })] }))).toBe('SCHEDULED');
  });

  it('is RUNNING while replicas run and COMPLETED when all succeeded, across clusters', () => {
    const placements = [
      { cluster: 'a', replicas: 1 },
      { cluster: 'b', replicas: 1 },
    ];
    expect(derivePhase(job(2, { placements, replicaStatus: [report('a', { running: 1 })] }))).toBe('RUNNING');
    expect(derivePhase(job(2, { placements, replicaStatus: [report('a', { succeeded: 1 }), report('b', { running: 1 })] }))).toBe('RUNNING');
    expect(derivePhase(job(2, { placements, replicaStatus: [report('a', { succeeded: 1 }), report('b', { succeeded: 1 })] }))).toBe('COMPLETED');
  });

  it('ignores reports of clusters the job is no longer placed on', () => {
    const status = { placements: [{ cluster: 'b', replicas: 1 }], replicaStatus: [report('a', { succeeded: 1 })] };
    expect(derivePhase(job(1, status))).toBe('SCHEDULED');
  });

  it('fails a NEVER-restart job on the first failed replica, but not an ON_FAILURE one', () => {
    const status = { placements: [{ cluster: 'a', replicas: 2 }], replicaStatus: [report('a', { failed: 1, running: 1 })] };
    expect(derivePhase(job(2, status))).toBe('FAILED');
    expect(derivePhase(job(2, status, 'ON_FAILURE'))).toBe('RUNNING');
  });

  it('keeps a finished job finished', () => {
    expect(derivePhase(job(1, { phase: 'COMPLETED' }))).toBe('COMPLETED');
    expect(derivePhase(job(1, { phase: 'FAILED', placements: [{ cluster: 'a', replicas: 1 }] }))).toBe('FAILED');
  });
});

describe('setCondition', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const t1 = new Date('2026-01-01T00:01:00Z');

  it('adds, then keeps the transition time while the status stays, and moves it when the status flips', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'Probing' }, t0);
    expect(first).toEqual([{ type: 'Ready', status: 'False', reason: 'Probing', lastTransitionTime: t0.toISOString() }]);
    const sameStatus = setCondition(first, { type: 'Ready', status: 'False', reason: 'Unreachable' }, t1);
    expect(sameStatus[0].lastTransitionTime).toBe(t0.toISOString());
    expect(sameStatus[0].reason).toBe('Unreachable');
    const flipped = setCondition(sameStatus, { type: 'Ready', status: 'True' }, t1);
    expect(flipped[0].lastTransitionTime).toBe(t1.toISOString());
  });

  it('returns the same array when nothing changed, so callers can skip the write', () => {
    const conditions = setCondition([], { type: 'Ready', status: 'True' }, t0);
    expect(setCondition(conditions, { type: 'Ready', status: 'True' }, t1)).toBe(conditions);
  });
});

describe('stalePlacementDecision', () => {
  const placed = [
    { cluster: 'b', replicas: 1 },
    { cluster: 'a', replicas: 2 },
    { cluster: 'c', replicas: 0 },
  ];

  it('takes the stored placements in any order and without their empty entries', () => {
    expect(stalePlacementDecision(job(3, { placements: placed }), 1, [{ cluster: 'a', replicas: 2 }, { cluster: 'b', replicas: 1 }])).toBeUndefined();
  });

  it('refuses a decision from other placements or for another generation', () => {
    expect(stalePlacementDecision(job(3, { placements: placed }), 1, [{ cluster: 'a', replicas: 3 }])).toMatch(/placements are not the ones/);
    expect(stalePlacementDecision(job(3, { placements: [] }), 2, [])).toMatch(/spec generation 2, the spec is now at 1/);
  });
});
