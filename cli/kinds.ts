/**
 * Everything the CLI does differently per kind, in one table: the names users type (singular,
 * plural, short, as kubectl accepts them), the table columns of `skym get`, and the extra sections
 * of `skym describe`. Commands are generic over kinds and look the difference up here, so a sixth
 * kind is one more entry rather than one more command file per verb.
 */
import { KIND_WORDS, type KindWords } from '../src/domain/kind-names.js';
import { DEFAULT_NAMESPACE, KIND_INFO, KINDS, type Kind } from '../src/domain/kinds.js';
import {
  CLUSTER_PHASES,
  FILTER_POLICY_PHASES,
  JOB_PHASES,
  NAMESPACE_PHASES,
  PRIORITY_CLASS_PHASES,
  QUEUE_PHASES,
  type Cluster,
  type ClusterReplicaStatus,
  type ClusterRole,
  type ClusterRoleBinding,
  type PolicyRule,
  type Role,
  type RoleBinding,
  type FilterPolicy,
  type Lease,
  type Namespace,
  type ObjectsByKind,
  type PriorityClass,
  type Queue,
  type SkyObject,
  type Workload,
} from '../src/domain/types.js';
import type { Column } from './format.js';
import { clusterResources, clusterResourcesWidth } from './resource-cells.js';
import { borrowed, usedOverQuota } from './queue-cells.js';
import { clusterCostOf, clusterPrices, formatAmount, sumCostOf, workloadCostOf } from './cost-cells.js';
import { otherSpecColumns, specColumn } from './workload-spec-flags.js';

/** One table row: most kinds print one per object; workloads one per cluster they are placed on. */
export interface Row<T extends SkyObject = SkyObject> {
  object: T;
  /** Workloads: the cluster of this row ('' when not placed yet) and its replicas there. */
  cluster?: string;
  replicas?: number;
}

/** A titled table in `skym describe` output (conditions, per-cluster replicas). */
export interface DescribeTable {
  title: string;
  columns: Column<Record<string, string>>[];
  rows: Record<string, string>[];
}

export interface KindView<T extends SkyObject = SkyObject> {
  kind: T['kind'];
  /** Singular first (the noun of messages), plural second, then short names: src/domain/kind-names.ts. */
  names: KindWords;
  namespaced: boolean;
  /** The default table, as the original demo printed it. */
  columns: Column<Row<T>>[];
  /** Appended for `-o wide`. */
  wide: Column<Row<T>>[];
  rows(object: T): Row<T>[];
  /** Status fields `describe` shows as tables of their own instead of in the status YAML. */
  describeOmits: string[];
  describeTables(object: T): DescribeTable[];
}

// ---------------------------------------------------------------- cell formatting

export function formatMap(map: Record<string, string> | undefined, separator = ','): string {
  return Object.entries(map ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(separator);
}

/** kubectl's AGE: the largest unit, `45s`, `12m`, `3h`, `5d`. */
export function formatAge(timestamp: string, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(seconds)) return '';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 120 * 60) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

// ---------------------------------------------------------------- shared columns

const name: Column<Row> = { header: 'Name', value: (r) => r.object.metadata.name };
const namespace: Column<Row> = { header: 'Namespace', value: (r) => r.object.metadata.namespace ?? '' };
const longest = (texts: readonly string[]) => Math.max(0, ...texts.map((text) => text.length));
/** The phase; a watch leaves room for the longest phase the kind has. */
const status = (phases: readonly string[]): Column<Row> => ({ header: 'Status', value: (r) => r.object.status.phase, reserve: () => longest(phases) });
const labels: Column<Row> = { header: 'Labels', value: (r) => formatMap(r.object.metadata.labels, '\n') };
/** `45s` … `47h`, `12d`: four characters cover a watch until the age is counted in days of four digits. */
const age: Column<Row> = { header: 'Age', value: (r) => formatAge(r.object.metadata.creationTimestamp), reserve: () => 4 };

const conditionTable = (object: SkyObject): DescribeTable => ({
  title: 'Conditions',
  columns: ['Type', 'Status', 'Reason', 'Message', 'Last Transition'].map((header) => ({ header, value: (row) => row[header] ?? '' })),
  rows: object.status.conditions.map((c) => ({
    Type: c.type,
    Status: c.status,
    Reason: c.reason ?? '',
    Message: c.message ?? '',
    'Last Transition': c.lastTransitionTime,
  })),
});

const oneRow = <T extends SkyObject>(object: T): Row<T>[] => [{ object }];

// ---------------------------------------------------------------- per kind

