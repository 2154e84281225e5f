/**
 * Job and Deployment share one spec and status shape. The spec, and where the two kinds differ
 * in it, is declared in src/domain/spec/workload-spec.ts; this file checks status writes.
 */
import { BadUserInputError } from '../domain/errors.js';
import { parseInput, type InputOf } from '../domain/spec/parse.js';
import type { WorkloadKind } from '../domain/object-ref.js';
import { WORKLOAD_SPECS } from '../domain/spec/workload-spec.js';
import { MAX_KEPT_PREEMPTIONS } from '../domain/workload-status.js';
import { JOB_PHASES, type JobPhase, type WorkloadSpec, type WorkloadStatus } from '../domain/types.js';
import { defineKind } from './kind-def.js';
import {
  checkAdmission,
  checkEviction,
  checkPreemption,
  checkQueueStatus,
  checkReplicaEntry,
  workloadStatusResolvers,
  type AdmissionInput,
  type ClusterReplicaStatusInput,
  type EvictionInput,
  type PreemptionInput,
  type WorkloadQueueStatusInput,
} from './workload-status.js';
import { resourceResolvers } from './objects.js';
import { checkConditions, checkCount, checkName, checkNumber, checkOptionalNumber, checkTimestamp, type ConditionInput, type Maybe } from './validation.js';

/** What a client sends as a Job's or Deployment's spec (the same for both). */
export type WorkloadSpecInput = InputOf<(typeof WORKLOAD_SPECS)['Job']>;

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
  admission?: Maybe<AdmissionInput>;
  queue?: Maybe<WorkloadQueueStatusInput>;
  preemptions?: Maybe<PreemptionInput[]>;
}

const COUNT = { integer: true } as const;

function workloadKind<K extends WorkloadKind>(kind: K) {
  return defineKind({
    kind,

    spec: (input: Maybe<WorkloadSpecInput>, field): WorkloadSpec => parseInput(WORKLOAD_SPECS[kind], input ?? {}, field),

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
      if (input.admission != null) status.admission = checkAdmission(input.admission, `${field}.admission`);
      if (input.queue != null) status.queue = checkQueueStatus(input.queue, `${field}.queue`);
      if (input.preemptions != null && input.preemptions.length > 0) {
        status.preemptions = checkCount(input.preemptions, `${field}.preemptions`, MAX_KEPT_PREEMPTIONS).map((p, i) => checkPreemption(p, `${field}.preemptions[${i}]`));
      }
      return status;
    },
  });
}

export const jobKind = workloadKind('Job');
export const deploymentKind = workloadKind('Deployment');

export const jobResolvers = resourceResolvers(jobKind);
export const deploymentResolvers = resourceResolvers(deploymentKind);

export const jobStatusResolvers = workloadStatusResolvers('Job');
export const deploymentStatusResolvers = workloadStatusResolvers('Deployment');
