/** The waits the scheduler's latency histograms observe, read from the workload object alone. */
import { describe, expect, it } from 'vitest';
import { admissionWaitSeconds, firstPlacementWaitSeconds, queuedSinceMs } from '../../../src/metrics/workload-waits.js';
import type { Admission, Workload } from '../../../src/domain/types.js';
import { workload } from '../scheduler/fixtures.js';

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds)).toISOString();
const ms = (seconds: number) => Date.parse(at(seconds));

function created(seconds: number, status: Partial<Workload['status']> = {}): Workload {
  const w = workload('w');
  return { ...w, metadata: { ...w.metadata, creationTimestamp: at(seconds) }, status: { ...w.status, ...status } } as Workload;
}

const admission = (seconds: number): Admission => ({ queue: 'q', priority: 0, admittedAt: at(seconds), generation: 1, replicas: 1 }) as Admission;

describe('workload waits', () => {
  it('admission: from creation, or from the withdrawal of the last admission (preempted)', () => {
    expect(admissionWaitSeconds(created(0), admission(7))).toBe(7);
    const preempted = created(0, { conditions: [{ type: 'Admitted', status: 'False', reason: 'Preempted', lastTransitionTime: at(20) }] });
    expect(queuedSinceMs(preempted)).toBe(ms(20));
    expect(admissionWaitSeconds(preempted, admission(25))).toBe(5);
    // An Admitted condition still True says nothing of waiting.
    expect(queuedSinceMs(created(3, { conditions: [{ type: 'Admitted', status: 'True', reason: 'Admitted', lastTransitionTime: at(9) }] }))).toBe(ms(3));
  });

  it('placement: from admission, else creation, and only for the first placement', () => {
    expect(firstPlacementWaitSeconds(created(0), ms(2))).toBe(2);
    expect(firstPlacementWaitSeconds(created(0, { admission: admission(5) }), ms(6))).toBe(1);
    expect(firstPlacementWaitSeconds(created(0, { placements: [{ cluster: 'a', replicas: 1 }] }), ms(9))).toBeUndefined();
    expect(firstPlacementWaitSeconds(created(0, { evictions: [{ cluster: 'a', replicas: 1, at: at(1), reason: 'ClusterLost', message: '' }] } as never), ms(9))).toBeUndefined();
  });

  it('a clock behind the object does not go negative', () => {
    expect(firstPlacementWaitSeconds(created(10), ms(9))).toBe(0);
  });
});
