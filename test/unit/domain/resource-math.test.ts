import { describe, expect, it } from 'vitest';
import { copiesFitting, fits, minus, nonNegative, plus } from '../../../src/domain/resource-math.js';

const r = (cpu: number, memory = 0, gpu = 0) => ({ cpu, memory, gpu });

describe('fits', () => {
  it('takes exactly the free amount, and nothing more in any dimension', () => {
    expect(fits(r(2, 1024, 1), r(2, 1024, 1))).toBe(true);
    expect(fits(r(2.5), r(2))).toBe(false);
    expect(fits(r(1, 2048), r(4, 1024))).toBe(false);
    expect(fits(r(0, 0, 1), r(8, 8192, 0))).toBe(false);
  });

  it('lets ten replicas of 0.1 cpu into 1 cpu despite float rounding', () => {
    let free = r(1);
    for (let i = 0; i < 10; i++) {
      expect(fits(r(0.1), free)).toBe(true);
      free = minus(free, r(0.1));
    }
    expect(fits(r(0.1), free)).toBe(false);
  });

  it('ignores accelerators: that is each caller’s rule', () => {
    expect(fits({ ...r(1), accelerator: 'A100' }, r(1))).toBe(true);
  });
});

describe('copiesFitting', () => {
  it('counts 0.3 / 0.1 as 3, never a negative count, and Infinity for an empty request', () => {
    expect(copiesFitting(0.3, 0.1)).toBe(3);
    expect(copiesFitting(-1, 1)).toBe(0);
    expect(copiesFitting(5, 0)).toBe(Infinity);
  });
});

describe('plus, minus, nonNegative', () => {
  it('add and subtract every dimension; nonNegative clamps and keeps the accelerator', () => {
    expect(plus(r(1, 2, 3), r(1, 1, 1))).toEqual(r(2, 3, 4));
    expect(minus(r(1, 2, 3), r(2, 1, 1))).toEqual(r(-1, 1, 2));
    expect(nonNegative({ ...r(-1, 5, -2), accelerator: 'T4' })).toEqual({ ...r(0, 5, 0), accelerator: 'T4' });
  });
});
