/** etcd operations tests need beside the store's own (start one with fixtures/etcd.ts). */
import { Etcd3 } from 'etcd3';

/** Compacts etcd's history up to `revision` (physically), so older watches get compacted errors. */
export async function compactEtcd(endpoint: string, revision: string | number): Promise<void> {
  const client = new Etcd3({ hosts: endpoint });
  try {
    await client.kv.compact({ revision, physical: true });
  } finally {
    client.close();
  }
}
