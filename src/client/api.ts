/**
 * The programmatic API, shaped like the original demo's Python client:
 *
 *   const jobs = new JobAPI({ namespace: 'default' });
 *   await jobs.create({ kind: 'Job', metadata: { name: 'hello' }, spec: { run: 'echo Sky!' } });
 *
 * One generic ResourceAPI does the work for every kind from the kind's documents and scope; the
 * exported classes only fix the kind (and whether a namespace applies).
 */
import { DEFAULT_NAMESPACE, KIND_INFO, type Kind } from '../domain/kinds.js';
import type { Admission, ClusterPlacement, ClusterReplicaStatus, Condition, Eviction, LogLine, Preemption, WorkloadQueueStatus, ObjectList, ObjectMeta, ObjectsByKind, Warning, WatchEvent } from '../domain/types.js';
import { SkyClient, type Result, type SkyClientOptions, type Variables } from './connection.js';
import type { ResultOf } from '@graphql-typed-document-node/core';
import { DOCUMENTS, LOG_DOCUMENTS, WORKLOAD_STATUS_DOCUMENTS, type Document, type KindDocuments, type LogDocuments } from './documents.js';
import { cacheKey } from '../domain/object-ref.js';
import { withoutKeys } from '../domain/without-keys.js';

export interface ApiOptions extends SkyClientOptions {
  /** A connection to share with other API objects; `url`, `urls` and `headers` are then ignored. */
  client?: SkyClient;
}

export interface NamespacedApiOptions extends ApiOptions {
  /** Namespace of this API's objects; default "default". */
  namespace?: string;
}

export interface ListOptions {
  /** Kubernetes syntax: `app=web,tier!=db,env in (prod,staging),gpu,!spot`. */
  labelSelector?: string;
  /** Namespaced kinds: every namespace instead of this API's. */
  allNamespaces?: boolean;
}

export interface WriteOptions {
  /** Check the write on the server (validation, defaults, conflicts) without making it. */
  dryRun?: boolean;
}

const dryRunOf = ({ dryRun }: WriteOptions) => (dryRun ? { dryRun: true } : {});

export interface WatchOptions extends ListOptions {
  /**
   * Deliver only the changes after this version: a list's resourceVersion, or that of an event
   * this watch delivered after its initial ADDED events. Omitted: every matching object as ADDED
   * first, then every change.
   */
  resourceVersion?: string;
  /** Ends the watch (the iteration then finishes normally). */
  signal?: AbortSignal;
}

type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [P in keyof T]?: DeepPartial<T[P]> }
    : T;

type ManifestMeta = Pick<ObjectMeta, 'name'> & Partial<ObjectMeta>;

/**
 * What create and update accept: the demo's plain object, or anything `get` returned. Fields
 * the server owns (uid, generation, creationTimestamp, status) may be present and are not sent;
 * the server fills the defaults of what is left out.
 */
export type Manifest<K extends Kind> = {
  kind?: K;
  metadata: ManifestMeta;
  status?: unknown;
} & (K extends 'Namespace' ? { spec?: unknown } : { spec: DeepPartial<ObjectsByKind[K]['spec']> });

/** What updateStatus accepts: the object (or its metadata) with the new status. */
export interface StatusManifest<K extends Kind> {
  metadata: ManifestMeta;
  status: DeepPartial<ObjectsByKind[K]['status']> & Pick<ObjectsByKind[K]['status'], 'phase'>;
}

/** A watch event as the server sends it: `object` is null for a BOOKMARK. */
type WireEvent = ResultOf<KindDocuments['watch']>['event'];

export class ResourceAPI<K extends Kind, T extends ObjectsByKind[K] = ObjectsByKind[K]> {
  readonly client: SkyClient;
  /** Undefined for global kinds. */
  readonly namespace?: string;
  private readonly documents: KindDocuments;
  private readonly namespaced: boolean;

  constructor(
    readonly kind: K,
    options: NamespacedApiOptions = {},
  ) {
    this.client = options.client ?? new SkyClient(options);
    this.namespaced = KIND_INFO[kind].namespaced;
    if (this.namespaced) this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.documents = DOCUMENTS[kind];
  }

  /** With `dryRun`, the server checks and answers what it would create, and writes nothing. */
  async create(object: Manifest<K>, options: WriteOptions = {}): Promise<T> {
    return this.call(this.documents.create, { input: this.input(object, false), ...dryRunOf(options) });
  }

