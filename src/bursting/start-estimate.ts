/**
 * When would the cheaper clusters start a waiting workload? Their free resources now, plus what
 * each running replica gives back when its expected runtime is over, served to the waiting work
 * in arrival order (first come, first served: no backfill, so the estimate errs late, never
 * early for the head of the line). A Job starts when all its replicas fit at once. The figures
 * are the clusters' sums, not per node: a 4-cpu replica counts as fitting in two nodes' 2 free
 * cpu each, which errs early; the node-level check happens when it is really placed.
 */

export interface Amount {
  cpu: number;
  memory: number;
  gpu: number;
}

/** Resources coming free at `at` (ms). */
export interface Release extends Amount {
  at: number;
}

/** A waiting workload, in line order: what all its replicas take, and for how long. */
export interface Demand extends Amount {
  key: string;
  runtimeMs: number;
}

const EPSILON = 1e-9;

function fits(free: Amount, d: Amount): boolean {
  return d.cpu <= free.cpu + EPSILON && d.memory <= free.memory + EPSILON && d.gpu <= free.gpu + EPSILON;
}

function add(into: Amount, a: Amount, sign: 1 | -1): void {
  into.cpu += sign * a.cpu;
  into.memory += sign * a.memory;
  into.gpu += sign * a.gpu;
}

function isSorted(releases: readonly Release[]): boolean {
  for (let i = 1; i < releases.length; i++) if (releases[i - 1].at > releases[i].at) return false;
  return true;
}

/** Inserts keeping `list` sorted by `at`. */
function insert(list: Release[], release: Release): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].at <= release.at) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, release);
}

/**
 * The start time (ms) of each waiting workload, by key; Infinity for those that would never
 * start (bigger than what all the releases give back). `now` is the earliest any may start.
 */
export function estimateStarts(freeNow: Amount, releases: readonly Release[], line: readonly Demand[], now: number): Map<string, number> {
  const free: Amount = { ...freeNow };
  // Callers that ask many times over the same releases sort them once (BurstGates' tier view).
  const pending = isSorted(releases) ? [...releases] : [...releases].sort((a, b) => a.at - b.at);
  const starts = new Map<string, number>();
  let t = now;
  let next = 0;
  for (const d of line) {
    while (!fits(free, d) && next < pending.length) {
      const r = pending[next++];
      t = Math.max(t, r.at);
      add(free, r, 1);
    }
    if (!fits(free, d)) {
      // Nothing more comes back: it and everything behind it (first come, first served) never start.
      for (const rest of line.slice(line.indexOf(d))) starts.set(rest.key, Infinity);
      return starts;
    }
    starts.set(d.key, t);
    add(free, d, -1);
    // Its own release, among those still to come.
    const release = { at: t + d.runtimeMs, cpu: d.cpu, memory: d.memory, gpu: d.gpu };
    pending.splice(0, next);
    next = 0;
    insert(pending, release);
  }
  return starts;
}
