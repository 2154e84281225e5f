/**
 * Largest-remainder (Hamilton) apportionment: `seats` whole seats in proportion to `weights`.
 * Each party first gets the whole part of its quota seats × weight / total; the seats left go one
 * each to the largest fractional parts, ties to the larger weight, then to the earlier party. The
 * arithmetic is exact (BigInt), so 1/3 and 2/6 tie as they should and huge weights lose nothing.
 */
export function largestRemainder(seats: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(seats) || seats < 0) throw new RangeError(`seats must be a whole number, got ${seats}`);
  const big = weights.map((w) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights must be finite and not negative, got ${w}`);
    return BigInt(Math.floor(w));
  });
  const total = big.reduce((sum, w) => sum + w, 0n);
  if (total === 0n) return weights.map(() => 0);

  const seatsBig = BigInt(seats);
  const quotas = big.map((w) => ({ whole: (seatsBig * w) / total, remainder: (seatsBig * w) % total }));
  const result = quotas.map((q) => Number(q.whole));
  let left = seats - result.reduce((sum, n) => sum + n, 0);
  if (left === 0) return result;

  const order = quotas
    .map((q, i) => i)
    .sort((a, b) => {
      const byRemainder = compare(quotas[b].remainder, quotas[a].remainder);
      return byRemainder !== 0 ? byRemainder : compare(big[b], big[a]) || a - b;
    });
  for (const i of order) {
    if (left === 0) break;
    result[i]++;
    left--;
  }
  return result;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
