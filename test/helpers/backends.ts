/**
 * The API tests run once per store backend, each against its own real server process (and, for
 * etcd, its own real etcd). SKYM_TEST_STORES=lowdb,etcd narrows the list while developing; the
 * default is every backend, and CI runs the default.
 */
import { startEtcd, type EtcdProcess } from '../../fixtures/etcd.js';
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
