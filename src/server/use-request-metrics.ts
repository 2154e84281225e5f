/**
 * useRequestMetrics: counts and times every GraphQL operation by root field, type and result
 * code (src/metrics/api-server-metrics.ts), over every transport: HTTP, graphql-ws (which runs
 * operations through `yoga.getEnveloped()`) and the REST view.
 *
 * It goes before useAuth, so that refused operations (FORBIDDEN, UNAUTHENTICATED) count too: a
 * plugin that stops execution still lets the earlier ones see the result. Requests that never
 * reach execution (a syntax error, an invalid document, no token) count as operation `(none)`
 * when their result is sent. Time runs from the request's arrival over HTTP, from the start of
 * execution over WebSocket (a connection carries many operations).
 *
 * Each document's series (the histogram's and each code's counter) are looked up once and kept
 * with the document: a request costs no label strings or label lookups in prom-client.
 */
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import type { ApiServerMetrics } from '../metrics/api-server-metrics.js';
import { NO_OPERATION, perOperation } from './operation-label.js';
import { OK_CODE, resultCode } from './result-code.js';

export interface RequestMetricsOptions {
  metrics: ApiServerMetrics;
}

interface Series {
  record(code: string, startedAt: number): void;
}

function seriesOf(metrics: ApiServerMetrics, { type, operation }: { type: string; operation: string }): Series {
  const duration = metrics.requestDuration.labels(operation, type);
  const counters = new Map<string, { inc(): void }>();
  return {
    record(code, startedAt) {
      duration.observe((performance.now() - startedAt) / 1000);
      let counter = counters.get(code);
      if (!counter) counters.set(code, (counter = metrics.requests.labels(operation, type, code)));
      counter.inc();
    },
  };
}

type ResultOrStream = ExecutionResult | AsyncIterable<unknown>;

const codeOf = (result: ResultOrStream): string => (isAsyncIterable(result) ? OK_CODE : resultCode(result));

export function useRequestMetrics({ metrics }: RequestMetricsOptions): Plugin {
  const arrivedAt = new WeakMap<Request, number>();
  const executed = new WeakSet<Request>();
  const series = perOperation((label) => seriesOf(metrics, label));
  const unexecuted = seriesOf(metrics, { type: NO_OPERATION, operation: NO_OPERATION });

  /** When the operation's clock started; marks an HTTP request as having reached execution. */
  const startOf = (context: unknown): number => {
    const request = (context as { request?: Request }).request;
    const arrived = request && arrivedAt.get(request);
    if (arrived === undefined) return performance.now();
    executed.add(request!);
    return arrived;
  };

  return {
    onRequest({ request }) {
      arrivedAt.set(request, performance.now());
    },
    onExecute({ args }) {
      const startedAt = startOf(args.contextValue);
      const operation = series(args.document, args.operationName);
      if (!operation) return;
      return { onExecuteDone: ({ result }) => operation.record(codeOf(result as ResultOrStream), startedAt) };
    },
    onSubscribe({ args }) {
      const startedAt = startOf(args.contextValue);
      const operation = series(args.document, args.operationName);
      if (!operation) return;
      return { onSubscribeResult: ({ result }) => operation.record(codeOf(result as ResultOrStream), startedAt) };
    },
    onResultProcess({ request, result }) {
      if (executed.has(request)) return;
      const arrived = arrivedAt.get(request);
      if (arrived === undefined || isAsyncIterable(result)) return;
      unexecuted.record(resultCode(result as ExecutionResult | ExecutionResult[]), arrived);
    },
  };
}
