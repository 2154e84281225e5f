/**
 * Every GraphQL document the client sends, by kind and verb. The documents are generated from
 * schema.graphql (`npm run codegen`: src/client/operations.graphql and generated/graphql.ts),
 * each typed by its result; this file only files them under the kind and verb ResourceAPI looks
 * them up by. Root fields are aliased (`object`, `list`, `event`) so the code reading responses
 * is the same for every kind.
 */
import type { Kind } from '../domain/kinds.js';
import type { WatchEventType } from '../domain/types.js';
import * as G from './generated/graphql.js';

/**
 * A document typed by what it answers. Its variables differ between kinds (a global kind takes
 * no namespace) and are checked against the schema by the generated types, not here.
 */
export type Document<Result> = G.TypedDocumentString<Result, never>;

/** An object as GraphQL answers it: unset optional fields are null. */
type Wire = unknown;

export interface KindDocuments {
  /** Variables: namespace? (namespaced kinds; omitted = all namespaces), labelSelector?. */
  list: Document<{ list: { kind: string; resourceVersion: string; items: Wire[] } }>;
  /** Variables: name, namespace (namespaced kinds). */
  get: Document<{ object: Wire }>;
  /** Variables: input (`<Kind>Input`), dryRun?. */
  create: Document<{ object: Wire }>;
  update: Document<{ object: Wire }>;
  /** Variables: input (`<Kind>StatusUpdateInput`). */
  updateStatus: Document<{ object: Wire }>;
  /** Variables: name, namespace (namespaced kinds). */
  delete: Document<{ object: Wire }>;
  /** Variables: namespace? (namespaced kinds), resourceVersion?, labelSelector?. */
  watch: Document<{ event: { type: WatchEventType; resourceVersion: string; object: Wire | null } }>;
}