  async get(name: string): Promise<T> {
    return this.call(this.documents.get, this.address(name));
  }

  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    const { list } = await this.client.request<ResultOf<KindDocuments['list']>>(this.documents.list.toString(), this.scope(options));
    return { kind: list.kind, items: list.items.map((item) => this.fromWire(item)), resourceVersion: list.resourceVersion };
  }

  /**
   * Replaces labels, annotations and spec; `metadata.resourceVersion` makes it compare-and-swap.
   * With `dryRun`, the server checks and answers what it would write, and writes nothing.
   */
  async update(object: Manifest<K>, options: WriteOptions = {}): Promise<T> {
    return this.call(this.documents.update, { input: this.input(object, true), ...dryRunOf(options) });
  }

  /** Replaces the status (controllers); compare-and-swap when `metadata.resourceVersion` is set. */
  async updateStatus(object: StatusManifest<K>): Promise<T> {
    const metadata = this.metadataInput(object.metadata, true);
    return this.call(this.documents.updateStatus, { input: { metadata, status: object.status } });
  }

  /** Deletes the object and returns its last state. */
  async delete(name: string): Promise<T> {
    return this.call(this.documents.delete, this.address(name));
  }

  /**
   * Every change to the matching objects, resumed across dropped connections so that each is
   * delivered exactly once (see SkyClient.watch). A GONE from the server (resourceVersion older
   * than its history) is thrown as GoneError: list again and watch from the list's version.
   */
  async *watch(options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    let { resourceVersion } = options;
    // Keys of the objects this watch has handed out and not seen deleted; known when the watch
    // made its own list. The server's label-selector filter starts afresh on every (re)subscribe,
    // so for an object it has not seen match it may send a DELETED the caller never had, or a
    // MODIFIED for an object the caller was never given; with these keys both are put right.
    let held: Set<string> | undefined;
    if (resourceVersion === undefined) {
      // A list, then a watch from the list's version, as `kubectl get --watch` does, rather than
      // the server's initial ADDED snapshot: a snapshot cut short by a dropped connection cannot
      // be resumed (its events carry the objects' versions, not a point in history); a list's
      // version can.
      const list = await this.list(options);
      held = new Set(list.items.map((o) => cacheKey(o.metadata)));
      for (const object of list.items) yield { type: 'ADDED', object, resourceVersion: object.metadata.resourceVersion };
      resourceVersion = list.resourceVersion;
    }
    const events = this.client.watch<WireEvent>(this.documents.watch.toString(), this.scope(options), resourceVersion, options.signal);
    for await (const { type, resourceVersion: version, object: wire } of events) {
      if (wire === null) {
        yield { type, resourceVersion: version };
        continue;
      }
      const object = this.fromWire(wire);
      if (!held) {
        yield { type, resourceVersion: version, object };
        continue;
      }
      const key = cacheKey(object.metadata);
      if (type === 'DELETED') {
        if (held.delete(key)) yield { type, resourceVersion: version, object };
      } else {
        yield { type: held.has(key) ? 'MODIFIED' : 'ADDED', resourceVersion: version, object };
        held.add(key);
      }
    }
  }

  /** Runs a document whose root field is aliased `object`. */
  protected async call(document: Document<{ object: unknown }>, variables: Variables): Promise<T> {
    const { object } = await this.client.request<ResultOf<typeof document>>(document.toString(), variables);
    return this.fromWire(object);
  }

  private fromWire(object: unknown): T {
    const result = withoutNulls(object) as T;
    // The contract's Namespace has no spec field; the domain type has an empty one.
    return this.kind === 'Namespace' ? { ...result, spec: {} } : result;
  }

  protected address(name: string): Variables {
    return this.namespaced ? { namespace: this.namespace, name } : { name };
  }

  private scope({ labelSelector, allNamespaces }: ListOptions): Variables {
    return this.namespaced && !allNamespaces ? { namespace: this.namespace, labelSelector } : { labelSelector };
  }

  /** `<Kind>Input` from a manifest: only what a user may set, so a `get` result can be sent back. */
  private input(object: Manifest<K>, withResourceVersion: boolean): Variables {
    const metadata = this.metadataInput(object.metadata, withResourceVersion);
    return this.kind === 'Namespace' ? { metadata } : { metadata, spec: object.spec };
  }

  private metadataInput(meta: ManifestMeta, withResourceVersion: boolean): Variables {
    const input: Variables = { name: meta.name, labels: meta.labels, annotations: meta.annotations };
    // An object's own namespace wins, so an object read through another API can be written back.
    if (this.namespaced) input.namespace = meta.namespace ?? this.namespace;
    // A new object has no version yet; sending the one of the object it was copied from would be
    // rejected or, worse, misread as a precondition.
    if (withResourceVersion) input.resourceVersion = meta.resourceVersion;
    return input;
  }
}

