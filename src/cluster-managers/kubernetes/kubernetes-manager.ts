/**
 * The KUBERNETES cluster manager: a member cluster reached through a context of the controller
 * machine's kubeconfig (credentials stay there). A Sky Job's replicas on the cluster run as one
 * Indexed batch/v1 Job, a Deployment's as one apps/v1 Deployment, in the member namespace of the
 * same name; the member's own controllers and scheduler create, place and restart the pods.
 *
 * Member objects are named after the Sky object and labelled with its uid (labels.ts), so every
 * call is idempotent: submit reads what is there and creates or patches only the difference, an
 * object left by a deleted same-named Sky workload is replaced, and objects Sky did not make are
 * never touched. status() and capacity() run every second or so per cluster, so they read
 * watch-based caches of the member's objects (member-caches.ts) and list only while a cache is
 * not usable: before its first list, or when its watch has been down for more than a moment.
 */
import type { V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';

import type { Cluster, Workload } from '../../domain/types.js';
import { type ClusterCapacity, type ClusterManager, type LogLine, type LogOptions, type ManagerCapabilities, type ManagerOptions, type SubmitOptions, type WorkloadReport } from '../types.js';
import { clusterCapacity } from './capacity.js';
import { createClients, type Clients } from './clients.js';
import { MemberCaches, PENDING_OR_RUNNING } from './member-caches.js';
import { describeFailure, httpCode, isAlreadyExists, isNotFound, KubernetesError } from './errors.js';
import { connect, type Connection } from './kubeconfig.js';
import { MANAGED_BY, MANAGED_SELECTOR, MANAGER, memberName, refFromLabels, TEMPLATE_HASH, UID, workloadSelector } from './labels.js';
import { followPodLog } from './log-stream.js';
import { podLogLines, type LogTarget, type PodLogSource } from './logs.js';
import { buildDeployment, buildJob, CONTAINER, type ManifestOptions } from './manifests.js';
import { deploymentPods, deploymentReport, jobPodsByIndex, jobReport } from './workload-status.js';
import { type WorkloadKind, type WorkloadRef, refOf, describeRef } from '../../domain/object-ref.js';

export interface KubernetesManagerOptions extends ManagerOptions {
  /**
   * Per API request (default 15 s), and for opening a watch; a hung API server fails the call
   * after this long. A server that drops connections (stopped, killed) stales the caches at once,
   * so capacity() fails within seconds; one that hangs with a watch open is noticed when that
   * watch is renewed (at most 40 s later) and fails to connect, so three failed probes turn the
   * cluster ERROR within about two minutes even when nothing answers.
   */
  requestTimeoutMs?: number;
  /** How often a followed log looks for new pods and for the workload's end. */
  logPollIntervalMs?: number;
}

type MemberObject = V1Job | V1Deployment;

/** One JSON Patch (RFC 6902) operation: client-node sends patches as application/json-patch+json. */
interface PatchOperation {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** The calls that differ between the two kinds of member object. */
interface KindClient {
  /** "Job", "Deployment": for messages. */
  kind: string;
  read(namespace: string, name: string): Promise<MemberObject>;
  create(namespace: string, body: MemberObject): Promise<MemberObject>;
  patch(namespace: string, name: string, body: PatchOperation[]): Promise<MemberObject>;
  /** Background propagation: the object goes at once, the garbage collector removes its pods. */
  delete(namespace: string, name: string, uid: string): Promise<unknown>;
}

/** What a kind that was not asked about reads as. */
const NONE = async (): Promise<never[]> => [];
/** JSON Pointer escaping of a map key ("sky.dev/template-hash" → "sky.dev~1template-hash"). */
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** What must change on an existing member Job: Indexed Jobs scale by parallelism and completions together. */
function jobChanges(existing: V1Job, desired: V1Job): PatchOperation[] {
  const replicas = desired.spec!.completions!;
  if (existing.spec?.completions === replicas && existing.spec?.parallelism === replicas) return [];
  // A Job's pod template is immutable: a changed spec (or replica offset) does not reach a Job that
  // exists; its replicas are left alone, as the local manager leaves running processes alone.
  return [
    { op: 'replace', path: '/spec/parallelism', value: replicas },
    { op: 'replace', path: '/spec/completions', value: replicas },
  ];
}

/** What must change on an existing member Deployment: its scale, and its pods when the spec changed (a rolling update). */
function deploymentChanges(existing: V1Deployment, desired: V1Deployment): PatchOperation[] {
  const operations: PatchOperation[] = [];
  if (existing.spec?.replicas !== desired.spec!.replicas) operations.push({ op: 'replace', path: '/spec/replicas', value: desired.spec!.replicas });
  const hash = desired.metadata!.annotations![TEMPLATE_HASH];
  if (existing.metadata?.annotations?.[TEMPLATE_HASH] !== hash) {
    operations.push({ op: 'replace', path: '/spec/template', value: desired.spec!.template });
    operations.push(
      existing.metadata?.annotations
        ? { op: 'add', path: `/metadata/annotations/${pointer(TEMPLATE_HASH)}`, value: hash }
        : { op: 'add', path: '/metadata/annotations', value: { [TEMPLATE_HASH]: hash } },
    );
  }
  return operations;
}

const isManaged = (object: MemberObject) => object.metadata?.labels?.[MANAGED_BY] === MANAGER;

function containerStarted(pod: V1Pod): boolean {
  const status = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER);
  return !!(status?.state?.running || status?.state?.terminated);
}

function logTarget(replica: number, pod: V1Pod): LogTarget {
  const name = pod.metadata?.name ?? '';
  const restarts = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER)?.restartCount ?? 0;
  return { replica, pod: name, key: `${name}/${restarts}`, started: containerStarted(pod) };
}

