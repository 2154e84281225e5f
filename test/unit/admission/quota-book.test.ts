import { describe, expect, it } from 'vitest';
import { QuotaBook } from '../../../src/admission/quota-book.js';
import { usageVector } from '../../../src/admission/quota.js';
import { queue } from './fixtures.js';

const cpu = (n: number) => usageVector({ cpu: n, memory: 0, gpu: 0, accelerators: [] });

describe('QuotaBook', () => {
  it('admits within the nominal quota of a queue without a cohort, and says what is left', () => {
    const book = new QuotaBook();
    book.setQueue(queue('team-a', { quota: { cpu: 4 } }));
    expect(book.verdict('team-a', cpu(4))).toEqual({ fits: true, borrows: false });
    book.charge('team-a', cpu(3), 1);
    const verdict = book.verdict('team-a', cpu(2));
    expect(verdict).toEqual({ fits: false, never: false, message: 'needs 2 cpu, queue team-a has 1 left' });
    expect(book.verdict('team-a', cpu(5))).toMatchObject({ fits: false, never: true });
  });

  it('leaves a figure the quota does not name unlimited, and refuses one named 0', () => {
    const book = new QuotaBook();
    book.setQueue(queue('q', { quota: { cpu: 2, gpu: 0 } }));
    expect(book.verdict('q', usageVector({ cpu: 1, memory: 1_000_000, gpu: 0, accelerators: [] })).fits).toBe(true);
    expect(book.verdict('q', usageVector({ cpu: 1, memory: 0, gpu: 1, accelerators: [] }))).toMatchObject({ fits: false, never: true });
  });

  it('borrows unused nominal quota of the cohort, within the borrowing limit and what others lend', () => {
    const book = new QuotaBook();
    book.setQueue(queue('a', { quota: { cpu: 4 }, cohort: 'research', borrowingLimit: { cpu: 3 } }));
    book.setQueue(queue('b', { quota: { cpu: 4 }, cohort: 'research', lendingLimit: { cpu: 2 } }));
    expect(book.verdict('a', cpu(6))).toEqual({ fits: true, borrows: true });
    // b lends only 2: a reaches 6 at most, though its borrowing limit would allow 7.
    expect(book.verdict('a', cpu(7))).toMatchObject({ fits: false, never: true });
    book.charge('a', cpu(4), 1);
    expect(book.verdict('a', cpu(3))).toEqual({ fits: false, never: false, message: 'needs 3 cpu, queue a has 0 left and may borrow 2 from cohort research' });
    book.charge('a', cpu(2), 1);
    expect(book.isBorrowing('a')).toBe(true);
    expect(book.borrowed('a').cpu).toBe(2);
    // b's guaranteed part (4 - 2) is its own whatever a borrowed.
    expect(book.verdict('b', cpu(2)).fits).toBe(true);
    expect(book.verdict('b', cpu(3)).fits).toBe(false);
  });

  it('weights the dominant share: the same usage is half the share at weight 2', () => {
    const book = new QuotaBook();
    book.setQueue(queue('a', { quota: { cpu: 10 }, cohort: 'c', weight: 1 }));
    book.setQueue(queue('b', { quota: { cpu: 10 }, cohort: 'c', weight: 2 }));
    book.charge('a', cpu(4), 1);
    book.charge('b', cpu(4), 1);
    expect(book.share('a', new Map())).toBeCloseTo(0.2);
    expect(book.share('b', new Map())).toBeCloseTo(0.1);
  });

  it('keeps the usage of a deleted queue for a queue that comes back under its name', () => {
    const book = new QuotaBook();
    book.setQueue(queue('a', { quota: { cpu: 4 } }));
    book.charge('a', cpu(3), 1);
    book.deleteQueue('a');
    book.setQueue(queue('a', { quota: { cpu: 4 } }));
    expect(book.verdict('a', cpu(2)).fits).toBe(false);
  });
});
