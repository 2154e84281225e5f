/** Small builders for scheduler tests: only the fields a test cares about are spelled out. */
import type {
  Cluster,
  ClusterManagerType,
  ClusterPhase,
  ClusterPreference,
  FilterPolicy,
  NodeStatus,
  PlacementStrategy,
  Resources,
  StringMap,
  Workload,
} from '../../../src/domain/types.js';

const meta = (name: string, labels: StringMap = {}, namespace?: string) => ({
  name,
  namespace,
  uid: `uid-${name}`,
  labels,
  annotations: {},
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: '2026-01-01T00:00:00Z',
});

export interface NodeSpec {
  /** Free cpu on the node. */
  cpu: number;
  memory?: number;
  gpu?: number;
  accelerator?: string;
  ready?: boolean;
}

export function cluster(
  name: string,
  options: { nodes?: NodeSpec[]; labels?: StringMap; phase?: ClusterPhase; manager?: ClusterManagerType } = {},
): Cluster {
  const nodes: NodeStatus[] = (options.nodes ?? [{ cpu: 4 }]).map((n, i) => {
    const free: Resources = { cpu: n.cpu, memory: n.memory ?? 65536, gpu: n.gpu ?? 0, accelerator: n.accelerator };
    return { name: `${name}-node-${i}`, capacity: free, allocatable: free, ready: n.ready ?? true };
  });
  const sum = (key: 'cpu' | 'memory' | 'gpu') => nodes.reduce((s, n) => s + n.allocatable[key], 0);
  const totals = { cpu: sum('cpu'), memory: sum('memory'), gpu: sum('gpu') };
  return {
    kind: 'Cluster',
    metadata: meta(name, options.labels),
    spec: { manager: options.manager ?? 'LOCAL' },
    status: {
      phase: options.phase ?? 'READY',
      conditions: [],
      capacity: totals,
      allocatable: totals,
      nodes,
      acceleratorTypes: [],
    },
  };
}

export function workload(
  name: string,
  options: {
    kind?: 'Job' | 'Deployment';
    replicas?: number;
    resources?: Partial<Resources>;
    labels?: StringMap;
    namespace?: string;
    strategy?: PlacementStrategy;
    clusterSelector?: string;
    preferences?: ClusterPreference[];
  } = {},
): Workload {
  const spec = {
    image: 'gcr.io/sky-burst/skyburst:latest',
    run: 'sleep 30',
    envs: [],
    resources: { cpu: 1, memory: 0, gpu: 0, ...options.resources },
    replicas: options.replicas ?? 1,
    restartPolicy: 'NEVER' as const,
    placement: {
      clusterSelector: options.clusterSelector,
      preferences: options.preferences ?? [],
      strategy: options.strategy ?? 'SPREAD',
    },
  };
  const status = { phase: 'PENDING' as const, conditions: [], placements: [], replicaStatus: [] };
  const metadata = meta(name, options.labels, options.namespace ?? 'default');
  return options.kind === 'Deployment'
    ? { kind: 'Deployment', metadata, spec, status }
    : { kind: 'Job', metadata, spec, status };
}

export function filterPolicy(
  name: string,
  options: {
    include?: string[];
    exclude?: string[];
    clusterSelector?: string;
    labelsSelector?: StringMap;
    namespace?: string;
  } = {},
): FilterPolicy {
  return {
    kind: 'FilterPolicy',
    metadata: meta(name, {}, options.namespace ?? 'default'),
    spec: {
      clusterFilter: {
        include: options.include ?? [],
        exclude: options.exclude ?? [],
        clusterSelector: options.clusterSelector,
      },
      labelsSelector: options.labelsSelector ?? {},
    },
    status: { phase: 'ACTIVE', conditions: [] },
  };
}
