/**
 * Member objects and pods sorted by the Sky workload they belong to (their labels, labels.ts),
 * and the reports of the workloads asked about. Pure, so it is tested without a cluster.
 */
import type { V1Deployment, V1Job, V1Pod } from '@kubernetes/client-node';
import { describeRef, type WorkloadRef } from '../../domain/object-ref.js';
import type { WorkloadReport } from '../types.js';
import { memberName, refFromLabels } from './labels.js';
import type { MemberObject } from './member-objects.js';
import { deploymentReport, jobReport } from './workload-status.js';

/** The Sky workloads the objects stand for, each once, by describeKey. */
export function workloadRefs(objects: Iterable<MemberObject>): Map<string, WorkloadRef> {
  const refs = new Map<string, WorkloadRef>();
  for (const object of objects) {
    const ref = refFromLabels(object.metadata?.namespace, object.metadata?.labels);
    if (ref) refs.set(describeRef(ref), ref);
  }
  return refs;
}

/** Each workload's member object by describeKey: only the one named after it counts. */
export function objectsByWorkload(objects: Iterable<MemberObject>): Map<string, MemberObject> {
  const byKey = new Map<string, MemberObject>();
  for (const object of objects) {
    const ref = refFromLabels(object.metadata?.namespace, object.metadata?.labels);
    if (ref && object.metadata?.name === memberName(ref.name)) byKey.set(describeRef(ref), object);
  }
  return byKey;
}

/** Each workload's pods by describeKey; pods without Sky's labels are left out. */
export function podsByWorkload(pods: Iterable<V1Pod>): Map<string, V1Pod[]> {
  const byKey = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const ref = refFromLabels(pod.metadata?.namespace, pod.metadata?.labels);
    if (!ref) continue;
    const key = describeRef(ref);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(pod);
  }
  return byKey;
}

/** Reports of the workloads that have a member object, by describeKey. */
export function workloadReports(workloads: readonly WorkloadRef[], objects: Iterable<MemberObject>, pods: Iterable<V1Pod>): Map<string, WorkloadReport> {
  const reports = new Map<string, WorkloadReport>();
  const objectOf = objectsByWorkload(objects);
  const podsOf = podsByWorkload(pods);
  for (const ref of workloads) {
    const key = describeRef(ref);
    const object = objectOf.get(key);
    if (!object) continue;
    const own = podsOf.get(key) ?? [];
    reports.set(key, ref.kind === 'Job' ? jobReport(ref, object as V1Job, own) : deploymentReport(ref, object as V1Deployment, own));
  }
  return reports;
}
