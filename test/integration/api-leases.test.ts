/**
 * Leases over real HTTP and WebSocket through the typed client, once per store backend (their
 * generic CRUD also runs with every kind's in api-crud.test.ts): the compare-and-swap a lock
 * relies on (a stale resourceVersion is CONFLICT), times kept as written, a watch of the turns,
 * and the spec's limits refused with BAD_USER_INPUT naming the field and the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadUserInputError, ConflictError, LeaseAPI, SkyClient } from '../../src/client/index.js';
import type { Lease } from '../../src/domain/types.js';
import { kindApi, uniqueName } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';

describe.each(STORES)('leases on the %s store', (store) => {
  let backend: Backend;
  let client: SkyClient;
  let leases: LeaseAPI;

  beforeAll(async () => {
    backend = await startBackend(store);
    client = new SkyClient({ url: backend.server.url });
    leases = new LeaseAPI({ client });
  });
  afterAll(async () => {
    await client?.close();
    await backend?.stop();
  });

  it('create, get, list, compare-and-swap update (a stale version is CONFLICT), delete, and a watch of each', async () => {
    const tag = uniqueName('l');
    const stop = new AbortController();
    const events: { type: string; lease?: Lease }[] = [];
    // From a version before any write below: every one of them is delivered, however late the subscription starts.
    const { resourceVersion } = await leases.list({ labelSelector: `tag=${tag}` });
    const watching = (async () => {
      for await (const event of leases.watch({ labelSelector: `tag=${tag}`, resourceVersion, signal: stop.signal })) {
        if (event.type !== 'BOOKMARK') events.push({ type: event.type, lease: event.object });
      }
    })();
    const name = uniqueName('leader');
    try {
      const spec = { holderIdentity: 'replica-a', leaseDurationSeconds: 15, acquireTime: '2026-12-02T23:00:00.000000Z', renewTime: '2026-12-02T23:00:00.000000Z', leaseTransitions: 0 };
      const created = await leases.create({ metadata: { name, labels: { tag } }, spec });
      expect(created.spec).toEqual(spec);
      expect(created.metadata.namespace ?? undefined).toBeUndefined();
      expect(await leases.get(name)).toEqual(created);
      expect((await leases.list({ labelSelector: `tag=${tag}` })).items.map((l) => l.metadata.name)).toEqual([name]);

      // Renewed by its holder; then a rival writing from the version before the renewal loses.
      const renewed = await leases.update({ ...created, spec: { ...spec, renewTime: '2026-12-02T23:00:05.5+01:00' } });
      expect(renewed.spec.renewTime).toBe('2026-12-02T23:00:05.5+01:00');
      const rival = { ...created, spec: { ...spec, holderIdentity: 'replica-b', leaseTransitions: 1 } };
      await expect(leases.update(rival)).rejects.toBeInstanceOf(ConflictError);
      expect((await leases.get(name)).spec.holderIdentity).toBe('replica-a');

      // Released: an empty holder is a value, not a missing field.
      const released = await leases.update({ ...renewed, spec: { ...renewed.spec, holderIdentity: '' } });
      expect(released.spec.holderIdentity).toBe('');
      const deleted = await leases.delete(name);
      expect(deleted.metadata.uid).toBe(created.metadata.uid);

      await expect.poll(() => events.map((e) => e.type), { timeout: 10_000 }).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
      expect(events.map((e) => e.lease?.spec.holderIdentity)).toEqual(['replica-a', 'replica-a', '', '']);
    } finally {
      stop.abort();
      await watching;
    }
  });

  it('refuses what the spec does not allow with BAD_USER_INPUT naming the field and the limit', async () => {
    const raw = kindApi(backend.server.url, 'Lease');
    const refusal = async (spec: Record<string, unknown>) => {
      const error = await raw.createError({ metadata: { name: uniqueName('bad') }, spec });
      return { code: error.extensions?.code, field: error.extensions?.field, message: error.message };
    };
    expect(await refusal({ holderIdentity: 'x'.repeat(254) })).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'input.spec.holderIdentity',
      message: 'input.spec.holderIdentity: is 254 bytes long, more than the maximum 253.',
    });
    expect(await refusal({ leaseDurationSeconds: 0 })).toMatchObject({ field: 'input.spec.leaseDurationSeconds', message: expect.stringContaining('at least 1') });
    expect(await refusal({ leaseDurationSeconds: 86_401 })).toMatchObject({ field: 'input.spec.leaseDurationSeconds', message: expect.stringContaining('maximum 86400') });
    expect(await refusal({ leaseTransitions: -1 })).toMatchObject({ field: 'input.spec.leaseTransitions', message: expect.stringContaining('at least 0') });
    expect(await refusal({ renewTime: 'yesterday' })).toMatchObject({ field: 'input.spec.renewTime', message: expect.stringContaining('RFC 3339') });
    expect(await refusal({ acquireTime: '2026-12-02 23:00:00' })).toMatchObject({ field: 'input.spec.acquireTime', message: expect.stringContaining('RFC 3339') });
    expect(await refusal({ acquireTime: '2026-13-45T25:00:00Z' })).toMatchObject({ field: 'input.spec.acquireTime' });

    // The typed client throws the same refusal as BadUserInputError.
    const error = await leases.create({ metadata: { name: uniqueName('bad') }, spec: { leaseDurationSeconds: 86_401 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).field).toBe('input.spec.leaseDurationSeconds');
  });
});
