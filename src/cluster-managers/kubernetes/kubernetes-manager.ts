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
 *
 * The class composes: manifests.ts and manifest-changes.ts (what the member objects should be and
 * what to patch), converge.ts (create, patch or replace one), member-objects.ts (the API calls per
 * kind), member-reads.ts (cached or live lists), workload-grouping.ts (objects and pods per
 * workload) and pod-log-source.ts with logs.ts (log plumbing).
 */
import type { V1Deployment, V1Job } from '@kubernetes/client-node';
import { MANAGER_CAPABILITIES } from '../../domain/manager-capabilities.js';
import { refOf, type WorkloadKind, type WorkloadRef } from '../../domain/object-ref.js';
import type { Cluster, Workload } from '../../domain/types.js';
import { type ClusterCapacity, type ClusterManager, type LogLine, type LogOptions, type ManagerCapabilities, type ManagerOptions, type SubmitOptions, type WorkloadReport } from '../types.js';
import { clusterCapacity } from './capacity.js';
import { createClients, type Clients } from './clients.js';
import { converge } from './converge.js';
import { describeFailure, httpCode, isAlreadyExists, isNotFound } from './errors.js';
import { connect, type Connection } from './kubeconfig.js';
import { MANAGED_BY, MANAGER, memberName } from './labels.js';
import { podLogLines } from './logs.js';
import { deploymentChanges, jobChanges } from './manifest-changes.js';
import { buildDeployment, buildJob, type ManifestOptions } from './manifests.js';
import { MemberCaches } from './member-caches.js';
import { isManaged, kindClients, readIfPresent, type KindClient, type MemberObject } from './member-objects.js';
import { MemberReads } from './member-reads.js';
import { podLogSource } from './pod-log-source.js';
import { workloadRefs, workloadReports } from './workload-grouping.js';

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

/** What a kind that was not asked about reads as. */
const NONE = async (): Promise<never[]> => [];

class KubernetesManager implements ClusterManager {
  readonly capabilities: ManagerCapabilities = MANAGER_CAPABILITIES.KUBERNETES;

  private readonly clusterName: string;
  private readonly connection: Connection;
  private readonly clients: Clients;
  private readonly closing = new AbortController();
  private readonly logPollIntervalMs: number;
  /** Member namespaces known to exist, so that each submit does not ask again. */
  private readonly namespaces = new Set<string>();
  private readonly kinds: Record<WorkloadKind, KindClient>;
  private readonly caches: MemberCaches;
  private readonly reads: MemberReads;

  constructor(cluster: Cluster, options: KubernetesManagerOptions) {
    this.clusterName = cluster.metadata.name;
    this.connection = connect(this.clusterName, cluster.spec.kubernetes);
    this.clients = createClients(this.connection.kubeConfig, this.connection.server, {
      signal: this.closing.signal,
      timeoutMs: options.requestTimeoutMs ?? 15_000,
    });
    this.logPollIntervalMs = options.logPollIntervalMs ?? 1000;
    this.caches = new MemberCaches(this.connection.kubeConfig, this.clients, { requestTimeoutMs: options.requestTimeoutMs ?? 15_000 });
    this.reads = new MemberReads(this.clusterName, this.clients, this.caches);
    this.kinds = kindClients(this.clients);
  }

  // ------------------------------------------------------------------ ClusterManager

  async capacity(): Promise<ClusterCapacity> {
    const [nodes, pods] = await Promise.all([this.reads.nodes(), this.reads.activePods()]);
    return clusterCapacity(nodes, pods);
  }

  async submit(workload: Workload, replicas: number, options: SubmitOptions = {}): Promise<void> {
    const ref = refOf(workload);
    if (replicas <= 0) return this.delete(ref);
    await this.ensureNamespace(ref.namespace);
    const manifestOptions: ManifestOptions = { cluster: this.clusterName, firstReplicaIndex: options.firstReplicaIndex };
    const common = { cluster: this.clusterName, onNamespaceGone: (namespace: string) => this.namespaces.delete(namespace) };
    if (workload.kind === 'Job') {
      await converge(this.kinds.Job, buildJob(workload, replicas, manifestOptions), {
        ...common,
        changes: (e, d) => jobChanges(e as V1Job, d as V1Job),
      });
    } else {
      await converge(this.kinds.Deployment, buildDeployment(workload, replicas, manifestOptions), {
        ...common,
        changes: (e, d) => deploymentChanges(e as V1Deployment, d as V1Deployment),
      });
    }
  }

  async status(workloads: readonly WorkloadRef[]): Promise<Map<string, WorkloadReport>> {
    if (workloads.length === 0) return new Map();
    const wanted = new Set(workloads.map((ref) => ref.kind));
    // From the caches; one list per kind for every workload asked about while they are not usable.
    const [jobs, deployments, pods] = await Promise.all([
      wanted.has('Job') ? this.reads.jobs() : NONE(),
      wanted.has('Deployment') ? this.reads.deployments() : NONE(),
      this.reads.skyPods(),
    ]);
    return workloadReports(workloads, [...jobs, ...deployments] as MemberObject[], pods);
  }

  async list(): Promise<WorkloadRef[]> {
    const [jobs, deployments] = await Promise.all([this.reads.liveJobs(), this.reads.liveDeployments()]);
    return [...workloadRefs([...jobs.items, ...deployments.items] as MemberObject[]).values()];
  }

  async delete(workload: WorkloadRef): Promise<void> {
    const client = this.kinds[workload.kind];
    const name = memberName(workload.name);
    const what = `${client.kind} ${workload.namespace}/${name}`;
    const existing = await readIfPresent(this.clusterName, client, workload.namespace, name);
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
    const source = podLogSource(workload, {
      cluster: this.clusterName,
      kubeConfig: this.connection.kubeConfig,
      core: this.clients.core,
      client: this.kinds[workload.kind],
    });
    return podLogLines(source, {
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
}

export function createKubernetesManager(cluster: Cluster, options: KubernetesManagerOptions): ClusterManager {
  return new KubernetesManager(cluster, options);
}
