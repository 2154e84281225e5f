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
 *   The stream's own iterator does the mixing (src/server/subscription-result-stream.ts): one
 *   layer per subscriber instead of two.
 */
import type { ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Warning } from '../domain/types.js';
import type { ResolverContext } from '../resolvers/context.js';

/** The warnings of one operation, waiting to be sent. */
export class Warnings {
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

/** A subscription's warnings, by its context: its result stream mixes them in. */
const subscriptionWarnings = new WeakMap<object, Warnings>();

/** The warnings of the subscription with this context (set up by useWarnings before it runs). */
export function warningsOf(context: unknown): Warnings | undefined {
  return typeof context === 'object' && context !== null ? subscriptionWarnings.get(context) : undefined;
}

export function withWarnings<R extends ExecutionResult>(result: R, warnings: Warning[]): R {
  return warnings.length === 0 ? result : { ...result, extensions: { ...result.extensions, warnings } };
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
    onSubscribe({ context, extendContext }) {
      const warnings = new Warnings();
      extendContext({ warn: warnings.add });
      subscriptionWarnings.set(context, warnings);
      return {
        // A stream's warnings are mixed in by the stream itself (useSharedSubscriptionResults).
        onSubscribeResult: ({ result, setResult }) => (isAsyncIterable(result) ? undefined : setResult(withWarnings(result, warnings.take()))),
      };
    },
  };
}
