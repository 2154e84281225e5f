/**
 * Replica states from a member Job or Deployment and its Pods, in the words of a WorkloadReport.
 * Pure functions over the API objects: the manager lists objects and pods once per call and hands
 * each workload its share.
 *
 * A Job's replica i is its completion index i. The Job's own status is the truth for what
 * completed (completedIndexes survive the pods' deletion); the newest pod of an index says what
 * it does now. A Deployment's pods are interchangeable, so its replicas are its live pods in
 * creation order, padded with PENDING ones while the ReplicaSet has not created them all.
 */
import type { V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import { summarizeReplicas } from '../replica-report.js';
import type { ReplicaReport, WorkloadReport } from '../types.js';
import { isFinishedPod } from './capacity.js';
import { UID } from './labels.js';
import { CONTAINER } from './manifests.js';
import type { WorkloadRef } from '../../domain/object-ref.js';

/** Set by the Job controller on every pod of an Indexed Job. */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

type Time = Date | string | undefined;

/** RFC 3339 from what the client gives (Dates once deserialized, strings in raw JSON). */
function iso(time: Time): string | undefined {
  if (time === undefined) return undefined;
  return time instanceof Date ? time.toISOString() : new Date(time).toISOString();
}

const millis = (time: Time) => (time === undefined ? 0 : new Date(time).getTime());

/** "0-2,4,7-8" (a Job's completedIndexes) as the set {0, 1, 2, 4, 7, 8}. */
export function parseIndexes(ranges: string | undefined): Set<number> {
  const indexes = new Set<number>();
  for (const part of (ranges ?? '').split(',')) {
    if (!part.trim()) continue;
    const [from, to = from] = part.split('-').map((n) => Number(n.trim()));
    for (let i = from; i <= to; i++) indexes.add(i);
  }
  return indexes;
}

/** The pods that belong to this very object: same-named leftovers of a deleted Sky workload carry another uid. */
export function podsOfObject(object: V1Job | V1Deployment, pods: readonly V1Pod[]): V1Pod[] {
  const uid = object.metadata?.labels?.[UID];
  return pods.filter((pod) => pod.metadata?.labels?.[UID] === uid);
}

/**
 * The pods of this member Job: a Job's pods name it as their controller, so the pods of an
 * earlier member Job of the same Sky workload (deleted when the workload was preempted or moved,
 * its pods still going away in the background) are not taken for the new Job's replicas, nor
 * their exit codes. A pod that names no controller is not refused.
 */
export function podsOfJob(job: V1Job, pods: readonly V1Pod[]): V1Pod[] {
  const uid = job.metadata?.uid;
  return podsOfObject(job, pods).filter((pod) => {
    const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
    return uid === undefined || controller === undefined || controller.uid === uid;
  });
}

type Observed = Omit<ReplicaReport, 'index'>;

function mainContainer(pod: V1Pod) {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find((c) => c.name === CONTAINER) ?? statuses[0];
}

function exitMessage(exitCode: number | undefined, reason: string | undefined): string {
  const ended = exitCode === undefined ? 'ended' : `exited with code ${exitCode}`;
  return reason && reason !== 'Error' && reason !== 'Completed' ? `${ended} (${reason})` : ended;
}

/** Why a pod has not started its container: unschedulable, pulling its image, crash-looping, ... */
function pendingMessage(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason) {
    return scheduled.message ? `${scheduled.reason}: ${scheduled.message}` : scheduled.reason;
  }
  const container = mainContainer(pod);
  const waiting = container?.state?.waiting;
  if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') {
    const last = container?.lastState?.terminated;
    const detail = waiting.message ?? (last ? exitMessage(last.exitCode, last.reason) : undefined);
    return detail ? `${waiting.reason}: ${detail}` : waiting.reason;
  }
  const terminated = container?.state?.terminated;
  if (terminated) return `${exitMessage(terminated.exitCode, terminated.reason)}; restarting`;
  return undefined;
}

/** What one pod says about its replica. */
export function observePod(pod: V1Pod): Observed {
  const container = mainContainer(pod);
  const restarts = container?.restartCount ?? 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    const terminated = container?.state?.terminated ?? container?.lastState?.terminated;
    const failed = phase === 'Failed';
    const podReason = pod.status?.reason ? `${pod.status.reason}${pod.status.message ? `: ${pod.status.message}` : ''}` : undefined;
    return {
      state: failed ? 'FAILED' : 'SUCCEEDED',
      exitCode: terminated?.exitCode,
      restarts,
      startTime: iso(terminated?.startedAt ?? pod.status?.startTime),
      finishTime: iso(terminated?.finishedAt),
      message: failed ? (terminated ? exitMessage(terminated.exitCode, terminated.reason) : podReason) : undefined,
    };
  }
  const running = container?.state?.running;
  if (running) return { state: 'RUNNING', restarts, startTime: iso(running.startedAt ?? pod.status?.startTime) };
  // Not started (yet, or again): no startTime, so a wait timeout can be measured from the pod's age.
  return { state: 'PENDING', restarts, message: pendingMessage(pod) };
}