const clusterView: KindView<Cluster> = {
  kind: 'Cluster',
  names: KIND_WORDS.Cluster,
  namespaced: KIND_INFO.Cluster.namespaced,
  columns: [
    name,
    { header: 'Manager', value: (r) => r.object.spec.manager.toLowerCase() },
    { header: 'Resources', value: (r) => clusterResources(r.object), reserve: (r) => clusterResourcesWidth(r.object) },
    { ...status(CLUSTER_PHASES), value: (r) => clusterStatus(r.object) },
  ],
  wide: [
    labels,
    { header: 'Nodes', value: (r) => String(r.object.status.nodes.length), align: 'right' },
    // Per hour of a core, a GPU, a GiB: what placement weighs against waiting.
    { header: 'Cost', value: (r) => clusterPrices(r.object) },
    age,
  ],
  rows: oneRow,
  describeOmits: ['conditions'],
  describeTables: (cluster) => [conditionTable(cluster)],
};

/**
 * The phase, and for a cluster that is not READY why not (`ERROR: cannot reach …`): the reason
 * the Skylet's health probe wrote, else the message of its Ready condition.
 */
export function clusterStatus(cluster: Cluster): string {
  const { phase, message, conditions } = cluster.status;
  if (phase === 'READY') return phase;
  const why = message || conditions.find((c) => c.type === 'Ready' && c.status !== 'True')?.message;
  return why ? `${phase}: ${why.split('\n')[0]}` : phase;
}

/** The replica counts one cluster reported, for wide rows and describe. */
const reported = (object: Workload, cluster: string | undefined): ClusterReplicaStatus | undefined =>
  object.status.replicaStatus.find((s) => s.cluster === cluster);

const count = (header: string, pick: (s: ClusterReplicaStatus) => number): Column<Row<Workload>> => ({
  header,
  align: 'right',
  value: (r) => String(pick(reported(r.object, r.cluster) ?? { cluster: '', pending: 0, running: 0, succeeded: 0, failed: 0 })),
});

function workloadView<T extends Workload>(kind: T['kind']): KindView<T> {
  return {
    kind,
    names: KIND_WORDS[kind],
    namespaced: KIND_INFO[kind].namespaced,
    columns: [
      name,
      // The scheduler may place the replicas on any cluster: a watch leaves room for every name.
      { header: 'Cluster', value: (r) => r.cluster ?? '', reserve: (_, hints) => longest(hints.clusterNames) },
      { header: 'Replicas', value: (r) => String(r.replicas ?? 0), align: 'right' },
      specColumn('resources'),
      namespace,
      status(JOB_PHASES),
    ],
    // Spec fields' columns are declared with their flags (cli/workload-spec-flags.ts); those not
    // placed here come after the others.
    wide: [
      specColumn('replicas'),
      count('Pending', (s) => s.pending),
      count('Running', (s) => s.running),
      count('Succeeded', (s) => s.succeeded),
      count('Failed', (s) => s.failed),
      specColumn('image'),
      specColumn('queue'),
      // The priority it was admitted with; until then the class it names.
      { header: 'Priority', value: (r) => (r.object.status.admission ? String(r.object.status.admission.priority) : (r.object.spec.priorityClassName ?? '')) },
      ...otherSpecColumns(['resources', 'replicas', 'image', 'queue', 'priorityClassName']),
      // The workload's, wherever its replicas ran (not only this row's cluster), as of the answer.
      { header: 'Cost', value: (r) => formatAmount(workloadCostOf(r.object)), align: 'right' },
      age,
    ],
    // One row per cluster the scheduler placed replicas on; an unplaced workload still gets its
    // row, with no cluster and 0 replicas, as the demo printed a job nobody had scheduled yet.
    rows: (object) =>
      object.status.placements.length === 0
        ? [{ object, cluster: '', replicas: 0 }]
        : object.status.placements.map((p) => ({ object, cluster: p.cluster, replicas: p.replicas })),
    // admission, queue and preemptions: the Queue section of cli/describe.ts.
    // cost: the Cost line of cli/describe.ts.
    describeOmits: ['conditions', 'placements', 'replicaStatus', 'evictions', 'admission', 'queue', 'preemptions', 'cost'],
    describeTables: (object) => {
      const clusters = [...new Set([...object.status.placements.map((p) => p.cluster), ...object.status.replicaStatus.map((s) => s.cluster)])];
      const headers = ['Cluster', 'Placed', 'Pending', 'Running', 'Succeeded', 'Failed', 'Cost', 'Waiting Since', 'External ID', 'Message'];
      return [
        {
          title: 'Clusters',
          columns: headers.map((header, i) => ({ header, value: (row) => row[header] ?? '', align: i >= 1 && i <= 6 ? 'right' : 'left' })),
          rows: clusters.map((cluster) => {
            const placed = object.status.placements.find((p) => p.cluster === cluster)?.replicas ?? 0;
            const s = reported(object, cluster);
            return {
              Cluster: cluster,
              Placed: String(placed),
              Pending: String(s?.pending ?? 0),
              Running: String(s?.running ?? 0),
              Succeeded: String(s?.succeeded ?? 0),
              Failed: String(s?.failed ?? 0),
              Cost: formatAmount(clusterCostOf(object, s)),
              // The wait timeout's clock: evicted once it is older than the timeout.
              'Waiting Since': s?.pendingSince ?? '',
              'External ID': s?.externalId ?? '',
              Message: s?.message ?? '',
            };
          }),
        },
        evictionTable(object),
        conditionTable(object),
      ];
    },
  } as KindView<T>;
}

