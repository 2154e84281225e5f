/**
 * Stores opened in this process, one factory per backend, for the Store contract
 * (test/contracts/store-contract.ts): memory, lowdb on temporary directories, and etcd as a real
 * process (optionally behind the watch cache, as the API server runs it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type EtcdProcess } from '../../fixtures/etcd.js';
import { EtcdStore } from '../../src/storage/etcd-store.js';
import { LowdbStore } from '../../src/storage/lowdb-store.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { Store } from '../../src/storage/store.js';
import { WatchCache } from '../../src/storage/watch-cache.js';
import { makeCluster } from '../fixtures/store-objects.js';
import { compactEtcd } from './etcd.js';

export interface StoreFactory {
  /** "memory", "lowdb", "etcd", "etcd behind the watch cache". */
  name: string;
  /** Before the suite: starts what the stores need (an etcd). */
  start(): Promise<void>;
  /** After the suite: stops it and removes what the stores left. */
  stop(): Promise<void>;
  /** A new, empty store. */
  open(options?: { historyLimit?: number }): Promise<Store>;
  /** Makes versions before now too old to watch from (`store` was opened with historyLimit 3). */
  forgetHistory(store: Store): Promise<void>;
}

/** Overflows a history of 3 events; etcd additionally compacts, which is its way of forgetting. */
async function writeFillers(store: Store): Promise<void> {
  for (let i = 0; i < 4; i++) await store.create(makeCluster(`filler-${i}`));
}

export function memoryStores(): StoreFactory {
  return {
    name: 'memory',
    start: async () => {},
    stop: async () => {},
    open: async (options) => new MemoryStore(options),
    forgetHistory: writeFillers,
  };
}

export function lowdbStores(): StoreFactory {
  const dirs: string[] = [];
  return {
    name: 'lowdb',
    start: async () => {},
    stop: async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
    open: async (options) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'sky-lowdb-'));
      dirs.push(dataDir);
      return LowdbStore.open({ dataDir, ...options });
    },
    forgetHistory: writeFillers,
  };
}

export function etcdStores({ watchCache = false } = {}): StoreFactory {
  let etcd: EtcdProcess;
  let stores = 0;
  return {
    name: watchCache ? 'etcd behind the watch cache' : 'etcd',
    start: async () => {
      etcd = await startEtcd();
    },
    stop: async () => {
      await etcd?.stop();
    },
    // One etcd for the suite; a prefix per store keeps the tests apart.
    open: async (options) => {
      const store = await EtcdStore.open({ endpoints: [etcd.endpoint], prefix: `/contract-${++stores}` });
      return watchCache ? new WatchCache(store, options) : store;
    },
    forgetHistory: async (store) => {
      await writeFillers(store);
      await compactEtcd(etcd.endpoint, await store.currentResourceVersion());
    },
  };
}
