/**
 * What the scheduler controller does with a workload it may place, without the API: place() it
 * against the reported clusters minus what is placed and not reported yet (Reservations), hold
 * that, and tell the member clusters to start the replicas. The clusters report at the end of a
 * tick (`report`), and the holds they now account for are released, as the controller does when
 * a cluster's status shows the replicas.
 */
import { refKey, refOf } from '../../src/domain/object-ref.js';
import type { ClusterPlacement, Cluster, Workload } from '../../src/domain/types.js';
import { place } from '../../src/scheduler/place.js';
import { Reservations } from '../../src/scheduler/reservations.js';
import type { Federation } from './federation.js';

export class SchedulerModel {
  private readonly reservations = new Reservations();
  /** Workloads placed since the last report, with the clusters they hold capacity on. */
  private readonly unreported = new Map<string, string[]>();
  /** Wall milliseconds of the last place()+hold (not the member clusters' start). */
  lastMs = 0;
  /** Wall milliseconds the last report's releases took. */
  lastReportMs = 0;

  constructor(private readonly federation: Federation) {}

  /** The clusters the scheduler places against: reported, minus what is in flight. */
  view(): Cluster[] {
    return this.reservations.apply(this.federation.clusters());
  }

  /** The placements (the replicas start on them), or undefined when not all fit (a gang Job). */
  place(workload: Workload, now: number): ClusterPlacement[] | undefined {
    const started = performance.now();
    const key = refKey(refOf(workload));
    const result = place({ workload, clusters: this.view(), filterPolicies: [], replicas: workload.spec.replicas, now });
    const placed = result.unplaced === 0 && result.placements.length > 0;
    if (placed) this.reservations.hold(key, workload.spec.resources, result.placements);
    this.lastMs = performance.now() - started;
    if (!placed) return undefined;
    this.federation.start(key, workload.spec.resources, result.placements);
    this.unreported.set(key, result.placements.map((p) => p.cluster));
    return result.placements;
  }

  /** The workload is gone from its clusters (finished or preempted). */
  forget(key: string): void {
    this.reservations.forget(key);
    this.unreported.delete(key);
  }

  /** The clusters report: what they run is in their figures, so its holds go. */
  report(): boolean {
    const changed = this.federation.publish();
    const started = performance.now();
    for (const [key, clusters] of this.unreported) for (const c of clusters) this.reservations.release(key, c);
    this.unreported.clear();
    this.lastReportMs = performance.now() - started;
    return changed;
  }
}
