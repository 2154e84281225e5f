/**
 * watch<Kinds>: the Kubernetes list-then-watch contract over the Store.
 *
 * - Without resourceVersion: the current objects as ADDED (from one list, so one consistent
 *   snapshot; each event carries its object's own resourceVersion), then a BOOKMARK carrying the
 *   list's resourceVersion that closes the snapshot, then live changes from exactly that version.
 *   Nothing falls between list and watch, nothing is sent twice.
 * - With resourceVersion: every later change, in order, once (the Store replays its history).
 *   Too old → the Store's GoneError, thrown from the first next(). Newer than the store → a wait
 *   of up to 3 s for the store to get there (another API server of the same etcd may have
 *   answered first), then GONE too (ResourceVersionTooLargeError), as kube-apiserver does.
 *
 * BOOKMARKs: every bookmarkIntervalMs, if the store has moved past what this watcher was last
 * told, it gets `{type: BOOKMARK, resourceVersion}` so that it can resume later from a version
 * still inside the history (an idle watcher of a quiet kind otherwise falls behind and gets
 * GONE). A bookmark must never claim a version whose events this watcher has not received yet.
 * The version used is the one read one interval earlier: every write numbered up to it has had
 * a whole interval to be published, and an event already waiting is always delivered before a
 * bookmark. The ticks and the reads are shared by all watches of the store (bookmark-clock.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceVersionTooLargeError } from '../domain/errors.js';
import { KIND_INFO, type Kind } from '../domain/kinds.js';
import type { SkyObject, WatchEvent } from '../domain/types.js';
import type { StoreEvent, WatchScope } from '../storage/store.js';
import { samePublishTime } from '../storage/publish-times.js';
import type { ResolverContext } from './context.js';
import { checkResourceVersion, parseSelectorInput, type Maybe } from './validation.js';
import { BookmarkClock } from './bookmark-clock.js';
import { SelectorFilter } from './watch-filter.js';

export interface WatchArgs {
  namespace?: Maybe<string>;
  resourceVersion?: Maybe<string>;
  labelSelector?: Maybe<string>;
}

/** How long a watch from a version the store has not reached waits for it (kube-apiserver: 3 s). */
export const FUTURE_VERSION_WAIT_MS = 3_000;
const FUTURE_VERSION_POLL_MS = 100;

