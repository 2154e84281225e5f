/**
 * The member objects a Sky workload becomes, a batch/v1 Job or an apps/v1 Deployment, and per
 * kind the API calls that read, create, patch and delete one.
 */
import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import type { WorkloadKind } from '../../domain/object-ref.js';
import type { Clients } from './clients.js';
import { describeFailure, isNotFound } from './errors.js';
import { MANAGED_BY, MANAGER } from './labels.js';
import type { PatchOperation } from './manifest-changes.js';

export type MemberObject = V1Job | V1Deployment;

/** The calls that differ between the two kinds of member object. */
export interface KindClient {
  /** "Job", "Deployment": for messages. */
  kind: string;
  read(namespace: string, name: string): Promise<MemberObject>;
  create(namespace: string, body: MemberObject): Promise<MemberObject>;
  patch(namespace: string, name: string, body: PatchOperation[]): Promise<MemberObject>;
  /** Background propagation: the object goes at once, the garbage collector removes its pods. */
  delete(namespace: string, name: string, uid: string): Promise<unknown>;
}

export function kindClients({ batch, apps }: Clients): Record<WorkloadKind, KindClient> {
  const deleteOptions = (uid: string) => ({ propagationPolicy: 'Background', preconditions: { uid } });
  return {
    Job: {
      kind: 'Job',
      read: (namespace, name) => batch.readNamespacedJob({ namespace, name }),
      create: (namespace, body) => batch.createNamespacedJob({ namespace, body: body as V1Job }),
      patch: (namespace, name, body) => batch.patchNamespacedJob({ namespace, name, body }),
      delete: (namespace, name, uid) => batch.deleteNamespacedJob({ namespace, name, body: deleteOptions(uid) }),
    },
    Deployment: {
      kind: 'Deployment',
      read: (namespace, name) => apps.readNamespacedDeployment({ namespace, name }),
      create: (namespace, body) => apps.createNamespacedDeployment({ namespace, body: body as V1Deployment }),
      patch: (namespace, name, body) => apps.patchNamespacedDeployment({ namespace, name, body }),
      delete: (namespace, name, uid) => apps.deleteNamespacedDeployment({ namespace, name, body: deleteOptions(uid) }),
    },
  };
}

/** Made by Sky Manager: objects without the label are never touched. */
export const isManaged = (object: MemberObject) => object.metadata?.labels?.[MANAGED_BY] === MANAGER;

/** The object, or undefined when it does not exist. */
export async function readIfPresent(cluster: string, client: KindClient, namespace: string, name: string): Promise<MemberObject | undefined> {
  try {
    return await client.read(namespace, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw describeFailure(cluster, `read ${client.kind} ${namespace}/${name}`, error);
  }
}