function summarize(ref: WorkloadRef, externalId: string, replicas: ReplicaReport[], extraMessage?: string): WorkloadReport {
  return summarizeReplicas(ref, replicas, { externalId, message: extraMessage });
}

/** The pod that speaks for each completion index: a succeeded one, else the newest live one. */
export function jobPodsByIndex(job: V1Job, pods: readonly V1Pod[]): Map<number, V1Pod> {
  const completions = job.spec?.completions ?? job.spec?.parallelism ?? 1;
  const byIndex = new Map<number, V1Pod>();
  const rank = (pod: V1Pod) => [pod.status?.phase === 'Succeeded' ? 1 : 0, pod.metadata?.deletionTimestamp ? 0 : 1, millis(pod.metadata?.creationTimestamp)];
  const better = (a: V1Pod, b: V1Pod) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] > rb[i];
    return false;
  };
  for (const pod of podsOfJob(job, pods)) {
    const raw = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
    const index = Number(raw);
    if (raw === undefined || !Number.isInteger(index) || index < 0 || index >= completions) continue;
    const current = byIndex.get(index);
    if (!current || better(pod, current)) byIndex.set(index, pod);
  }
  return byIndex;
}

function jobFailure(job: V1Job): string | undefined {
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (!failed) return undefined;
  return `Job failed${failed.reason ? ` (${failed.reason})` : ''}${failed.message ? `: ${failed.message}` : ''}`;
}

export function jobReport(ref: WorkloadRef, job: V1Job, pods: readonly V1Pod[]): WorkloadReport {
  const completions = job.spec?.completions ?? job.spec?.parallelism ?? 1;
  const completed = parseIndexes(job.status?.completedIndexes);
  const failedIndexes = parseIndexes(job.status?.failedIndexes);
  const failure = jobFailure(job);
  const byIndex = jobPodsByIndex(job, pods);
  const replicas: ReplicaReport[] = [];
  for (let index = 0; index < completions; index++) {
    const pod = byIndex.get(index);
    let observed: Observed;
    if (completed.has(index)) {
      // Completed indexes are final, whether or not their pod is still there to say so.
      observed = pod?.status?.phase === 'Succeeded' ? observePod(pod) : { state: 'SUCCEEDED', exitCode: 0, restarts: 0 };
    } else if (pod && (!failure || isFinishedPod(pod))) {
      observed = observePod(pod);
    } else if (failure || failedIndexes.has(index)) {
      // The Job gave up: its controller deletes the pods it still had, which will not finish.
      observed = { state: 'FAILED', restarts: pod ? observePod(pod).restarts : 0, message: failure };
    } else {
      observed = { state: 'PENDING', restarts: 0 };
    }
    replicas.push({ index, ...observed });
  }
  // A Job whose status counts more successes than indexes (not Indexed, made by hand): the count wins.
  let extra = (job.status?.succeeded ?? 0) - replicas.filter((r) => r.state === 'SUCCEEDED').length;
  for (const replica of replicas) {
    if (extra <= 0) break;
    if (replica.state === 'PENDING' && !byIndex.has(replica.index)) {
      Object.assign(replica, { state: 'SUCCEEDED', exitCode: 0 });
      extra--;
    }
  }
  return summarize(ref, job.metadata?.name ?? ref.name, replicas, failure);
}

/** A Deployment's live pods in creation order: replica i is the i-th of them. */
export function deploymentPods(deployment: V1Deployment, pods: readonly V1Pod[]): V1Pod[] {
  const desired = deployment.spec?.replicas ?? 1;
  return podsOfObject(deployment, pods)
    .filter((pod) => !pod.metadata?.deletionTimestamp && !isFinishedPod(pod))
    .sort((a, b) => {
      const byAge = millis(a.metadata?.creationTimestamp) - millis(b.metadata?.creationTimestamp);
      return byAge !== 0 ? byAge : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
    })
    .slice(0, desired);
}

export function deploymentReport(ref: WorkloadRef, deployment: V1Deployment, pods: readonly V1Pod[]): WorkloadReport {
  const desired = deployment.spec?.replicas ?? 1;
  const live = deploymentPods(deployment, pods);
  const replicas: ReplicaReport[] = [];
  for (let index = 0; index < desired; index++) {
    const pod = live[index];
    replicas.push({ index, ...(pod ? observePod(pod) : { state: 'PENDING', restarts: 0 }) });
  }
  return summarize(ref, deployment.metadata?.name ?? ref.name, replicas);
}
