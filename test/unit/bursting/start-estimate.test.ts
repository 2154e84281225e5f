import { describe, expect, it } from 'vitest';
import { estimateStarts, type Demand } from '../../../src/bursting/start-estimate.js';

const none = { cpu: 0, memory: 0, gpu: 0 };
const gpus = (key: string, gpu: number, runtimeMs: number): Demand => ({ key, cpu: 0, memory: 0, gpu, runtimeMs });

describe('estimateStarts', () => {
  it('starts what fits now at once', () => {
    const starts = estimateStarts({ ...none, gpu: 8 }, [], [gpus('a', 4, 1_000), gpus('b', 4, 1_000)], 100);
    expect([...starts]).toEqual([
      ['a', 100],
      ['b', 100],
    ]);
  });

  it('waits for running work to give its resources back, in the order it ends', () => {
    const releases = [
      { at: 5_000, ...none, gpu: 4 },
      { at: 2_000, ...none, gpu: 2 },
    ];
    const starts = estimateStarts({ ...none, gpu: 2 }, releases, [gpus('a', 4, 10_000), gpus('b', 4, 1_000)], 0);
    // a needs 4: 2 free + 2 back at 2 s. b needs 4 more: back at 5 s.
    expect(starts.get('a')).toBe(2_000);
    expect(starts.get('b')).toBe(5_000);
  });

  it('counts what the work ahead gives back when it ends', () => {
    const starts = estimateStarts({ ...none, gpu: 8 }, [], [gpus('a', 8, 3_000), gpus('b', 8, 1_000), gpus('c', 8, 1_000)], 0);
    expect(starts.get('b')).toBe(3_000);
    expect(starts.get('c')).toBe(4_000);
  });

  it('is first come, first served: a small job does not pass a big one waiting ahead', () => {
    const starts = estimateStarts({ ...none, gpu: 2 }, [{ at: 1_000, ...none, gpu: 6 }], [gpus('big', 8, 1_000), gpus('small', 1, 1_000)], 0);
    expect(starts.get('big')).toBe(1_000);
    expect(starts.get('small')).toBe(2_000);
  });

  it('says never for work bigger than all that can come back, and for all behind it', () => {
    const starts = estimateStarts({ ...none, gpu: 4 }, [{ at: 1_000, ...none, gpu: 4 }], [gpus('huge', 16, 1_000), gpus('after', 1, 1_000)], 0);
    expect(starts.get('huge')).toBe(Infinity);
    expect(starts.get('after')).toBe(Infinity);
  });
});
