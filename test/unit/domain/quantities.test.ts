import { describe, expect, it } from 'vitest';
import { notAQuantity, parseQuantityText, parseQuantityValue } from '../../../src/domain/quantities.js';

describe('parseQuantityText', () => {
  it('reads cores plainly or in millicores', () => {
    expect(['1', '0.5', '.25', '500m', '2000m'].map((t) => parseQuantityText('cpu', t))).toEqual([1, 0.5, 0.25, 0.5, 2]);
  });

  it('reads memory in MiB, with Kubernetes\' binary and decimal suffixes', () => {
    expect(['512', '512Mi', '2Gi', '2gi', '1Ti', '1024Ki', '1.5Gi'].map((t) => parseQuantityText('memory', t))).toEqual([512, 512, 2048, 2048, 1024 * 1024, 1, 1536]);
    expect(parseQuantityText('memory', '1G')).toBeCloseTo(1e9 / 2 ** 20, 6);
    expect(parseQuantityText('memory', '500M')).toBeCloseTo(500e6 / 2 ** 20, 6);
  });

  it('reads whole GPUs', () => {
    expect(parseQuantityText('gpu', '2')).toBe(2);
  });

  it('refuses what is no quantity: other suffixes, signs, milli-bytes, fractional GPUs', () => {
    expect(['lots', '-1', '1x', '1 m', ''].map((t) => parseQuantityText('cpu', t))).toEqual(Array(5).fill(undefined));
    expect(['2Gx', '2Xi', '500m', '-1Gi', 'Gi'].map((t) => parseQuantityText('memory', t))).toEqual(Array(5).fill(undefined));
    expect(['1.5', '1m'].map((t) => parseQuantityText('gpu', t))).toEqual([undefined, undefined]);
  });
});

describe('parseQuantityValue (values from a file)', () => {
  it('takes numbers as YAML made them and parses text', () => {
    expect(parseQuantityValue('cpu', 2)).toBe(2);
    expect(parseQuantityValue('memory', '2Gi')).toBe(2048);
    expect(parseQuantityValue('memory', true)).toBeUndefined();
    expect(parseQuantityValue('cpu', { a: 1 })).toBeUndefined();
  });
});

describe('notAQuantity', () => {
  it('quotes the value and says what a quantity looks like', () => {
    expect(notAQuantity('memory', '2Gx')).toBe('"2Gx" is not a quantity such as 512Mi, 2Gi or 1024 (MiB)');
    expect(notAQuantity('cpu', true)).toBe('true is not a quantity of cores such as 1, 0.5 or 500m');
    expect(notAQuantity('gpu', '1.5')).toBe('"1.5" is not a whole number of GPUs such as 1');
  });
});
