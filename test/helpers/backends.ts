/**
 * The store backends tests run against: memory, lowdb, and etcd as a real process.
 *
 * The API tests run once per backend, each against its own real server process (and, for etcd,
 * its own real etcd): startBackend. SKYM_TEST_STORES=lowdb,etcd narrows the list while
 * developing; the default is every backend, and CI runs the default. The Store contract
 * (test/contracts/store-contract.ts) opens stores in this process instead: storeFactory.
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
import { startServer, type ServerOptions, type ServerProcess, type StoreKind } from './server.js';

const ALL: StoreKind[] = ['memory', 'lowdb', 'etcd'];

export const STORES: StoreKind[] = process.env.SKYM_TEST_STORES
  ? (process.env.SKYM_TEST_STORES.split(',').map((s) => s.trim()) as StoreKind[]).filter((s) => ALL.includes(s))
  : ALL;

export interface Backend {
  store: StoreKind;
  server: ServerProcess;
  /** Set for etcd: the endpoint of the etcd this server uses. */
  etcd?: EtcdProcess;
  /** Starts another server on the same data (lowdb directory or etcd). */
  restart(extra?: Omit<ServerOptions, 'store' | 'etcdEndpoint' | 'dataDir'>): Promise<ServerProcess>;
  stop(): Promise<void>;
}

export async function startBackend(store: StoreKind, options: Omit<ServerOptions, 'store' | 'etcdEndpoint'> = {}): Promise<Backend> {
  const etcd = store === 'etcd' ? await startEtcd() : undefined;
  try {
    const server = await startServer({ ...options, store, etcdEndpoint: etcd?.endpoint });
    const backend: Backend = {
      store,
      server,
      etcd,
      async restart(extra = {}) {
        backend.server = await startServer({ ...options, ...extra, store, etcdEndpoint: etcd?.endpoint, dataDir: server.dataDir });
        return backend.server;
      },
      async stop() {
        await backend.server.stop();
        if (backend.server !== server) await server.stop();
        await etcd?.stop();
      },
    };
    return backend;
  } catch (error) {
    await etcd?.stop();
    throw error;
  }
}

// ------------------------------------------------------------------------- stores in this process

/** Stores of one backend, opened in this process (etcd optionally behind the watch cache, as the API server runs it). */
export function storeFactory(kind: StoreKind, { watchCache = false } = {}): StoreFactory {
  if (kind === 'memory') return memoryStores();
  if (kind === 'lowdb') return lowdbStores();
  return etcdStores(watchCache);
}

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

function memoryStores(): StoreFactory {
  return {
    name: 'memory',
    start: async () => {},
    stop: async () => {},
    open: async (options) => new MemoryStore(options),
    forgetHistory: writeFillers,
  };
}

function lowdbStores(): StoreFactory {
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

function etcdStores(watchCache: boolean): StoreFactory {
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
