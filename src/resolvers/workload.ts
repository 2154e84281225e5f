/**
 * Job and Deployment share one spec and status shape; they differ only in the smallest replica
 * count (a Deployment may be scaled to zero, a Job must run something) and the default restart
 * policy (a Job's replicas finish, a Deployment's are kept alive).
 */
import { BadUserInputError } from '../domain/errors.js';
import {
  JOB_PHASES,
  PLACEMENT_STRATEGIES,
  RESTART_POLICIES,
  type ClusterReplicaStatus,
  type EnvVar,
  type JobPhase,
  type Placement,
  type PlacementStrategy,
  type RestartPolicy,
  type WorkloadSpec,
  type WorkloadStatus,
} from '../domain/types.js';
import {
  MAX_ENV_NAME_LENGTH,
  MAX_ENV_VALUE_BYTES,
  MAX_ENVS,
  MAX_IMAGE_LENGTH,
  MAX_PREFERENCES,
  MAX_REPLICAS,
  MAX_RUN_BYTES,
  MAX_WAIT_TIMEOUT_SECONDS,
} from '../domain/limits.js';
import { defineKind } from './kind-def.js';
import { checkEviction, checkReplicaEntry, workloadStatusResolvers, type ClusterReplicaStatusInput, type EvictionInput } from './workload-status.js';
import { resourceResolvers } from './objects.js';
import {
  checkConditions,
  checkCount,
  checkName,
  checkNumber,
  checkOptionalNumber,
  checkResources,
  checkSelector,
  checkText,
  checkTimestamp,
  quote,
  type ConditionInput,
  type Maybe,
  type ResourcesInput,
} from './validation.js';

export interface WorkloadSpecInput {
  image?: Maybe<string>;
  run?: Maybe<string>;
  envs?: Maybe<EnvVar[]>;
  resources?: Maybe<ResourcesInput>;
  replicas?: Maybe<number>;
  restartPolicy?: Maybe<RestartPolicy>;
  placement?: Maybe<PlacementInput>;
  waitTimeout?: Maybe<number>;
}

export interface PlacementInput {
  clusterSelector?: Maybe<string>;
  preferences?: Maybe<{ selector: string; weight?: Maybe<number> }[]>;
  strategy?: Maybe<PlacementStrategy>;
}

export interface WorkloadStatusInput {
  phase: JobPhase;
  conditions?: Maybe<ConditionInput[]>;
  placements?: Maybe<{ cluster: string; replicas: number }[]>;
  replicaStatus?: Maybe<ClusterReplicaStatusInput[]>;
  evictions?: Maybe<EvictionInput[]>;
  observedGeneration?: Maybe<number>;
  startTime?: Maybe<string>;
  completionTime?: Maybe<string>;
  readyReplicas?: Maybe<number>;
}

const COUNT = { integer: true } as const;

function checkEnvs(envs: Maybe<EnvVar[]>, field: string): EnvVar[] {
  return checkCount(envs ?? [], field, MAX_ENVS).map((env, i) => {
    const name = checkText(env.name, `${field}[${i}].name`, { maxLength: MAX_ENV_NAME_LENGTH });
    if (name === '' || name.includes('=')) {
      throw new BadUserInputError(`${field}[${i}].name`, `${quote(name)} is not a valid environment variable name`);
    }
    return { name, value: checkText(env.value, `${field}[${i}].value`, { maxBytes: MAX_ENV_VALUE_BYTES }) };
  });
}

function checkPlacement(input: Maybe<PlacementInput>, field: string): Placement {
  const strategy = input?.strategy ?? 'SPREAD';
  if (!PLACEMENT_STRATEGIES.includes(strategy)) {
    throw new BadUserInputError(`${field}.strategy`, `must be one of ${PLACEMENT_STRATEGIES.join(', ')}`);
  }
  const placement: Placement = {
    preferences: checkCount(input?.preferences ?? [], `${field}.preferences`, MAX_PREFERENCES).map((p, i) => ({
      selector: checkSelector(p.selector, `${field}.preferences[${i}].selector`) ?? '',
      // Kubernetes' preferred-affinity range.
      weight: checkNumber(p.weight ?? 1, `${field}.preferences[${i}].weight`, { integer: true, min: 1, max: 100 }),
    })),
    strategy,
  };
  const clusterSelector = checkSelector(input?.clusterSelector, `${field}.clusterSelector`);
  if (clusterSelector !== undefined) placement.clusterSelector = clusterSelector;
  return placement;
}