/**
 * GraphQL answers an unset optional field with null; the domain types leave it out. Dropping
 * nulls gives callers exactly the shapes of src/domain/types.ts (`waitTimeout?: number`), and an
 * object sent back unchanged still means the same.
 */
const withoutNulls = (value: unknown): unknown => withoutKeys(value, (v) => v === null);

export class ClusterAPI extends ResourceAPI<'Cluster'> {
  constructor(options: ApiOptions = {}) {
    super('Cluster', options);
  }
}

export class NamespaceAPI extends ResourceAPI<'Namespace'> {
  constructor(options: ApiOptions = {}) {
    super('Namespace', options);
  }
}

export interface LogsOptions {
  /** Only the last `tail` lines of each replica (so far, when following). */
  tail?: number;
  /**
   * Called for each cluster whose logs could not be read (and when the workload is on no cluster
   * yet): the lines are then incomplete. Default: process.emitWarning, so nothing goes unsaid.
   */
  onWarning?: (warning: Warning) => void;
}

export interface FollowLogsOptions extends LogsOptions {
  /** Ends the follow (the iteration then finishes normally). */
  signal?: AbortSignal;
}

/** `cluster "b": its Skylet …`, or the message alone when it is about no cluster. */
export function formatWarning(warning: Warning): string {
  return warning.cluster === undefined ? warning.message : `cluster "${warning.cluster}": ${warning.message}`;
}

const emitWarning = (warning: Warning) => process.emitWarning(formatWarning(warning), 'SkyWarning');

/** The warnings the server sent beside a result, in `extensions.warnings`. */
function warningsOf(result: Result<unknown>): Warning[] {
  const warnings = result.extensions?.warnings;
  if (!Array.isArray(warnings)) return [];
  return warnings
    .filter((w): w is Warning => typeof w?.message === 'string')
    .map(({ message, cluster }) => (typeof cluster === 'string' ? { message, cluster } : { message }));
}

type ConditionInput = Omit<Condition, 'lastTransitionTime'> & { lastTransitionTime?: string };

/** Which workload a status write is for: a name, or the metadata of an object read. */
export type ObjectAddress = Pick<ObjectMeta, 'name'> & Partial<Pick<ObjectMeta, 'namespace' | 'uid'>>;

/** What setPlacements sends (see the PlacementDecisionInput type of the schema). */
export interface PlacementDecisionInput {
  generation: number;
  expectedPlacements: ClusterPlacement[];
  placements: ClusterPlacement[];
  evictions?: Eviction[];
  conditions?: ConditionInput[];
}

/**
 * What setAdmission sends (see the AdmissionDecisionInput type of the schema). Undefined
 * `expectedAdmission`: the decision found the workload not admitted; undefined `admission`
 * withdraws it; undefined `queue` clears it.
 */
export interface AdmissionDecisionInput {
  expectedAdmission?: Admission;
  admission?: Admission;
  queue?: WorkloadQueueStatus;
  preemption?: Preemption;
  conditions?: ConditionInput[];
}

/** What reportReplicas sends: one cluster's entry of status.replicaStatus. */
export interface ReplicaReportInput extends ClusterReplicaStatus {
  conditions?: ConditionInput[];
}

/** Jobs and Deployments: objects, plus the logs of their replicas, plus their owners' status writes. */
export class WorkloadAPI<K extends 'Job' | 'Deployment'> extends ResourceAPI<K> {
  /**
   * Every replica's lines so far, cluster by cluster, each replica's together. Clusters whose
   * logs cannot be read are left out and reported to `onWarning`.
   */
  async logs(name: string, options: LogsOptions = {}): Promise<LogLine[]> {
    const document = LOG_DOCUMENTS[this.kind].logs;
    const result = await this.client.requestWithExtensions<ResultOf<LogDocuments['logs']>>(document.toString(), this.logVariables(name, options));
    warningsOf(result).forEach(options.onWarning ?? emitWarning);
    return result.data.lines;
  }

