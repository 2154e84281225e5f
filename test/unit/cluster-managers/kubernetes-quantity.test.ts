import { describe, expect, it } from 'vitest';
import {
  cpuCores,
  cpuQuantity,
  deviceCount,
  memoryMiB,
  memoryQuantity,
  parseQuantity,
  roundFigure,
} from '../../../src/cluster-managers/kubernetes/quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['4', 4],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['250000u', 0.25],
    ['100n', 1e-7],
    ['2k', 2000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['16Gi', 16 * 2 ** 30],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-3', 0.012],
    ['+2', 2],
  ])('%s is %d', (quantity, value) => {
    expect(parseQuantity(quantity)).toBeCloseTo(value, 12);
  });

  it('passes numbers through', () => {
    expect(parseQuantity(3)).toBe(3);
  });

  it.each(['', 'abc', '1.2.3', '5 Gi', '1Qi', 'Mi'])('rejects %j', (quantity) => {
    expect(() => parseQuantity(quantity)).toThrow(/not a Kubernetes quantity/);
  });
});

describe('Sky figures from quantities', () => {
  it('reads cpu in cores, memory in MiB, devices as counts, absent as 0', () => {
    expect(cpuCores('3500m')).toBe(3.5);
    expect(memoryMiB('16331280Ki')).toBeCloseTo(15948.515625, 9);
    expect(memoryMiB('2Gi')).toBe(2048);
    expect(memoryMiB('1000000000')).toBeCloseTo(953.674, 3);
    expect(deviceCount('8')).toBe(8);
    expect(cpuCores(undefined)).toBe(0);
    expect(memoryMiB(undefined)).toBe(0);
  });

  it('rounds away float noise to a thousandth', () => {
    expect(1 - 0.9).not.toBe(0.1);
    expect(roundFigure(1 - 0.9)).toBe(0.1);
    expect(roundFigure(0.1 + 0.2)).toBe(0.3);
  });
});

describe('quantities from Sky figures', () => {
  it('writes whole cores plainly and fractions in millicores, never asking for less', () => {
    expect(cpuQuantity(2)).toBe('2');
    expect(cpuQuantity(0.5)).toBe('500m');
    expect(cpuQuantity(1.25)).toBe('1250m');
    expect(cpuQuantity(0.1 + 0.2)).toBe('300m');
    expect(cpuQuantity(0.0001)).toBe('1m');
  });

  it('writes MiB, or KiB for fractions', () => {
    expect(memoryQuantity(512)).toBe('512Mi');
    expect(memoryQuantity(1.5)).toBe('1536Ki');
  });

  it('round-trips', () => {
    for (const cores of [0.001, 0.25, 1, 3.5, 64]) expect(cpuCores(cpuQuantity(cores))).toBeCloseTo(cores, 9);
    for (const mib of [1, 1.5, 1024, 30000.25]) expect(memoryMiB(memoryQuantity(mib))).toBeCloseTo(mib, 9);
  });
});
