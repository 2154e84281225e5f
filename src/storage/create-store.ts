/**
 * Builds the configured Store: `memory` (tests, demos), `lowdb` (the embedded default: one API
 * server, data in a directory) or `etcd` (several API servers sharing an etcd cluster).
 */
import { LowdbStore } from './lowdb-store.js';
import { MemoryStore } from './memory-store.js';
import type { Store } from './store.js';
import { WatchCache } from './watch-cache.js';

export interface StoreConfig {
  kind: 'memory' | 'lowdb' | 'etcd';
  /** lowdb: where sky.json and the write-ahead log live. */
  dataDir?: string;
  /** etcd: e.g. ['http://127.0.0.1:2379']. */
  etcdEndpoints?: string[];
  /** etcd: root of Sky Manager's keys. Default '/sky'. */
  etcdPrefix?: string;
  /** Events kept for watch resumption (memory, lowdb; for etcd, per kind in the watch cache, beyond which etcd's own history serves). */
  historyLimit?: number;
  /** lowdb: told about background compaction failures (nothing is lost; it retries later). */
  onError?: (error: Error) => void;
  /** lowdb: open even if acknowledged writes are missing or damaged, dropping them (see LowdbStore). */
  repair?: boolean;
  /** lowdb: told what opening dropped or rewrote (a torn write, a migration, a repair). */
  onWarning?: (message: string) => void;
}

export async function createStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'memory':
      return new MemoryStore({ historyLimit: config.historyLimit });
    case 'lowdb':
      if (!config.dataDir) throw new Error('The lowdb store needs a data directory (dataDir).');
      return LowdbStore.open({
        dataDir: config.dataDir,
        historyLimit: config.historyLimit,
        onError: config.onError,
        repair: config.repair,
        onWarning: config.onWarning,
      });
    case 'etcd': {
      if (!config.etcdEndpoints?.length) throw new Error('The etcd store needs at least one endpoint (etcdEndpoints).');
      // Loaded only for etcd: its gRPC client took ~0.45 s of every server start (1.9 -> 1.4 s),
      // which lowdb servers (skym up) paid for nothing.
      const { EtcdStore } = await import('./etcd-store.js');
      // One etcd watch per kind, fanned out in memory, instead of one per subscriber.
      return new WatchCache(await EtcdStore.open({ endpoints: config.etcdEndpoints, prefix: config.etcdPrefix }), {
        historyLimit: config.historyLimit,
      });
    }
    default:
      throw new Error(`Unknown store kind "${(config as { kind: unknown }).kind}"; expected memory, lowdb or etcd.`);
  }
}
