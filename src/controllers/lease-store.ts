/**
 * The LeaseStore of src/controllers/lease-lock.ts over the API: writes go to the server (where
 * compare-and-swap decides races), reads to a watch cache when there is one, so a replica judging
 * a thousand cluster leases does not ask the server for each of them every retry period.
 */
import type { LeaseAPI } from '../client/api.js';
import type { ObjectCache } from '../client/informer.js';
import { NotFoundError } from '../domain/errors.js';
import type { Lease } from '../domain/types.js';
import type { LeaseRecord, LeaseStore, StoredLease } from './lease-lock.js';

export function leaseStoreOf(api: LeaseAPI, cache?: ObjectCache<Lease>): LeaseStore {
  return {
    async get(name) {
      if (cache) return stored(cache.get(name));
      try {
        return stored(await api.get(name));
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    async create(name, spec) {
      return stored(await api.create({ metadata: { name }, spec: recordOf(spec) }))!;
    },
    async update(name, resourceVersion, spec) {
      return stored(await api.update({ metadata: { name, resourceVersion }, spec: recordOf(spec) }))!;
    },
  };
}

function stored(lease: Lease | undefined): StoredLease | undefined {
  if (!lease) return undefined;
  return { metadata: { name: lease.metadata.name, resourceVersion: lease.metadata.resourceVersion }, spec: lease.spec };
}

/** Only the Lease's own fields: a record read back may carry more than the API accepts. */
function recordOf({ holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions }: LeaseRecord): LeaseRecord {
  return Object.fromEntries(Object.entries({ holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions }).filter(([, v]) => v !== undefined));
}
