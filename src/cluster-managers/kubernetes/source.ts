/**
 * The real ListWatchSource of an Informer: lists through the manager's API clients (kept-alive
 * connections, per-request timeout, aborted by close()) and watches with client-node's Watch.
 *
 * Watch has no timeout of its own (it drops the one it makes) and returns its AbortController only
 * once the server answered, so opening a watch is bounded here: a watch not accepted within
 * `connectTimeoutMs` counts as failed, and is aborted as soon as it does answer. The server is
 * asked to end every watch after `timeoutSeconds`, so a stream silently stuck on a hung server is
 * replaced regularly, and the replacement's connect then fails.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { ListResult, ListWatchSource, WatchEventType, WatchHandle } from './informer.js';

export interface SourceOptions<T> {
  /** e.g. "/api/v1/pods"; all namespaces. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** The same list the path names, with the same selectors. */
  list: () => Promise<ListResult<T>>;
  connectTimeoutMs: number;
  /** Asked of the server for each watch (default 30 s). */
  timeoutSeconds?: number;
}

export function listWatchSource<T>(kubeConfig: KubeConfig, options: SourceOptions<T>): ListWatchSource<T> {
  const watcher = new Watch(kubeConfig);
  return {
    list: options.list,
    watch(resourceVersion: string, onEvent: (type: WatchEventType, object: T) => void, done: (error: unknown) => void): Promise<WatchHandle> {
      const params: Record<string, string | boolean | number> = {
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: options.timeoutSeconds ?? 30,
      };
      if (options.labelSelector) params.labelSelector = options.labelSelector;
      if (options.fieldSelector) params.fieldSelector = options.fieldSelector;
      return new Promise<WatchHandle>((resolve, reject) => {
        // connecting → open (done goes to the informer) or abandoned (failed or timed out: ignored).
        let state: 'connecting' | 'open' | 'abandoned' = 'connecting';
        const fail = (error: unknown) => {
          if (state !== 'connecting') return;
          state = 'abandoned';
          clearTimeout(timer);
          reject(error);
        };
        const timer = setTimeout(() => fail(new Error(`the watch of ${options.path} was not accepted within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
        timer.unref?.();
        const onDone = (error: unknown) => {
          if (state === 'connecting') fail(error ?? new Error(`the watch of ${options.path} ended before it started`));
          else if (state === 'open') done(error);
        };
        // Events that come before watch() returned are kept for the informer, in order.
        const early: [string, T][] = [];
        const onLine = (type: string, object: T) => {
          if (state === 'open') onEvent(type, object);
          else if (state === 'connecting') early.push([type, object]);
        };
        watcher.watch(options.path, params, onLine, onDone).then(
          (controller) => {
            if (state !== 'connecting') {
              controller.abort();
              return;
            }
            state = 'open';
            clearTimeout(timer);
            resolve({
              abort: () => {
                state = 'abandoned';
                controller.abort();
              },
            });
            // After the informer took the handle (its then() runs first, being registered first).
            queueMicrotask(() => {
              for (const [type, object] of early.splice(0)) if (state === 'open') onEvent(type, object);
            });
          },
          fail,
        );
      });
    },
  };
}
