/**
 * When each store event was published to its watchers (performance.now() of this process), so the
 * API server can tell how long an event took to reach each subscriber (the watch delivery lag,
 * src/metrics/api-server-metrics.ts). Kept beside the event object, not in it: events are frozen
 * and shared, and the Store interface stays as it is. A WeakMap lets an event go with its last
 * holder (the watch history, a slow subscriber's queue).
 */
const publishedAt = new WeakMap<object, number>();

/** The event leaves the store now (memory and lowdb at commit; the watch cache when etcd tells it). */
export function notePublished(event: object, at = performance.now()): void {
  publishedAt.set(event, at);
}

/** A derived event (the watch resolvers' WatchEvent) keeps its store event's time. */
export function samePublishTime(from: object, to: object): void {
  const at = publishedAt.get(from);
  if (at !== undefined) publishedAt.set(to, at);
}

/** When the event was published here; undefined for what no store published (a list's ADDED, a BOOKMARK). */
export function publishTimeOf(event: unknown): number | undefined {
  return event !== null && typeof event === 'object' ? publishedAt.get(event) : undefined;
}