/** Resolves once the store has reached `version`; throws after FUTURE_VERSION_WAIT_MS. */
async function reached(ctx: ResolverContext, version: string, signal: AbortSignal): Promise<void> {
  const wanted = BigInt(version);
  const deadline = Date.now() + FUTURE_VERSION_WAIT_MS;
  for (;;) {
    const current = await ctx.store.currentResourceVersion();
    if (BigInt(current) >= wanted || signal.aborted) return;
    if (Date.now() >= deadline) throw new ResourceVersionTooLargeError(version, current, FUTURE_VERSION_WAIT_MS);
    await sleep(FUTURE_VERSION_POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}

const TICK = Symbol('tick');
const ABORT = Symbol('abort');

export async function* watchObjects<T extends SkyObject>(
  ctx: ResolverContext,
  kind: Kind,
  args: WatchArgs,
  signal: AbortSignal,
): AsyncGenerator<WatchEvent<T>> {
  const filter = new SelectorFilter(parseSelectorInput(args.labelSelector, 'labelSelector'));
  const namespace = KIND_INFO[kind].namespaced ? (args.namespace ?? undefined) : undefined;
  // Over all namespaces with authorization: other namespaces' events are never sent. A caller
  // who may see some namespaces, not all, watches the store for those (one namespace: as a watch
  // of it would), so other namespaces' events wake none of its watches; a namespace granted later
  // shows in the next watch, as in Kubernetes; one taken away stops showing at once.
  const view = KIND_INFO[kind].namespaced && namespace === undefined ? ctx.mayView?.('watch', kind) : undefined;
  const shown = (object: SkyObject) => !view || view.visible(object.metadata.namespace!);
  const scope: WatchScope =
    namespace !== undefined || !view ? { kind, namespace } : view.namespaces.size === 1 ? { kind, namespace: [...view.namespaces][0] } : { kind, namespaces: view.namespaces };
  let since = args.resourceVersion == null ? undefined : checkResourceVersion(args.resourceVersion, 'resourceVersion');

  if (since === undefined) {
    const list = await ctx.store.list({ kind, namespace: scope.namespace });
    for (const object of list.items) {
      if (!shown(object)) continue;
      const event = filter.apply({ type: 'ADDED', object: object as T, resourceVersion: object.metadata.resourceVersion });
      if (event) yield event;
    }
    since = list.resourceVersion;
    yield { type: 'BOOKMARK', resourceVersion: since };
  } else {
    await reached(ctx, since, signal);
  }
  if (signal.aborted) return;

  // Our own controller, so the store watch ends however this generator ends.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  // Each wait below is woken by the first of: the pending store step, a bookmark tick, the
  // abort. Not `Promise.race` with promises of the tick or the abort: a race leaves a reaction on
  // every promise it is given, and one that settles only much later would keep one per event
  // delivered until then. The tick and the abort wake whichever wait is current.
  let wake: ((value: typeof TICK | typeof ABORT) => void) | undefined;
  let aborted = false; // read per event: cheaper than the signal's getter
  stop.signal.addEventListener('abort', () => ((aborted = true), wake?.(ABORT)), { once: true });
  const ticks = BookmarkClock.for(ctx.store, ctx.bookmarkIntervalMs).register(() => wake?.(TICK));
  const firstOf = <S>(step: Promise<S>): Promise<S | typeof TICK | typeof ABORT> =>
    aborted
      ? Promise.resolve(ABORT)
      : new Promise((resolve, reject) => {
          wake = resolve;
          step.then(resolve, reject);
          // A tick raised while the loop was busy; one hop later, so a ready event still wins.
          if (ticks.ticked) void Promise.resolve(TICK).then(resolve);
        });
  const iterator = ctx.store.watch({ ...scope, fromResourceVersion: since, signal: stop.signal })[Symbol.asyncIterator]();

  let told = BigInt(since); // the newest version this watcher has been sent
  let eventWaiting = false;
  const pull = () => {
    eventWaiting = false;
    const next = iterator.next();
    next.then(() => (eventWaiting = true), () => (eventWaiting = true));
    return next;
  };

  try {
    let pending = pull();
    for (;;) {
      // `pending` comes first: when an event and a tick are both ready, the event wins.
      const winner = await firstOf(pending);
      if (winner === ABORT) return;
      if (winner === TICK) {
        if (eventWaiting) continue; // deliver what is already here before any bookmark
        const safe = ticks.take();
        if (safe !== undefined && safe > told) {
          told = safe;
          yield { type: 'BOOKMARK', resourceVersion: String(safe) };
        }
        continue;
      }
      if (winner.done) return;
      pending = pull();
      if (!shown(winner.value.object)) continue;
      const event = filter.apply(toWatchEvent<T>(winner.value));
      if (!event) continue;
      const version = BigInt(event.resourceVersion);
      if (version > told) told = version;
      yield event;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    ticks.close();
    iterator.return?.().catch(() => undefined);
  }
}

/**
 * One WatchEvent per store event, shared by every watcher that passes it on unchanged: the
 * subscription results are then computed once per event and document, not once per subscriber
 * (src/server/use-shared-subscription-results.ts keys its cache on this object).
 */
const watchEvents = new WeakMap<StoreEvent, WatchEvent<SkyObject>>();

function toWatchEvent<T extends SkyObject>(event: StoreEvent): WatchEvent<T> {
  let shared = watchEvents.get(event);
  if (!shared) {
    shared = Object.freeze({ type: event.type, object: event.object, resourceVersion: event.resourceVersion });
    watchEvents.set(event, shared);
    samePublishTime(event, shared);
  }
  return shared as WatchEvent<T>;
}