  /**
   * Lines as the replicas write them, from every cluster at once; ends when every replica has
   * finished, or on `signal`. A dropped connection throws ConnectionError: a follow cannot be
   * resumed without repeating lines, so starting again (with `tail`) is the caller's choice.
   */
  async *followLogs(name: string, options: FollowLogsOptions = {}): AsyncGenerator<LogLine> {
    const document = LOG_DOCUMENTS[this.kind].follow;
    const results = this.client.subscription<ResultOf<LogDocuments['follow']>>(document.toString(), this.logVariables(name, options), options.signal);
    for await (const result of results) {
      warningsOf(result).forEach(options.onWarning ?? emitWarning);
      if (result.data) yield result.data.line;
    }
  }

  /**
   * The scheduler's write: placements, evictions and its conditions, for spec `generation`,
   * decided from `expectedPlacements`. CONFLICT when either is no longer true.
   */
  async setPlacements(object: ObjectAddress, decision: PlacementDecisionInput): Promise<ObjectsByKind[K]> {
    return this.call(WORKLOAD_STATUS_DOCUMENTS[this.kind].setPlacements, { input: { ...this.target(object), ...decision } });
  }

  /**
   * The admission controller's write: admission, queue position, a preemption and its
   * conditions, decided from `expectedAdmission`. CONFLICT when that is no longer the workload's.
   */
  async setAdmission(object: ObjectAddress, decision: AdmissionDecisionInput): Promise<ObjectsByKind[K]> {
    // Sent as null rather than left out, so the server is told what was meant.
    const { expectedAdmission = null, admission = null, queue = null, preemption, conditions } = decision;
    return this.call(WORKLOAD_STATUS_DOCUMENTS[this.kind].setAdmission, {
      input: { ...this.target(object), expectedAdmission, admission, queue, preemption, conditions },
    });
  }

  /** A Skylet's write: its cluster's replicaStatus entry (and the conditions a Skylet owns). */
  async reportReplicas(object: ObjectAddress, report: ReplicaReportInput): Promise<ObjectsByKind[K]> {
    return this.call(WORKLOAD_STATUS_DOCUMENTS[this.kind].reportReplicas, { input: { ...this.target(object), ...report } });
  }

  /** The object's own namespace wins; its uid, when given, makes the write apply to it alone. */
  private target({ name, namespace, uid }: ObjectAddress): Variables {
    return { name, namespace: namespace ?? this.namespace, uid };
  }

  private logVariables(name: string, { tail }: LogsOptions): Variables {
    return { ...this.address(name), tail };
  }
}

export class JobAPI extends WorkloadAPI<'Job'> {
  constructor(options: NamespacedApiOptions = {}) {
    super('Job', options);
  }
}

export class DeploymentAPI extends WorkloadAPI<'Deployment'> {
  constructor(options: NamespacedApiOptions = {}) {
    super('Deployment', options);
  }
}

export class FilterPolicyAPI extends ResourceAPI<'FilterPolicy'> {
  constructor(options: NamespacedApiOptions = {}) {
    super('FilterPolicy', options);
  }
}

export class QueueAPI extends ResourceAPI<'Queue'> {
  constructor(options: ApiOptions = {}) {
    super('Queue', options);
  }
}

export class PriorityClassAPI extends ResourceAPI<'PriorityClass'> {
  constructor(options: ApiOptions = {}) {
    super('PriorityClass', options);
  }
}

/** Roles and ClusterRoles: verbs allowed on resources (src/domain/spec/rbac-spec.ts). */
export class RoleAPI extends ResourceAPI<'Role'> {
  constructor(options: NamespacedApiOptions = {}) {
    super('Role', options);
  }
}

export class ClusterRoleAPI extends ResourceAPI<'ClusterRole'> {
  constructor(options: ApiOptions = {}) {
    super('ClusterRole', options);
  }
}

/** RoleBindings and ClusterRoleBindings: who gets a role (its roleRef cannot change). */
export class RoleBindingAPI extends ResourceAPI<'RoleBinding'> {
  constructor(options: NamespacedApiOptions = {}) {
    super('RoleBinding', options);
  }
}

export class ClusterRoleBindingAPI extends ResourceAPI<'ClusterRoleBinding'> {
  constructor(options: ApiOptions = {}) {
    super('ClusterRoleBinding', options);
  }
}

/** Leases: the records of src/controllers/lease-lock.ts's locks (update is compare-and-swap, as for every kind). */
export class LeaseAPI extends ResourceAPI<'Lease'> {
  constructor(options: ApiOptions = {}) {
    super('Lease', options);
  }
}
