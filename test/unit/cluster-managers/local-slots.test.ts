import { describe, expect, it } from 'vitest';
import { admit, localCapacity, localSlots, slotsLeft } from '../../../src/cluster-managers/local/slots.js';

const r = (cpu: number, memory = 0, gpu = 0) => ({ cpu, memory, gpu });

describe('local slots', () => {
  it('are what spec.local says, the machine’s figures where it says nothing', () => {
    expect(localSlots({ cpu: 2, memory: 1024, gpu: 1 })).toEqual(r(2, 1024, 1));
    const machine = localSlots(undefined);
    expect(machine.cpu).toBeGreaterThan(0);
    expect(machine.memory).toBeGreaterThan(0);
    expect(machine.gpu).toBe(0);
  });

  it('slotsLeft takes off what each replica holds, going negative when more is held than offered', () => {
    expect(slotsLeft(r(4, 1000), [r(1, 100), r(2, 200)])).toEqual(r(1, 700));
    expect(slotsLeft(r(1), [r(1), r(1)])).toEqual(r(-1));
    expect(slotsLeft(r(1), [])).toEqual(r(1));
  });

  it('admit starts requests in order while they fit, and lets a smaller one pass a larger one', () => {
    expect(admit(r(3), [r(1), r(1), r(1), r(1)])).toEqual([true, true, true, false]);
    expect(admit(r(2), [r(1.5), r(1), r(0.5)])).toEqual([true, false, true]);
    expect(admit(r(1), Array.from({ length: 10 }, () => r(0.1)))).toEqual(Array(10).fill(true));
    expect(admit(r(0), [])).toEqual([]);
  });

  it('localCapacity is one ready node with what is promised taken off, never below zero', () => {
    expect(localCapacity(r(2, 1024), [r(1, 256), r(2, 256)], 'box')).toEqual({
      capacity: r(2, 1024),
      allocatable: r(0, 512),
      nodes: [{ name: 'box', capacity: r(2, 1024), allocatable: r(0, 512), ready: true }],
      acceleratorTypes: [],
    });
  });
});