const isFinishedJob = (job: V1Job) => !!job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

class KubernetesManager implements ClusterManager {
  // status() reads the member caches, and their changes are pushed (onStatusChange): the poll is
  // a safety net, and cheap (memory reads, not API calls).
  readonly capabilities: ManagerCapabilities = { kinds: ['Job', 'Deployment'], usesImage: true, statusIntervalMs: 1_000 };

  private readonly clusterName: string;
  private readonly connection: Connection;
  private readonly clients: Clients;
  private readonly closing = new AbortController();
  private readonly logPollIntervalMs: number;
  /** Member namespaces known to exist, so that each submit does not ask again. */
  private readonly namespaces = new Set<string>();
  private readonly kinds: Record<WorkloadKind, KindClient>;
  private readonly caches: MemberCaches;

  constructor(cluster: Cluster, options: KubernetesManagerOptions) {
    this.clusterName = cluster.metadata.name;
    this.connection = connect(this.clusterName, cluster.spec.kubernetes);
    this.clients = createClients(this.connection.kubeConfig, this.connection.server, {
      signal: this.closing.signal,
      timeoutMs: options.requestTimeoutMs ?? 15_000,
    });
    this.logPollIntervalMs = options.logPollIntervalMs ?? 1000;
    this.caches = new MemberCaches(this.connection.kubeConfig, this.clients, { requestTimeoutMs: options.requestTimeoutMs ?? 15_000 });
    const { batch, apps } = this.clients;
    const deleteOptions = (uid: string) => ({ propagationPolicy: 'Background', preconditions: { uid } });
    this.kinds = {
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

  // ------------------------------------------------------------------ ClusterManager

  async capacity(): Promise<ClusterCapacity> {
    const { core } = this.clients;
    const { caches } = this;
    const [nodes, pods] = await Promise.all([
      caches.read(caches.nodes, () => this.call('list Nodes', () => core.listNode())),
      // Finished pods hold nothing; the API server filters them out.
      caches.read(caches.activePods, () => this.call('list Pods', () => core.listPodForAllNamespaces({ fieldSelector: PENDING_OR_RUNNING }))),
    ]);
    return clusterCapacity(nodes, pods);
  }

  async submit(workload: Workload, replicas: number, options: SubmitOptions = {}): Promise<void> {
    const ref = refOf(workload);
    if (replicas <= 0) return this.delete(ref);
    await this.ensureNamespace(ref.namespace);
    const manifestOptions: ManifestOptions = { cluster: this.clusterName, firstReplicaIndex: options.firstReplicaIndex };
    if (workload.kind === 'Job') {
      await this.converge(this.kinds.Job, buildJob(workload, replicas, manifestOptions), (e, d) => jobChanges(e as V1Job, d as V1Job));
    } else {
      await this.converge(this.kinds.Deployment, buildDeployment(workload, replicas, manifestOptions), (e, d) =>
        deploymentChanges(e as V1Deployment, d as V1Deployment),
      );
    }
  }

  async status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>> {
    const reports = new Map<string, WorkloadReport>();
    if (workloads.length === 0) return reports;
    const wanted = new Set(workloads.map((ref) => ref.kind));
    const { batch, apps, core } = this.clients;
    const { caches } = this;
    // From the caches; one list per kind for every workload asked about while they are not usable.
    const [jobs, deployments, pods] = await Promise.all([
      wanted.has('Job') ? caches.read(caches.jobs, () => this.call('list Jobs', () => batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR }))) : NONE(),
      wanted.has('Deployment')
        ? caches.read(caches.deployments, () => this.call('list Deployments', () => apps.listDeploymentForAllNamespaces({ labelSelector: MANAGED_SELECTOR })))
        : NONE(),
      caches.read(caches.skyPods, () => this.call('list Pods', () => core.listPodForAllNamespaces({ labelSelector: MANAGED_SELECTOR }))),
    ]);

    const objects = new Map<string, MemberObject>();
    for (const object of [...jobs, ...deployments] as MemberObject[]) {
      const ref = refFromLabels(object.metadata?.namespace, object.metadata?.labels);
      if (ref && object.metadata?.name === memberName(ref.name)) objects.set(describeRef(ref), object);
    }
    const podsOf = new Map<string, V1Pod[]>();
    for (const pod of pods) {
      const ref = refFromLabels(pod.metadata?.namespace, pod.metadata?.labels);
      if (!ref) continue;
      const key = describeRef(ref);
      if (!podsOf.has(key)) podsOf.set(key, []);
      podsOf.get(key)!.push(pod);
    }
    for (const ref of workloads) {
      const key = describeRef(ref);
      const object = objects.get(key);
      if (!object) continue;
      const own = podsOf.get(key) ?? [];
      reports.set(key, ref.kind === 'Job' ? jobReport(ref, object as V1Job, own) : deploymentReport(ref, object as V1Deployment, own));
    }
    return reports;
  }

