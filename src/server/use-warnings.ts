/**
 * useWarnings: resolvers report what a successful answer could not include through `ctx.warn`
 * (a cluster whose logs cannot be read), and clients get it in the result's
 * `extensions.warnings: [{message, cluster?}]` instead of an error that would throw the rest of
 * the answer away. Kubernetes sends such notes as `Warning:` headers; GraphQL's place for what is
 * beside the data is `extensions`.
 *
 * - A query or mutation: the operation's warnings, on its one result.
 * - A subscription: each warning as soon as it is reported, on the next event; when no event is
 *   ready to carry it, on a `next` message of its own with `extensions` and no `data`, so that a
 *   stream still says why it has nothing to send (every cluster unreachable) before it ends.
 */
import type { ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Warning } from '../domain/types.js';
import type { ResolverContext } from '../resolvers/context.js';

/** The warnings of one operation, waiting to be sent. */
class Warnings {
  private items: Warning[] = [];
  private wake?: () => void;

  readonly add = (warning: Warning): void => {
    this.items.push(warning);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  take(): Warning[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  /** Calls `wake` once a warning is waiting (at once if one is); a later call replaces it. */
  onWarning(wake: () => void): void {
    if (this.items.length > 0) wake();
    else this.wake = wake;
  }
}

function withWarnings(result: ExecutionResult, warnings: Warning[]): ExecutionResult {
  return warnings.length === 0 ? result : { ...result, extensions: { ...result.extensions, warnings } };
}

const WARNING = Symbol('warning');

/**
 * The subscription's results with the warnings mixed in as they come. Written as a plain iterator,
 * not a generator: `return()` from the transport (client gone) must reach the inner stream at
 * once, even while `next()` waits (see src/schema/watch.ts).
 */
function mixIn(stream: AsyncIterable<ExecutionResult>, warnings: Warnings): AsyncIterableIterator<ExecutionResult> {
  const inner = stream[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<ExecutionResult>> | undefined;
  let ended = false;
  return {
    async next() {
      if (ended) return { done: true, value: undefined };
      const step = (pending ??= inner.next());
      // One promise per event, woken by the event or a warning, whichever comes first (this runs
      // for every subscriber of every event; Promise.race cost three).
      const first = await new Promise<IteratorResult<ExecutionResult> | typeof WARNING>((resolve, reject) => {
        warnings.onWarning(() => resolve(WARNING));
        step.then(resolve, reject);
      });
      if (first === WARNING) return { done: false, value: { extensions: { warnings: warnings.take() } } };
      pending = undefined;
      if (!first.done) return { done: false, value: withWarnings(first.value, warnings.take()) };
      ended = true;
      const last = warnings.take();
      return last.length > 0 ? { done: false, value: { extensions: { warnings: last } } } : first;
    },
    async return(value?: unknown) {
      ended = true;
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      ended = true;
      if (inner.throw) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export function useWarnings(): Plugin<Pick<ResolverContext, 'warn'>> {
  return {
    onExecute({ extendContext }) {
      const warnings = new Warnings();
      extendContext({ warn: warnings.add });
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => setResult(withWarnings(result, warnings.take()))),
      };
    },
    onSubscribe({ extendContext }) {
      const warnings = new Warnings();
      extendContext({ warn: warnings.add });
      return {
        onSubscribeResult: ({ result, setResult }) =>
          setResult(isAsyncIterable(result) ? mixIn(result, warnings) : withWarnings(result, warnings.take())),
      };
    },
  };
}
