/**
 * The one iterator between a subscription's source event stream and the transport: each source
 * event becomes its result (executed once per event for all subscribers of the same document, by
 * useSharedSubscriptionResults), the operation's warnings are mixed in as they come, and a failing
 * source ends the stream with the error as the client may see it.
 *
 * It does in one layer what Yoga's plugins did in four per subscriber (map to a result, mix in
 * warnings, mask each result, catch the stream's error); at a thousand watchers every event passes
 * every layer a thousand times, and each layer is a few promises.
 *
 * Written as a plain iterator, not a generator: `return()` from the transport (the client went
 * away) must reach the source at once, even while `next()` waits (see src/schema/watch.ts).
 */
import type { ExecutionResult } from 'graphql';
import { isPromise } from 'graphql-yoga';
import type { ClientErrors } from './client-errors.js';
import { withWarnings, type Warnings } from './use-warnings.js';

type Result = ExecutionResult | Promise<ExecutionResult>;
type Step = IteratorResult<ExecutionResult>;

const DONE: Step = Object.freeze({ done: true, value: undefined });

export interface ResultStreamOptions {
  /** The event's result; the same object for every subscriber that shares it. */
  toResult(event: unknown): Result;
  errors: ClientErrors;
  /** The operation's warnings; absent when nothing can warn. */
  warnings?: Warnings;
  /** Told of each source event as its result goes to the transport (the watch delivery lag). */
  onDelivered?(event: unknown): void;
  /** Told once, when the stream ends however it ends (the subscribers gauge). */
  onEnd?(): void;
}

export function resultStream(source: AsyncIterator<unknown>, { toResult, errors, warnings, onDelivered, onEnd }: ResultStreamOptions): AsyncIterableIterator<ExecutionResult> {
  // The source step asked for and not yet delivered (a warning may have been sent meanwhile).
  let pending: Promise<IteratorResult<unknown>> | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd?.();
  };

  const warningsOnly = (items: ExecutionResult['extensions']): Step => ({ done: false, value: { extensions: items } });
  const withPending = (result: ExecutionResult): Step => ({ done: false, value: warnings ? withWarnings(result, warnings.take()) : result });

  const onStep = (step: IteratorResult<unknown>): Step | Promise<Step> => {
    pending = undefined;
    if (step.done) {
      end();
      const last = warnings?.take() ?? [];
      return last.length > 0 ? warningsOnly({ warnings: last }) : DONE;
    }
    const result = toResult(step.value);
    if (!onDelivered) return isPromise(result) ? result.then(withPending) : withPending(result);
    const delivered = (value: ExecutionResult): Step => {
      onDelivered(step.value);
      return withPending(value);
    };
    return isPromise(result) ? result.then(delivered) : delivered(result);
  };
  const onFailure = (error: unknown): never => {
    pending = undefined;
    end();
    throw errors.error(error);
  };

  return {
    next(): Promise<Step> {
      if (ended) return Promise.resolve(DONE);
      const step = (pending ??= source.next());
      if (!warnings) return step.then(onStep, onFailure);
      // One promise per event, settled by the event or by a warning, whichever comes first. When a
      // warning wins, the step stays pending and the next call delivers it.
      return new Promise<Step>((resolve, reject) => {
        let settled = false;
        warnings.onWarning(() => {
          if (settled) return;
          settled = true;
          resolve(warningsOnly({ warnings: warnings.take() }));
        });
        step.then(
          (value) => {
            if (settled) return;
            settled = true;
            try {
              resolve(onStep(value));
            } catch (error) {
              reject(error);
            }
          },
          (error) => {
            if (settled) return;
            settled = true;
            try {
              onFailure(error);
            } catch (clientError) {
              reject(clientError);
            }
          },
        );
      });
    },
    async return(value?: unknown) {
      end();
      await source.return?.(value);
      return DONE;
    },
    async throw(error?: unknown) {
      end();
      if (source.throw) await source.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
