/**
 * Cluster: a global object naming one member cluster and how to reach it. The connection
 * section must match the manager (a `slurm` block on a KUBERNETES cluster is a mistake the user
 * should hear about, not something silently ignored).
 */
import { BadUserInputError } from '../domain/errors.js';
import { skyletEndpointProblem } from '../domain/skylet-api.js';
import {
  CLUSTER_MANAGERS,
  CLUSTER_PHASES,
  type ClusterManagerType,
  type ClusterPhase,
  type ClusterSpec,
  type ClusterStatus,
  type KubernetesConfig,
  type LocalConfig,
  type NodeStatus,
  type SlurmConfig,
} from '../domain/types.js';
import { MAX_CLUSTER_RESOURCES, MAX_CLUSTER_SPEC_STRING_BYTES, MAX_NODE_RESOURCES, MAX_WAIT_TIMEOUT_SECONDS } from '../domain/limits.js';
import { compact } from './compact.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import {
  checkAccelerator,
  checkConditions,
  checkOptionalNumber,
  checkResources,
  checkText,
  type ConditionInput,
  type Maybe,
  type ResourcesInput,
} from './validation.js';

type Nullable<T> = { [K in keyof T]?: Maybe<T[K]> };

export interface ClusterSpecInput {
  manager: ClusterManagerType;
  kubernetes?: Maybe<Nullable<KubernetesConfig>>;
  slurm?: Maybe<Nullable<SlurmConfig>>;
  local?: Maybe<Nullable<LocalConfig>>;
  waitTimeout?: Maybe<number>;
}

export interface NodeStatusInput {
  name: string;
  capacity: ResourcesInput;
  allocatable: ResourcesInput;
  ready: boolean;
}

export interface ClusterStatusInput {
  phase: ClusterPhase;
  conditions?: Maybe<ConditionInput[]>;
  capacity?: Maybe<ResourcesInput>;
  allocatable?: Maybe<ResourcesInput>;
  nodes?: Maybe<NodeStatusInput[]>;
  acceleratorTypes?: Maybe<string[]>;
  message?: Maybe<string>;
  skyletEndpoint?: Maybe<string>;
}

/** Which connection section belongs to which manager. */
const SECTION_OF: Record<ClusterManagerType, 'kubernetes' | 'slurm' | 'local'> = {
  KUBERNETES: 'kubernetes',
  SLURM: 'slurm',
  LOCAL: 'local',
};

const ZERO = { cpu: 0, memory: 0, gpu: 0 };

/** The connection section's strings (context, paths, host, partition), each bounded. */
function checkStrings<T extends Record<string, unknown>>(section: T, field: string): T {
  for (const [key, value] of Object.entries(section)) {
    if (typeof value === 'string') checkText(value, `${field}.${key}`, { maxBytes: MAX_CLUSTER_SPEC_STRING_BYTES });
  }
  return section;
}

export const clusterKind = defineKind({
  kind: 'Cluster',

  spec(input: Maybe<ClusterSpecInput>, field): ClusterSpec {
    if (!input) throw new BadUserInputError(field, 'is required');
    if (!CLUSTER_MANAGERS.includes(input.manager)) {
      throw new BadUserInputError(`${field}.manager`, `must be one of ${CLUSTER_MANAGERS.join(', ')}`);
    }
    for (const [manager, section] of Object.entries(SECTION_OF)) {
      if (input[section] != null && manager !== input.manager) {
        throw new BadUserInputError(`${field}.${section}`, `is only allowed when manager is ${manager} (this cluster's manager is ${input.manager})`);
      }
    }
    const spec: ClusterSpec = { manager: input.manager };
    if (input.kubernetes) spec.kubernetes = compact(checkStrings(input.kubernetes, `${field}.kubernetes`));
    if (input.slurm) spec.slurm = compact(checkStrings(input.slurm, `${field}.slurm`));
    if (input.local) {
      const path = `${field}.local`;
      // A local cluster is this one machine: its slots are bounded as one node's figures.
      spec.local = compact({
        cpu: checkOptionalNumber(input.local.cpu, `${path}.cpu`, { max: MAX_NODE_RESOURCES.cpu }),
        memory: checkOptionalNumber(input.local.memory, `${path}.memory`, { max: MAX_NODE_RESOURCES.memory }),
        gpu: checkOptionalNumber(input.local.gpu, `${path}.gpu`, { integer: true, max: MAX_NODE_RESOURCES.gpu }),
      });
    }
    const waitTimeout = checkOptionalNumber(input.waitTimeout, `${field}.waitTimeout`, { integer: true, min: 1, max: MAX_WAIT_TIMEOUT_SECONDS });
    if (waitTimeout !== undefined) spec.waitTimeout = waitTimeout;
    return spec;
  },

  initialStatus: (): ClusterStatus => ({
    phase: 'INIT',
    conditions: [],
    capacity: { ...ZERO },
    allocatable: { ...ZERO },
    nodes: [],
    acceleratorTypes: [],
  }),

  status(input: ClusterStatusInput, field): ClusterStatus {
    if (!CLUSTER_PHASES.includes(input.phase)) throw new BadUserInputError(`${field}.phase`, `must be one of ${CLUSTER_PHASES.join(', ')}`);
    const status: ClusterStatus = {
      phase: input.phase,
      conditions: checkConditions(input.conditions, `${field}.conditions`),
      capacity: checkResources(input.capacity, `${field}.capacity`, MAX_CLUSTER_RESOURCES),
      allocatable: checkResources(input.allocatable, `${field}.allocatable`, MAX_CLUSTER_RESOURCES),
      nodes: (input.nodes ?? []).map((node, i): NodeStatus => {
        const path = `${field}.nodes[${i}]`;
        if (node.name === '') throw new BadUserInputError(`${path}.name`, 'must not be empty');
        return {
          name: node.name,
          capacity: checkResources(node.capacity, `${path}.capacity`),
          allocatable: checkResources(node.allocatable, `${path}.allocatable`),
          ready: node.ready,
        };
      }),
      acceleratorTypes: (input.acceleratorTypes ?? []).map((name, i) => checkAccelerator(name, `${field}.acceleratorTypes[${i}]`)),
    };
    if (input.message != null) status.message = input.message;
    if (input.skyletEndpoint != null) {
      // Checked here and again before every fetch (src/resolvers/skylet-logs.ts): the API server
      // fetches this URL, so it must not point anywhere but at an http(s) server.
      const problem = skyletEndpointProblem(input.skyletEndpoint);
      if (problem) throw new BadUserInputError(`${field}.skyletEndpoint`, problem);
      status.skyletEndpoint = input.skyletEndpoint;
    }
    return status;
  },
});

export const clusterResolvers = resourceResolvers(clusterKind);