function workloadKind<K extends 'Job' | 'Deployment'>(kind: K, minReplicas: number, defaultRestartPolicy: RestartPolicy) {
  return defineKind({
    kind,

    spec(input: Maybe<WorkloadSpecInput>, field): WorkloadSpec {
      const restartPolicy = input?.restartPolicy ?? defaultRestartPolicy;
      if (!RESTART_POLICIES.includes(restartPolicy)) {
        throw new BadUserInputError(`${field}.restartPolicy`, `must be one of ${RESTART_POLICIES.join(', ')}`);
      }
      const spec: WorkloadSpec = {
        image: checkText(input?.image ?? '', `${field}.image`, { maxLength: MAX_IMAGE_LENGTH }),
        run: checkText(input?.run ?? '', `${field}.run`, { maxBytes: MAX_RUN_BYTES }),
        envs: checkEnvs(input?.envs, `${field}.envs`),
        resources: checkResources(input?.resources, `${field}.resources`),
        replicas: checkNumber(input?.replicas ?? 1, `${field}.replicas`, { integer: true, min: minReplicas, max: MAX_REPLICAS }),
        restartPolicy,
        placement: checkPlacement(input?.placement, `${field}.placement`),
      };
      const waitTimeout = checkOptionalNumber(input?.waitTimeout, `${field}.waitTimeout`, { integer: true, min: 1, max: MAX_WAIT_TIMEOUT_SECONDS });
      if (waitTimeout !== undefined) spec.waitTimeout = waitTimeout;
      return spec;
    },

    initialStatus: (): WorkloadStatus => ({ phase: 'PENDING', conditions: [], placements: [], replicaStatus: [] }),

    status(input: WorkloadStatusInput, field): WorkloadStatus {
      if (!JOB_PHASES.includes(input.phase)) throw new BadUserInputError(`${field}.phase`, `must be one of ${JOB_PHASES.join(', ')}`);
      const status: WorkloadStatus = {
        phase: input.phase,
        conditions: checkConditions(input.conditions, `${field}.conditions`),
        placements: (input.placements ?? []).map((p, i) => ({
          cluster: checkName(p.cluster, `${field}.placements[${i}].cluster`),
          replicas: checkNumber(p.replicas, `${field}.placements[${i}].replicas`, COUNT),
        })),
        replicaStatus: (input.replicaStatus ?? []).map((r, i) => checkReplicaEntry(r, `${field}.replicaStatus[${i}]`)),
      };
      if (input.evictions != null) status.evictions = input.evictions.map((e, i) => checkEviction(e, `${field}.evictions[${i}]`));
      const observedGeneration = checkOptionalNumber(input.observedGeneration, `${field}.observedGeneration`, COUNT);
      if (observedGeneration !== undefined) status.observedGeneration = observedGeneration;
      const readyReplicas = checkOptionalNumber(input.readyReplicas, `${field}.readyReplicas`, COUNT);
      if (readyReplicas !== undefined) status.readyReplicas = readyReplicas;
      if (input.startTime != null) status.startTime = checkTimestamp(input.startTime, `${field}.startTime`);
      if (input.completionTime != null) status.completionTime = checkTimestamp(input.completionTime, `${field}.completionTime`);
      return status;
    },
  });
}

export const jobKind = workloadKind('Job', 1, 'NEVER');
export const deploymentKind = workloadKind('Deployment', 0, 'ALWAYS');

export const jobResolvers = resourceResolvers(jobKind);
export const deploymentResolvers = resourceResolvers(deploymentKind);

export const jobStatusResolvers = workloadStatusResolvers('Job');
export const deploymentStatusResolvers = workloadStatusResolvers('Deployment');
