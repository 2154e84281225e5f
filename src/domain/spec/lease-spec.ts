/**
 * A Lease's spec, as in Kubernetes' coordination.k8s.io Lease: who holds a lock, for how long,
 * and when it was taken and last renewed. Every field may be left out (a lease nobody has taken
 * yet). The times are kept as written: holders write them for people and tools to read, and
 * expiry is judged by each reader's own clock (src/controllers/lease-lock.ts), never by them.
 * types.ts, the resolver and the GraphQL types derive from it.
 */
import type { z } from 'zod/v4';
import { MAX_INT32, MAX_LEASE_DURATION_SECONDS, MAX_LEASE_HOLDER_BYTES } from '../limits.js';
import { quote } from './checks.js';
import { graphql, number, object, text } from './fields.js';

/** RFC 3339 date-time (Kubernetes' MicroTime has microseconds; any fraction of a second is taken). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const timestamp = () =>
  text({ maxLength: 64 }, (value) => (RFC3339.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : `${quote(value)} is not an RFC 3339 timestamp`));

export const LEASE_SPEC = object('LeaseSpec', {
  holderIdentity: graphql(text({ maxBytes: MAX_LEASE_HOLDER_BYTES }).optional(), { description: 'Who holds it; empty when released.' }),
  leaseDurationSeconds: graphql(number({ integer: true, min: 1, max: MAX_LEASE_DURATION_SECONDS }).optional(), {
    description: "How long a holder that stops renewing keeps it, judged by each reader's own clock.",
  }),
  acquireTime: graphql(timestamp().optional(), { description: 'RFC 3339, when the current holder took it.' }),
  renewTime: graphql(timestamp().optional(), { description: 'RFC 3339, when the current holder last renewed it.' }),
  leaseTransitions: graphql(number({ integer: true, min: 0, max: MAX_INT32 }).optional(), { description: 'How many times it changed hands.' }),
});

export type LeaseSpec = z.output<typeof LEASE_SPEC>;
