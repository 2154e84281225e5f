/**
 * Makes one member object match the one Sky wants: creates it when absent, patches what differs
 * when it is this workload's, replaces it when a deleted same-named workload left it, and never
 * touches an object Sky did not make. Reading first makes the common case (nothing to do) one
 * request; a create that meets a concurrent one (409) just reads again.
 */
import { describedCall, describeFailure, httpCode, isAlreadyExists, isNotFound, KubernetesError } from './errors.js';
import { UID } from './labels.js';
import type { PatchOperation } from './manifest-changes.js';
import { isManaged, readIfPresent, type KindClient, type MemberObject } from './member-objects.js';

export interface ConvergeOptions {
  cluster: string;
  /** What must change on the existing object (manifest-changes.ts). */
  changes(existing: MemberObject, desired: MemberObject): PatchOperation[];
  /** The create found the member namespace gone (deleted behind Sky's back). */
  onNamespaceGone(namespace: string): void;
}

export async function converge(client: KindClient, desired: MemberObject, { cluster, changes, onNamespaceGone }: ConvergeOptions): Promise<void> {
  const namespace = desired.metadata!.namespace!;
  const name = desired.metadata!.name!;
  const uid = desired.metadata!.labels![UID];
  const what = `${client.kind} ${namespace}/${name}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await readIfPresent(cluster, client, namespace, name);
    if (!existing) {
      try {
        await client.create(namespace, desired);
        return;
      } catch (error) {
        if (isAlreadyExists(error)) continue;
        // Made again on the retry.
        if (isNotFound(error)) onNamespaceGone(namespace);
        throw describeFailure(cluster, `create ${what}`, error);
      }
    }
    if (!isManaged(existing)) {
      throw new KubernetesError(`cluster '${cluster}': ${what} exists and was not made by Sky Manager; it is left alone`, 409);
    }
    if (existing.metadata?.deletionTimestamp) {
      throw new KubernetesError(`cluster '${cluster}': ${what} of an earlier workload is still being deleted; trying again later`, 409);
    }
    if (existing.metadata?.labels?.[UID] !== uid) {
      // Left by a deleted Sky workload of the same name: its replicas are not this one's.
      try {
        await client.delete(namespace, name, existing.metadata!.uid!);
      } catch (error) {
        if (!isNotFound(error) && httpCode(error) !== 409) throw describeFailure(cluster, `delete stale ${what}`, error);
      }
      continue;
    }
    const operations = changes(existing, desired);
    if (operations.length === 0) return;
    await describedCall(cluster, `patch ${what}`, () => client.patch(namespace, name, operations));
    return;
  }
  throw new KubernetesError(`cluster '${cluster}': ${what} keeps changing under Sky Manager; trying again later`);
}
