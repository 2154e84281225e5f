/**
 * The member objects for a Sky workload's replicas on one cluster: a Job's replicas become ONE
 * batch/v1 Job, a Deployment's ONE apps/v1 Deployment, in the member namespace of the same name.
 * Pure functions of the workload, so what Sky asks of a cluster is unit-tested without one.
 *
 * Jobs are Indexed (parallelism = completions = replicas): the Job controller gives each pod its
 * completion index, so each replica runs to success once, a scale-down removes the highest
 * indexes, and, since ElasticIndexedJob (GA in Kubernetes 1.31), parallelism and completions
 * can be changed together on a running Job. The shell computes the workload-wide
 * SKY_REPLICA_INDEX from that index and this cluster's first replica index.
 */
import type { V1Deployment, V1EnvVar, V1Job, V1NodeAffinity, V1PodTemplateSpec, V1ResourceRequirements } from '@kubernetes/client-node';
import type { RestartPolicy, Workload } from '../../domain/types.js';

import { ACCELERATOR_LABELS, GPU_RESOURCE } from './capacity.js';
import { KIND, MANAGED_BY, memberName, NAME, shortHash, TEMPLATE_HASH, UID, workloadLabels } from './labels.js';
import { cpuQuantity, memoryQuantity } from './quantity.js';
import { type WorkloadRef, refOf } from '../../domain/object-ref.js';

/** The one container of every Sky pod; logs are read from it. */
export const CONTAINER = 'sky';
/** Sky workloads without an image run their `run` in a small shell image. */
export const DEFAULT_IMAGE = 'busybox:1.36';
/** The Job controller's own number of retries, for restart policies that allow retries. */
export const RETRYING_BACKOFF_LIMIT = 6;

export interface ManifestOptions {
  /** The Sky cluster's name, given to the replicas as SKY_CLUSTER. */
  cluster: string;
  /** Workload-wide index of this cluster's first replica (SubmitOptions.firstReplicaIndex). */
  firstReplicaIndex?: number;
}

/** Set by the Job controller in every pod of an Indexed Job. */
const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

function resources(workload: Workload): V1ResourceRequirements | undefined {
  const { cpu, memory, gpu } = workload.spec.resources;
  const requests: Record<string, string> = {};
  if (cpu > 0) requests.cpu = cpuQuantity(cpu);
  if (memory > 0) requests.memory = memoryQuantity(memory);
  if (gpu > 0) requests[GPU_RESOURCE] = String(Math.ceil(gpu));
  if (Object.keys(requests).length === 0) return undefined;
  // Extended resources (GPUs) cannot be overcommitted: Kubernetes wants their limit equal to the request.
  return gpu > 0 ? { requests, limits: { [GPU_RESOURCE]: requests[GPU_RESOURCE] } } : { requests };
}

/** Pods that ask for an accelerator model go to nodes labelled with it, under any of the usual labels. */
function acceleratorAffinity(workload: Workload): V1NodeAffinity | undefined {
  const { accelerator } = workload.spec.resources;
  if (!accelerator) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      // Terms are ORed: one label that names the model is enough.
      nodeSelectorTerms: ACCELERATOR_LABELS.map((key) => ({ matchExpressions: [{ key, operator: 'In', values: [accelerator] }] })),
    },
  };
}

/** The keys Sky Manager writes itself: a workload's own labels and annotations never override them. */
const RESERVED = new Set([MANAGED_BY, UID, KIND, NAME, TEMPLATE_HASH]);

function own(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([key]) => !RESERVED.has(key)));
}

/**
 * The member object's and its pods' labels and annotations: the Sky workload's own (tools in the
 * member cluster, such as monitoring or a service mesh, go by them), then Sky's.
 */
function memberMetadata(workload: Workload, ref: WorkloadRef): { labels: Record<string, string>; annotations?: Record<string, string> } {
  const annotations = own(workload.metadata.annotations ?? {});
  return {
    labels: { ...own(workload.metadata.labels ?? {}), ...workloadLabels(ref, workload.metadata.uid) },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

function podTemplate(workload: Workload, ref: WorkloadRef, options: ManifestOptions, restartPolicy: string): V1PodTemplateSpec {
  const env: V1EnvVar[] = [
    ...workload.spec.envs.map(({ name, value }) => ({ name, value })),
    { name: 'SKY_JOB_NAME', value: ref.name },
    { name: 'SKY_NAMESPACE', value: ref.namespace },
    { name: 'SKY_CLUSTER', value: options.cluster },
  ];
  let command = workload.spec.run;
  if (workload.kind === 'Job') {
    // Only the shell can add the Job controller's per-pod index to a per-cluster offset.
    env.push({ name: 'SKY_FIRST_REPLICA_INDEX', value: String(options.firstReplicaIndex ?? 0) });
    command = `export SKY_REPLICA_INDEX=$((SKY_FIRST_REPLICA_INDEX + ${COMPLETION_INDEX_ENV}))\n${command}`;
  }
  // Deployment pods are interchangeable, as in Kubernetes: they get no SKY_REPLICA_INDEX.
  const affinity = acceleratorAffinity(workload);
  const requirements = resources(workload);
  return {
    metadata: memberMetadata(workload, ref),
    spec: {
      restartPolicy,
      containers: [
        {
          name: CONTAINER,
          image: workload.spec.image || DEFAULT_IMAGE,
          command: ['sh', '-c', command],
          env,
          ...(requirements ? { resources: requirements } : {}),
        },
      ],
      ...(affinity ? { affinity: { nodeAffinity: affinity } } : {}),
    },
  };
}

/**
 * Sky's restart policy as a Job's: NEVER fails the Job at the first failed pod (backoffLimit 0,
 * as Sky fails a NEVER Job at its first failed replica); ON_FAILURE restarts failed containers in
 * place up to the Job's backoff limit. A Job cannot restart what succeeded, so ALWAYS is treated
 * as ON_FAILURE; Deployments are what keeps replicas running.
 */
export function jobRestart(policy: RestartPolicy): { restartPolicy: string; backoffLimit: number } {
  return policy === 'NEVER' ? { restartPolicy: 'Never', backoffLimit: 0 } : { restartPolicy: 'OnFailure', backoffLimit: RETRYING_BACKOFF_LIMIT };
}

export function buildJob(workload: Workload, replicas: number, options: ManifestOptions): V1Job {
  const ref = refOf(workload);
  const { restartPolicy, backoffLimit } = jobRestart(workload.spec.restartPolicy);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: memberName(ref.name), namespace: ref.namespace, ...memberMetadata(workload, ref) },
    spec: {
      completionMode: 'Indexed',
      parallelism: replicas,
      completions: replicas,
      backoffLimit,
      template: podTemplate(workload, ref, options, restartPolicy),
    },
  };
}

/** A stable digest of a pod template: equal templates, equal hashes (the objects are built in a fixed key order). */
export function templateHash(template: V1PodTemplateSpec): string {
  return shortHash(JSON.stringify(template));
}

export function buildDeployment(workload: Workload, replicas: number, options: ManifestOptions): V1Deployment {
  const ref = refOf(workload);
  const template = podTemplate(workload, ref, options, 'Always');
  const { labels, annotations } = memberMetadata(workload, ref);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: memberName(ref.name), namespace: ref.namespace, labels, annotations: { ...annotations, [TEMPLATE_HASH]: templateHash(template) } },
    spec: {
      replicas,
      // Sky's labels only (the workload's own may change), uid included: a same-named
      // successor's pods are never adopted.
      selector: { matchLabels: workloadLabels(ref, workload.metadata.uid) },
      template,
    },
  };
}
