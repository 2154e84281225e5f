/**
 * The informers one controller-manager process shares: one list+watch per kind, read by the
 * scheduler and every Skylet (Skylets do not open watches of their own), plus the write side.
 */
import pino from 'pino';
import {
  ClusterAPI,
  ClusterRoleAPI,
  ClusterRoleBindingAPI,
  DeploymentAPI,
  FilterPolicyAPI,
  JobAPI,
  LeaseAPI,
  NamespaceAPI,
  PriorityClassAPI,
  QueueAPI,
  RoleAPI,
  RoleBindingAPI,
} from '../client/api.js';
import type { SkyClient } from '../client/connection.js';
import { Informer } from '../client/informer.js';
import type {
  Cluster,
  ClusterReplicaStatus,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  ClusterStatus,
  Deployment,
  FilterPolicy,
  Job,
  Lease,
  Namespace,
  PriorityClass,
  Queue,
  QueueStatus,
  Workload,
} from '../domain/types.js';
import type { ConditionUpdate } from '../domain/conditions.js';
import {
  WorkloadListers,
  type AdmissionDecision,
  type AdmissionWriter,
  type ClusterStatusWriter,
  type Listers,
  type PlacementDecision,
  type QueueStatusWriter,
  type WorkloadStatusWriter,
} from './listers.js';
import { CachedClusterAccess } from './cluster-access.js';

export class SharedCaches extends WorkloadListers implements Listers, ClusterStatusWriter, WorkloadStatusWriter, AdmissionWriter, QueueStatusWriter {
  readonly clusterApi: ClusterAPI;
  readonly jobApi: JobAPI;
  readonly deploymentApi: DeploymentAPI;
  readonly clusters: Informer<Cluster>;
  readonly jobs: Informer<Job>;
  readonly deployments: Informer<Deployment>;
  readonly filterPolicies: Informer<FilterPolicy>;
  readonly queueApi: QueueAPI;
  readonly queues: Informer<Queue>;
  readonly priorityClasses: Informer<PriorityClass>;
  readonly namespaces: Informer<Namespace>;
  readonly leaseApi: LeaseAPI;
  /** Only when asked for: replicas that share clusters find each other's leases here. */
  readonly leases?: Informer<Lease>;
  /** For `use` of clusters: the access objects, read by placement. */
  readonly access: { roles: Informer<Role>; clusterRoles: Informer<ClusterRole>; roleBindings: Informer<RoleBinding>; clusterRoleBindings: Informer<ClusterRoleBinding> };
  readonly clusterAccess: CachedClusterAccess;

  constructor(client: SkyClient, logger: pino.Logger, options: { leases?: boolean } = {}) {
    super();
    this.clusterApi = new ClusterAPI({ client });
    this.jobApi = new JobAPI({ client });
    this.deploymentApi = new DeploymentAPI({ client });
    this.clusters = new Informer(this.clusterApi);
    this.jobs = new Informer(this.jobApi, { allNamespaces: true });
    this.deployments = new Informer(this.deploymentApi, { allNamespaces: true });
    this.filterPolicies = new Informer(new FilterPolicyAPI({ client }), { allNamespaces: true });
    this.queueApi = new QueueAPI({ client });
    this.queues = new Informer(this.queueApi);
    this.priorityClasses = new Informer(new PriorityClassAPI({ client }));
    this.namespaces = new Informer(new NamespaceAPI({ client }));
    this.leaseApi = new LeaseAPI({ client });
    if (options.leases) this.leases = new Informer(this.leaseApi);
    this.access = {
      roles: new Informer(new RoleAPI({ client }), { allNamespaces: true }),
      clusterRoles: new Informer(new ClusterRoleAPI({ client })),
      roleBindings: new Informer(new RoleBindingAPI({ client }), { allNamespaces: true }),
      clusterRoleBindings: new Informer(new ClusterRoleBindingAPI({ client })),
    };
    this.clusterAccess = new CachedClusterAccess(this.access);
    for (const informer of this.informers()) {
      informer.on('error', (err) => logger.warn({ err: String(err) }, 'watch failed; retrying'));
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.stop()));
  }

  async updateClusterStatus(name: string, status: ClusterStatus): Promise<void> {
    await this.clusterApi.updateStatus({ metadata: { name }, status });
  }

  /** For the spec generation and placements of `workload` as read: CONFLICT when either moved on. */
  async setPlacements(workload: Workload, decision: PlacementDecision): Promise<void> {
    const input = { generation: workload.metadata.generation, expectedPlacements: workload.status.placements, ...decision };
    await this.workloadApi(workload).setPlacements(workload.metadata, input);
  }

  /** For the admission of `decision.expected`: CONFLICT when the workload's moved on. */
  async setAdmission(workload: Workload, decision: AdmissionDecision): Promise<void> {
    const { expected, admission, queue, preemption, conditions } = decision;
    await this.workloadApi(workload).setAdmission(workload.metadata, { expectedAdmission: expected, admission, queue, preemption, conditions });
  }

  async updateQueueStatus(name: string, status: QueueStatus): Promise<void> {
    await this.queueApi.updateStatus({ metadata: { name }, status });
  }

  async reportReplicas(workload: Workload, entry: ClusterReplicaStatus, conditions: readonly ConditionUpdate[]): Promise<void> {
    await this.workloadApi(workload).reportReplicas(workload.metadata, { ...entry, conditions: [...conditions] });
  }

  private workloadApi(workload: Workload): JobAPI | DeploymentAPI {
    return workload.kind === 'Job' ? this.jobApi : this.deploymentApi;
  }

  private informers(): Informer<any>[] {
    const all: Informer<any>[] = [this.clusters, this.jobs, this.deployments, this.filterPolicies, this.queues, this.priorityClasses, this.namespaces, ...Object.values(this.access)];
    return this.leases ? [...all, this.leases] : all;
  }
}
