/**
 * The API server's metrics (issue 17), named the way kube-apiserver names its own:
 *
 *   sky_apiserver_requests_total{operation, type, code}        operations run or refused
 *   sky_apiserver_request_duration_seconds{operation, type}    from the request's arrival to its result
 *   sky_apiserver_watch_subscribers{subscription}              subscriptions streaming now
 *   sky_apiserver_watch_delivery_lag_seconds{subscription}     from the store publishing an event to its result going to a subscriber
 *   sky_apiserver_store_write_duration_seconds{operation, result}  create/update/delete in the store
 *
 * `operation` is the operation's root field (createJob, jobs, watchClusters), never the name a
 * client gave its operation, so the series stay bounded by the schema; an operation of several
 * root fields is `(multiple)`, one that never got as far as running (unparsable, invalid,
 * unauthenticated) `(none)`. `code` is `OK` or the first error's extensions.code (FORBIDDEN,
 * BAD_USER_INPUT, NOT_FOUND, …; INTERNAL_SERVER_ERROR for an unexpected one).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StreamObserver, SubscriptionObserver } from '../server/use-shared-subscription-results.js';
import { publishTimeOf } from '../storage/publish-times.js';
import type { StoreWrite, WriteObserver } from '../storage/write-timed-store.js';
import { FAST_SECONDS } from './buckets.js';

export interface ApiServerMetrics {
  readonly requests: Counter<'operation' | 'type' | 'code'>;
  readonly requestDuration: Histogram<'operation' | 'type'>;
  readonly watchSubscribers: Gauge<'subscription'>;
  readonly watchDeliveryLag: Histogram<'subscription'>;
  readonly storeWriteDuration: Histogram<'operation' | 'result'>;
}

export function createApiServerMetrics(registry: Registry): ApiServerMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'sky_apiserver_requests_total',
      help: 'GraphQL operations by root field, operation type and result code (OK or the error code).',
      labelNames: ['operation', 'type', 'code'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'sky_apiserver_request_duration_seconds',
      help: 'Seconds from a request reaching the server to its result (a subscription: to its stream starting), by root field and operation type.',
      labelNames: ['operation', 'type'],
      buckets: FAST_SECONDS,
      registers,
    }),
    watchSubscribers: new Gauge({
      name: 'sky_apiserver_watch_subscribers',
      help: 'Subscriptions streaming now, by root field (watchJobs, watchClusters, followJobLogs, …).',
      labelNames: ['subscription'],
      registers,
    }),
    watchDeliveryLag: new Histogram({
      name: 'sky_apiserver_watch_delivery_lag_seconds',
      help: 'Seconds from the store publishing a change (etcd: this server hearing of it) to its event going to a subscriber.',
      labelNames: ['subscription'],
      buckets: FAST_SECONDS,
      registers,
    }),
    storeWriteDuration: new Histogram({
      name: 'sky_apiserver_store_write_duration_seconds',
      help: 'Seconds a store write took until durable (lowdb) or committed (etcd), by operation and result (ok, error).',
      labelNames: ['operation', 'result'],
      buckets: FAST_SECONDS,
      registers,
    }),
  };
}

/** The store write histogram as a WriteTimedStore observer, its six series looked up once. */
export function storeWriteObserver(metrics: ApiServerMetrics): WriteObserver {
  const seriesOf = (operation: StoreWrite) => ({ ok: metrics.storeWriteDuration.labels(operation, 'ok'), error: metrics.storeWriteDuration.labels(operation, 'error') });
  const series = { create: seriesOf('create'), update: seriesOf('update'), delete: seriesOf('delete') };
  return (write, seconds, failed) => series[write][failed ? 'error' : 'ok'].observe(seconds);
}

/** The subscribers gauge and the delivery lag as useSharedSubscriptionResults' observer, series kept per root field. */
export function subscriptionObserver(metrics: ApiServerMetrics): SubscriptionObserver {
  const byField = new Map<string, StreamObserver & { opened(): void }>();
  const seriesOf = (field: string) => {
    const subscribers = metrics.watchSubscribers.labels(field);
    const lag = metrics.watchDeliveryLag.labels(field);
    return {
      opened: () => subscribers.inc(),
      ended: () => subscribers.dec(),
      delivered(event: unknown) {
        const publishedAt = publishTimeOf(event);
        if (publishedAt !== undefined) lag.observe((performance.now() - publishedAt) / 1000);
      },
    };
  };
  return {
    opened(rootField) {
      let series = byField.get(rootField);
      if (!series) byField.set(rootField, (series = seriesOf(rootField)));
      series.opened();
      return series;
    },
  };
}