export const DOCUMENTS: Record<Kind, KindDocuments> = {
  Cluster: {
    list: G.ListClustersDocument,
    get: G.GetClusterDocument,
    create: G.CreateClusterDocument,
    update: G.UpdateClusterDocument,
    updateStatus: G.UpdateClusterStatusDocument,
    delete: G.DeleteClusterDocument,
    watch: G.WatchClustersDocument,
  },
  Namespace: {
    list: G.ListNamespacesDocument,
    get: G.GetNamespaceDocument,
    create: G.CreateNamespaceDocument,
    update: G.UpdateNamespaceDocument,
    updateStatus: G.UpdateNamespaceStatusDocument,
    delete: G.DeleteNamespaceDocument,
    watch: G.WatchNamespacesDocument,
  },
  Job: {
    list: G.ListJobsDocument,
    get: G.GetJobDocument,
    create: G.CreateJobDocument,
    update: G.UpdateJobDocument,
    updateStatus: G.UpdateJobStatusDocument,
    delete: G.DeleteJobDocument,
    watch: G.WatchJobsDocument,
  },
  Deployment: {
    list: G.ListDeploymentsDocument,
    get: G.GetDeploymentDocument,
    create: G.CreateDeploymentDocument,
    update: G.UpdateDeploymentDocument,
    updateStatus: G.UpdateDeploymentStatusDocument,
    delete: G.DeleteDeploymentDocument,
    watch: G.WatchDeploymentsDocument,
  },
  FilterPolicy: {
    list: G.ListFilterPoliciesDocument,
    get: G.GetFilterPolicyDocument,
    create: G.CreateFilterPolicyDocument,
    update: G.UpdateFilterPolicyDocument,
    updateStatus: G.UpdateFilterPolicyStatusDocument,
    delete: G.DeleteFilterPolicyDocument,
    watch: G.WatchFilterPoliciesDocument,
  },
  Queue: {
    list: G.ListQueuesDocument,
    get: G.GetQueueDocument,
    create: G.CreateQueueDocument,
    update: G.UpdateQueueDocument,
    updateStatus: G.UpdateQueueStatusDocument,
    delete: G.DeleteQueueDocument,
    watch: G.WatchQueuesDocument,
  },
  PriorityClass: {
    list: G.ListPriorityClassesDocument,
    get: G.GetPriorityClassDocument,
    create: G.CreatePriorityClassDocument,
    update: G.UpdatePriorityClassDocument,
    updateStatus: G.UpdatePriorityClassStatusDocument,
    delete: G.DeletePriorityClassDocument,
    watch: G.WatchPriorityClassesDocument,
  },
  Lease: {
    list: G.ListLeasesDocument,
    get: G.GetLeaseDocument,
    create: G.CreateLeaseDocument,
    update: G.UpdateLeaseDocument,
    updateStatus: G.UpdateLeaseStatusDocument,
    delete: G.DeleteLeaseDocument,
    watch: G.WatchLeasesDocument,
  },
  Role: {
    list: G.ListRolesDocument,
    get: G.GetRoleDocument,
    create: G.CreateRoleDocument,
    update: G.UpdateRoleDocument,
    updateStatus: G.UpdateRoleStatusDocument,
    delete: G.DeleteRoleDocument,
    watch: G.WatchRolesDocument,
  },
  ClusterRole: {
    list: G.ListClusterRolesDocument,
    get: G.GetClusterRoleDocument,
    create: G.CreateClusterRoleDocument,
    update: G.UpdateClusterRoleDocument,
    updateStatus: G.UpdateClusterRoleStatusDocument,
    delete: G.DeleteClusterRoleDocument,
    watch: G.WatchClusterRolesDocument,
  },
  RoleBinding: {
    list: G.ListRoleBindingsDocument,
    get: G.GetRoleBindingDocument,
    create: G.CreateRoleBindingDocument,
    update: G.UpdateRoleBindingDocument,
    updateStatus: G.UpdateRoleBindingStatusDocument,
    delete: G.DeleteRoleBindingDocument,
    watch: G.WatchRoleBindingsDocument,
  },
  ClusterRoleBinding: {
    list: G.ListClusterRoleBindingsDocument,
    get: G.GetClusterRoleBindingDocument,
    create: G.CreateClusterRoleBindingDocument,
    update: G.UpdateClusterRoleBindingDocument,
    updateStatus: G.UpdateClusterRoleBindingStatusDocument,
    delete: G.DeleteClusterRoleBindingDocument,
    watch: G.WatchClusterRoleBindingsDocument,
  },
};

/** The log operations of Jobs and Deployments; root fields aliased `lines` (query) and `line`. */
export interface LogDocuments {
  /** Variables: namespace, name, tail?. */
  logs: Document<G.JobLogsQuery>;
  /** Variables: namespace, name, tail?. */
  follow: Document<G.FollowJobLogsSubscription>;
}

/** The field-scoped status writes of Jobs and Deployments (one per owner); root fields aliased `object`. */
export interface WorkloadStatusDocuments {
  /** Variables: input (`AdmissionDecisionInput`). */
  setAdmission: Document<{ object: Wire }>;
  /** Variables: input (`PlacementDecisionInput`). */
  setPlacements: Document<{ object: Wire }>;
  /** Variables: input (`ReplicaReportInput`). */
  reportReplicas: Document<{ object: Wire }>;
}

export const WORKLOAD_STATUS_DOCUMENTS: Record<'Job' | 'Deployment', WorkloadStatusDocuments> = {
  Job: { setAdmission: G.SetJobAdmissionDocument, setPlacements: G.SetJobPlacementsDocument, reportReplicas: G.ReportJobReplicasDocument },
  Deployment: {
    setAdmission: G.SetDeploymentAdmissionDocument,
    setPlacements: G.SetDeploymentPlacementsDocument,
    reportReplicas: G.ReportDeploymentReplicasDocument,
  },
};

export const LOG_DOCUMENTS: Record<'Job' | 'Deployment', LogDocuments> = {
  Job: { logs: G.JobLogsDocument, follow: G.FollowJobLogsDocument },
  Deployment: { logs: G.DeploymentLogsDocument, follow: G.FollowDeploymentLogsDocument },
};
