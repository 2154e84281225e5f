import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, type StoreConfig } from '../../../src/storage/create-store.js';
import { LowdbStore } from '../../../src/storage/lowdb-store.js';
import { MemoryStore } from '../../../src/storage/memory-store.js';

describe('createStore', () => {
  it('builds a memory store', async () => {
    const store = await createStore({ kind: 'memory' });
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it('builds a lowdb store in the data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sky-create-'));
    try {
      const store = await createStore({ kind: 'lowdb', dataDir });
      expect(store).toBeInstanceOf(LowdbStore);
      expect(await readdir(dataDir)).toContain('LOCK');
      await store.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ kind: 'lowdb' }, 'The lowdb store needs a data directory (dataDir).'],
    [{ kind: 'etcd', etcdEndpoints: [] }, 'The etcd store needs at least one endpoint (etcdEndpoints).'],
    [{ kind: 'sqlite' }, 'Unknown store kind "sqlite"; expected memory, lowdb or etcd.'],
    // Nothing listens on the discard port: the server must fail at start-up, not on first use.
    [{ kind: 'etcd', etcdEndpoints: ['http://127.0.0.1:9'] }, 'Cannot reach etcd at http://127.0.0.1:9: '],
  ])('explains a bad configuration: %o', async (config, message) => {
    await expect(createStore(config as StoreConfig)).rejects.toThrow(message);
  });
});