  async list(): Promise<WorkloadRef[]> {
    const { batch, apps } = this.clients;
    const [jobs, deployments] = await Promise.all([
      this.call('list Jobs', () => batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR })),
      this.call('list Deployments', () => apps.listDeploymentForAllNamespaces({ labelSelector: MANAGED_SELECTOR })),
    ]);
    const refs = new Map<string, WorkloadRef>();
    for (const object of [...jobs.items, ...deployments.items] as MemberObject[]) {
      const ref = refFromLabels(object.metadata?.namespace, object.metadata?.labels);
      if (ref) refs.set(describeRef(ref), ref);
    }
    return [...refs.values()];
  }

  async delete(workload: WorkloadRef): Promise<void> {
    const client = this.kinds[workload.kind];
    const name = memberName(workload.name);
    const what = `${client.kind} ${workload.namespace}/${name}`;
    const existing = await this.readIfPresent(client, workload.namespace, name);
    if (!existing || !isManaged(existing) || existing.metadata?.deletionTimestamp) return;
    try {
      // The uid precondition: never delete a successor created since the read.
      await client.delete(workload.namespace, name, existing.metadata!.uid!);
    } catch (error) {
      if (isNotFound(error) || httpCode(error) === 409) return;
      throw describeFailure(this.clusterName, `delete ${what}`, error);
    }
  }

  logs(workload: WorkloadRef, options: LogOptions = {}): AsyncIterable<LogLine> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    return podLogLines(this.logSource(workload), {
      ...options,
      signal,
      pollIntervalMs: this.logPollIntervalMs,
      drainTimeoutMs: 2 * this.logPollIntervalMs,
    });
  }

  async ensureNamespace(namespace: string): Promise<void> {
    if (this.namespaces.has(namespace)) return;
    try {
      await this.clients.core.createNamespace({ body: { metadata: { name: namespace, labels: { [MANAGED_BY]: MANAGER } } } });
    } catch (error) {
      if (!isAlreadyExists(error)) throw describeFailure(this.clusterName, `create Namespace ${namespace}`, error);
    }
    this.namespaces.add(namespace);
  }

  onStatusChange(listener: () => void): () => void {
    return this.caches.onStatusChange(listener);
  }

  async close(): Promise<void> {
    this.caches.close();
    this.closing.abort();
    this.clients.destroy();
  }

  // ------------------------------------------------------------------ internals

  /** Runs one API call, turning its failure into a one-line error that names this cluster. */
  private async call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw describeFailure(this.clusterName, action, error);
    }
  }

  private async readIfPresent(client: KindClient, namespace: string, name: string): Promise<MemberObject | undefined> {
    try {
      return await client.read(namespace, name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw describeFailure(this.clusterName, `read ${client.kind} ${namespace}/${name}`, error);
    }
  }

  /**
   * Makes the member object match `desired`: creates it when absent, patches what differs when it
   * is this workload's, replaces it when it is a deleted same-named workload's. Reading first
   * makes the common case (nothing to do) one request; a create that meets a concurrent one
   * (409) just reads again.
   */
  private async converge(client: KindClient, desired: MemberObject, changes: (existing: MemberObject, desired: MemberObject) => PatchOperation[]): Promise<void> {
    const namespace = desired.metadata!.namespace!;
    const name = desired.metadata!.name!;
    const uid = desired.metadata!.labels![UID];
    const what = `${client.kind} ${namespace}/${name}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.readIfPresent(client, namespace, name);
      if (!existing) {
        try {
          await client.create(namespace, desired);
          return;
        } catch (error) {
          if (isAlreadyExists(error)) continue;
          // The member namespace was deleted behind our back: make it again on the retry.
          if (isNotFound(error)) this.namespaces.delete(namespace);
          throw describeFailure(this.clusterName, `create ${what}`, error);
        }
      }
      if (!isManaged(existing)) {
        throw new KubernetesError(`cluster '${this.clusterName}': ${what} exists and was not made by Sky Manager; it is left alone`, 409);
      }
      if (existing.metadata?.deletionTimestamp) {
        throw new KubernetesError(`cluster '${this.clusterName}': ${what} of an earlier workload is still being deleted; trying again later`, 409);
      }
      if (existing.metadata?.labels?.[UID] !== uid) {
        // Left by a deleted Sky workload of the same name: its replicas are not this one's.
        try {
          await client.delete(namespace, name, existing.metadata!.uid!);
        } catch (error) {
          if (!isNotFound(error) && httpCode(error) !== 409) throw describeFailure(this.clusterName, `delete stale ${what}`, error);
        }
        continue;
      }
      const operations = changes(existing, desired);
      if (operations.length === 0) return;
      await this.call(`patch ${what}`, () => client.patch(namespace, name, operations));
      return;
    }
    throw new KubernetesError(`cluster '${this.clusterName}': ${what} keeps changing under Sky Manager; trying again later`);
  }

  private logSource(ref: WorkloadRef): PodLogSource {
    const { core } = this.clients;
    const client = this.kinds[ref.kind];
    const name = memberName(ref.name);
    const { namespace } = ref;
    return {
      targets: async () => {
        const object = await this.readIfPresent(client, namespace, name);
        if (!object || !isManaged(object)) return [];
        const pods = (await this.call(`list Pods of ${name}`, () => core.listNamespacedPod({ namespace, labelSelector: workloadSelector(ref) }))).items;
        if (ref.kind === 'Job') return [...jobPodsByIndex(object as V1Job, pods)].sort(([a], [b]) => a - b).map(([index, pod]) => logTarget(index, pod));
        return deploymentPods(object as V1Deployment, pods).map((pod, index) => logTarget(index, pod));
      },
      done: async () => {
        const object = await this.readIfPresent(client, namespace, name);
        if (!object) return true;
        return ref.kind === 'Job' && isFinishedJob(object as V1Job);
      },
      read: async (pod, tail) => {
        try {
          return await core.readNamespacedPodLog({ namespace, name: pod, container: CONTAINER, tailLines: tail });
        } catch (error) {
          // Gone, or not started after all, since the pods were listed: nothing to read.
          if (httpCode(error) === 400 || isNotFound(error)) return '';
          throw describeFailure(this.clusterName, `read the log of Pod ${namespace}/${pod}`, error);
        }
      },
      follow: (pod, tail, onLine, signal) =>
        followPodLog(this.connection.kubeConfig, { namespace, pod, container: CONTAINER, tail }, onLine, signal).catch((error: unknown) => {
          throw describeFailure(this.clusterName, `follow the log of Pod ${namespace}/${pod}`, error);
        }),
      // 400: the container has not started (yet, or again); 404: the pod went away.
      isTransient: (error) => httpCode(error) === 400 || isNotFound(error),
    };
  }
}

export function createKubernetesManager(cluster: Cluster, options: KubernetesManagerOptions): ClusterManager {
  return new KubernetesManager(cluster, options);
}
