/**
 * Cluster: a global object naming one member cluster and how to reach it. Its spec is declared
 * in src/domain/spec/cluster-spec.ts; this file checks status writes.
 */
import { BadUserInputError } from '../domain/errors.js';
import { skyletEndpointProblem } from '../domain/skylet-api.js';
import { CLUSTER_SPEC } from '../domain/spec/cluster-spec.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import { CLUSTER_PHASES, type ClusterPhase, type ClusterSpec, type ClusterStatus, type NodeStatus, type ResourceRelease } from '../domain/types.js';
import { MAX_CLUSTER_RELEASES, MAX_CLUSTER_RESOURCES } from '../domain/limits.js';
import { defineKind } from './kind-def.js';
import { resourceResolvers } from './objects.js';
import { checkAccelerator, checkConditions, checkCount, checkResources, type ConditionInput, type Maybe, type ResourcesInput } from './validation.js';

export type ClusterSpecInput = InputOf<typeof CLUSTER_SPEC>;

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
  releases?: Maybe<ResourceRelease[]>;
}

const ZERO = { cpu: 0, memory: 0, gpu: 0 };

export const clusterKind = defineKind({
  kind: 'Cluster',

  spec(input: Maybe<ClusterSpecInput>, field): ClusterSpec {
    if (!input) throw new BadUserInputError(field, 'is required');
    return parseInput(CLUSTER_SPEC, input, field);
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
    if (input.releases != null) status.releases = checkReleases(input.releases, `${field}.releases`);
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

/** Releases with real times and figures within a cluster's bounds. */
function checkReleases(releases: readonly ResourceRelease[], field: string): ResourceRelease[] {
  checkCount(releases, field, MAX_CLUSTER_RELEASES);
  return releases.map((r, i) => {
    const path = `${field}[${i}]`;
    if (Number.isNaN(Date.parse(r.at))) throw new BadUserInputError(`${path}.at`, `${JSON.stringify(r.at)} is not an RFC 3339 time`);
    const figures = checkResources({ cpu: r.cpu, memory: r.memory, gpu: r.gpu }, path, MAX_CLUSTER_RESOURCES);
    return { at: r.at, cpu: figures.cpu, memory: figures.memory, gpu: figures.gpu };
  });
}
