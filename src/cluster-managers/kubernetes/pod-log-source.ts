/**
 * Where a workload's logs come from on a member cluster (the PodLogSource that logs.ts merges):
 * its pods in replica order, the pod log API to read and follow them, and when it is done.
 */
import type { CoreV1Api, KubeConfig, V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import type { WorkloadRef } from '../../domain/object-ref.js';
import { describedCall, describeFailure, httpCode, isNotFound } from './errors.js';
import { memberName, workloadSelector } from './labels.js';
import { followPodLog } from './log-stream.js';
import type { LogTarget, PodLogSource } from './logs.js';
import { CONTAINER } from './manifests.js';
import { isManaged, readIfPresent, type KindClient } from './member-objects.js';
import { deploymentPods, jobPodsByIndex } from './workload-status.js';

export interface PodLogSourceOptions {
  cluster: string;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  /** The calls of the workload's kind. */
  client: KindClient;
}

function containerStarted(pod: V1Pod): boolean {
  const status = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER);
  return !!(status?.state?.running || status?.state?.terminated);
}

export function logTarget(replica: number, pod: V1Pod): LogTarget {
  const name = pod.metadata?.name ?? '';
  const restarts = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER)?.restartCount ?? 0;
  return { replica, pod: name, key: `${name}/${restarts}`, started: containerStarted(pod) };
}

const isFinishedJob = (job: V1Job) => !!job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export function podLogSource(ref: WorkloadRef, { cluster, kubeConfig, core, client }: PodLogSourceOptions): PodLogSource {
  const name = memberName(ref.name);
  const { namespace } = ref;
  return {
    targets: async () => {
      const object = await readIfPresent(cluster, client, namespace, name);
      if (!object || !isManaged(object)) return [];
      const pods = (await describedCall(cluster, `list Pods of ${name}`, () => core.listNamespacedPod({ namespace, labelSelector: workloadSelector(ref) }))).items;
      if (ref.kind === 'Job') return [...jobPodsByIndex(object as V1Job, pods)].sort(([a], [b]) => a - b).map(([index, pod]) => logTarget(index, pod));
      return deploymentPods(object as V1Deployment, pods).map((pod, index) => logTarget(index, pod));
    },
    done: async () => {
      const object = await readIfPresent(cluster, client, namespace, name);
      if (!object) return true;
      return ref.kind === 'Job' && isFinishedJob(object as V1Job);
    },
    read: async (pod, tail) => {
      try {
        return await core.readNamespacedPodLog({ namespace, name: pod, container: CONTAINER, tailLines: tail });
      } catch (error) {
        // Gone, or not started after all, since the pods were listed: nothing to read.
        if (httpCode(error) === 400 || isNotFound(error)) return '';
        throw describeFailure(cluster, `read the log of Pod ${namespace}/${pod}`, error);
      }
    },
    follow: (pod, tail, onLine, signal) =>
      followPodLog(kubeConfig, { namespace, pod, container: CONTAINER, tail }, onLine, signal).catch((error: unknown) => {
        throw describeFailure(cluster, `follow the log of Pod ${namespace}/${pod}`, error);
      }),
    // 400: the container has not started (yet, or again); 404: the pod went away.
    isTransient: (error) => httpCode(error) === 400 || isNotFound(error),
  };
}