/** Replicas that left a cluster unfinished, newest per cluster (why a workload keeps off it). */
function evictionTable(object: Workload): DescribeTable {
  const headers = ['Cluster', 'Replicas', 'Reason', 'At', 'Message'];
  return {
    title: 'Evictions',
    columns: headers.map((header) => ({ header, value: (row) => row[header] ?? '', align: header === 'Replicas' ? 'right' : 'left' })),
    rows: (object.status.evictions ?? []).map((e) => ({ Cluster: e.cluster, Replicas: String(e.replicas), Reason: e.reason, At: e.at, Message: e.message })),
  };
}

const namespaceView: KindView<Namespace> = {
  kind: 'Namespace',
  names: KIND_WORDS.Namespace,
  namespaced: KIND_INFO.Namespace.namespaced,
  columns: [name, status(NAMESPACE_PHASES)],
  wide: [labels, { header: 'Cost', value: (r) => formatAmount(sumCostOf(r.object)), align: 'right' }, age],
  rows: oneRow,
  describeOmits: ['conditions'],
  describeTables: (ns) => [conditionTable(ns)],
};

const filterPolicyView: KindView<FilterPolicy> = {
  kind: 'FilterPolicy',
  names: KIND_WORDS.FilterPolicy,
  namespaced: KIND_INFO.FilterPolicy.namespaced,
  columns: [
    name,
    namespace,
    { header: 'Include', value: (r) => r.object.spec.clusterFilter.include.join(',') },
    { header: 'Exclude', value: (r) => r.object.spec.clusterFilter.exclude.join(',') },
    { header: 'Labels', value: (r) => formatMap(r.object.spec.labelsSelector) },
    status(FILTER_POLICY_PHASES),
  ],
  wide: [{ header: 'Cluster Selector', value: (r) => r.object.spec.clusterFilter.clusterSelector ?? '' }, age],
  rows: oneRow,
  describeOmits: ['conditions'],
  describeTables: (policy) => [conditionTable(policy)],
};

const queueView: KindView<Queue> = {
  kind: 'Queue',
  names: KIND_WORDS.Queue,
  namespaced: KIND_INFO.Queue.namespaced,
  columns: [
    name,
    { header: 'Cohort', value: (r) => r.object.spec.cohort ?? '' },
    { header: 'Weight', value: (r) => String(r.object.spec.weight), align: 'right' },
    { header: 'Used/Quota', value: (r) => usedOverQuota(r.object) },
    { header: 'Borrowed', value: (r) => borrowed(r.object) },
    { header: 'Pending', value: (r) => String(r.object.status.pending), align: 'right' },
    { header: 'Admitted', value: (r) => String(r.object.status.admitted), align: 'right' },
    { header: 'Share', value: (r) => r.object.status.share.toFixed(2), align: 'right' },
    { header: 'Cost', value: (r) => formatAmount(sumCostOf(r.object)), align: 'right' },
  ],
  wide: [
    { header: 'Namespaces', value: (r) => [...r.object.spec.namespaces, ...(r.object.spec.namespaceSelector ? [r.object.spec.namespaceSelector] : [])].join(',') },
    { header: 'Strategy', value: (r) => r.object.spec.queueingStrategy },
    status(QUEUE_PHASES),
    age,
  ],
  rows: oneRow,
  describeOmits: ['conditions'],
  describeTables: (queue) => [conditionTable(queue)],
};

const priorityClassView: KindView<PriorityClass> = {
  kind: 'PriorityClass',
  names: KIND_WORDS.PriorityClass,
  namespaced: KIND_INFO.PriorityClass.namespaced,
  columns: [
    name,
    { header: 'Value', value: (r) => String(r.object.spec.value), align: 'right' },
    { header: 'Global Default', value: (r) => String(r.object.spec.globalDefault) },
    { header: 'Preemption Policy', value: (r) => r.object.spec.preemptionPolicy },
  ],
  wide: [{ header: 'Description', value: (r) => r.object.spec.description }, status(PRIORITY_CLASS_PHASES), age],
  rows: oneRow,
  describeOmits: ['conditions'],
  describeTables: (pc) => [conditionTable(pc)],
};

