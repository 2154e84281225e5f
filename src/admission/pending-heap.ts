/**
 * One queue's pending workloads in admission order: higher priority first, then older first,
 * then by key. A binary heap with lazy removal: removing or re-adding a workload marks its old
 * entry stale, and stale entries are dropped when they reach the top. Peeking the head and
 * taking it cost O(log n), so a decision costs the same with 10 or 100,000 pending.
 */
export interface PendingEntry {
  key: string;
  priority: number;
  /** Milliseconds since the epoch: when it started waiting (creation, or its last preemption). */
  since: number;
}

interface Slot {
  entry: PendingEntry;
  version: number;
}

export function admissionOrder(a: PendingEntry, b: PendingEntry): number {
  return b.priority - a.priority || a.since - b.since || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export class PendingHeap {
  private readonly heap: Slot[] = [];
  private readonly live = new Map<string, number>();
  private version = 0;

  get size(): number {
    return this.live.size;
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  push(entry: PendingEntry): void {
    const version = ++this.version;
    this.live.set(entry.key, version);
    this.heap.push({ entry, version });
    this.up(this.heap.length - 1);
    // Stale entries must not pile up when the same workloads change again and again.
    if (this.heap.length > 2 * this.live.size + 64) this.compact();
  }

  remove(key: string): void {
    this.live.delete(key);
  }

  peek(): PendingEntry | undefined {
    this.dropStale();
    return this.heap[0]?.entry;
  }

  pop(): PendingEntry | undefined {
    this.dropStale();
    const top = this.heap[0];
    if (!top) return undefined;
    this.live.delete(top.entry.key);
    this.removeTop();
    return top.entry;
  }

  /** Every live entry, in admission order (O(n log n): for status, not for decisions). */
  ordered(): PendingEntry[] {
    return this.heap
      .filter((s) => this.live.get(s.entry.key) === s.version)
      .map((s) => s.entry)
      .sort(admissionOrder);
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.live.get(this.heap[0].entry.key) !== this.heap[0].version) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private compact(): void {
    const kept = this.heap.filter((s) => this.live.get(s.entry.key) === s.version);
    this.heap.length = 0;
    for (const slot of kept) {
      this.heap.push(slot);
      this.up(this.heap.length - 1);
    }
  }

  private less(i: number, j: number): boolean {
    return admissionOrder(this.heap[i].entry, this.heap[j].entry) < 0;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.heap.length && this.less(l, best)) best = l;
      if (r < this.heap.length && this.less(r, best)) best = r;
      if (best === i) return;
      [this.heap[i], this.heap[best]] = [this.heap[best], this.heap[i]];
      i = best;
    }
  }
}