const leaseView: KindView<Lease> = {
  kind: 'Lease',
  names: KIND_WORDS.Lease,
  namespaced: KIND_INFO.Lease.namespaced,
  columns: [
    name,
    { header: 'Holder', value: (r) => r.object.spec.holderIdentity ?? '' },
    { header: 'Duration', value: (r) => (r.object.spec.leaseDurationSeconds === undefined ? '' : `${r.object.spec.leaseDurationSeconds}s`), align: 'right' },
    { header: 'Transitions', value: (r) => String(r.object.spec.leaseTransitions ?? 0), align: 'right' },
    // Since the holder's own clock said it renewed: a hint for people, not how expiry is judged.
    { header: 'Renewed', value: (r) => (r.object.spec.renewTime ? formatAge(r.object.spec.renewTime) : ''), reserve: () => 4 },
    age,
  ],
  wide: [{ header: 'Acquired', value: (r) => r.object.spec.acquireTime ?? '' }],
  rows: oneRow,
  describeOmits: ['conditions'],
  describeTables: (lease) => [conditionTable(lease)],
};

/** "get,list jobs,deployments", "use clusters [cloud]": a rule on one line. */
function formatRule(rule: PolicyRule): string {
  const names = rule.resourceNames.length ? ` [${rule.resourceNames.join(',')}]` : '';
  return `${rule.verbs.join(',')} ${rule.resources.join(',')}${names}`;
}

/** Roles and bindings: name, namespace where they have one, what they say, age. */
function accessView<T extends Role | ClusterRole | RoleBinding | ClusterRoleBinding>(kind: T['kind'], what: Column<Row<T>>[]): KindView<T> {
  return {
    kind,
    names: KIND_WORDS[kind],
    namespaced: KIND_INFO[kind].namespaced,
    columns: [name, ...(KIND_INFO[kind].namespaced ? [namespace] : []), ...what, age],
    wide: [labels],
    rows: oneRow,
    describeOmits: ['conditions'],
    describeTables: (object) => [conditionTable(object)],
  } as KindView<T>;
}

const rules: Column<Row<Role | ClusterRole>>[] = [{ header: 'Rules', value: (r) => r.object.spec.rules.map(formatRule).join('; ') }];
const grants: Column<Row<RoleBinding | ClusterRoleBinding>>[] = [
  { header: 'Role', value: (r) => `${r.object.spec.roleRef.kind}/${r.object.spec.roleRef.name}` },
  { header: 'Subjects', value: (r) => r.object.spec.subjects.map((s) => `${s.kind}:${s.name}`).join(',') },
];

export const KIND_VIEWS: { [K in Kind]: KindView<ObjectsByKind[K]> } = {
  Cluster: clusterView,
  Namespace: namespaceView,
  Job: workloadView('Job'),
  Deployment: workloadView('Deployment'),
  FilterPolicy: filterPolicyView,
  Queue: queueView,
  PriorityClass: priorityClassView,
  Lease: leaseView,
  Role: accessView<Role>('Role', rules),
  ClusterRole: accessView<ClusterRole>('ClusterRole', rules),
  RoleBinding: accessView<RoleBinding>('RoleBinding', grants),
  ClusterRoleBinding: accessView<ClusterRoleBinding>('ClusterRoleBinding', grants),
};

export { KIND_NAMES, resolveKind, UnknownKindError } from '../src/domain/kind-names.js';

export function viewOf<K extends Kind>(kind: K): KindView<ObjectsByKind[K]> {
  return KIND_VIEWS[kind];
}

/** The noun of messages: `job`, `filterpolicy`. */
export function nounOf(kind: Kind): string {
  return KIND_VIEWS[kind].names[0];
}

/**
 * How messages name an object: `job hello`, or `job hello in namespace team-a` outside the
 * default namespace (the demo's `Created job sky-165c0f23.` stays as it was).
 */
export function objectPhrase(kind: Kind, name: string, namespace?: string): string {
  const inNamespace = KIND_VIEWS[kind].namespaced && namespace && namespace !== DEFAULT_NAMESPACE ? ` in namespace ${namespace}` : '';
  return `${nounOf(kind)} ${name}${inNamespace}`;
}

/** Kind from the plural used in the API's object keys ('jobs/default/x'). */
export function kindOfPlural(plural: string): Kind | undefined {
  return KINDS.find((kind) => KIND_INFO[kind].plural === plural);
}
