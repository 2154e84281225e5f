/**
 * The lists the manager reads: from the watch caches while they are usable (member-caches.ts),
 * else live, with failures that name the cluster (that is what turns a cluster ERROR).
 */
import type { V1Deployment, V1Job, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Clients } from './clients.js';
import { describedCall } from './errors.js';
import { MANAGED_SELECTOR } from './labels.js';
import { PENDING_OR_RUNNING, type MemberCaches } from './member-caches.js';

export class MemberReads {
  constructor(
    private readonly cluster: string,
    private readonly clients: Clients,
    private readonly caches: MemberCaches,
  ) {}

  nodes(): Promise<V1Node[]> {
    return this.caches.read(this.caches.nodes, () => this.liveNodes());
  }

  /** Pods that have not finished, Sky's or not: finished pods hold nothing. */
  activePods(): Promise<V1Pod[]> {
    // The API server filters finished pods out.
    return this.caches.read(this.caches.activePods, () => this.call('list Pods', () => this.clients.core.listPodForAllNamespaces({ fieldSelector: PENDING_OR_RUNNING })));
  }

  jobs(): Promise<V1Job[]> {
    return this.caches.read(this.caches.jobs, () => this.liveJobs());
  }

  deployments(): Promise<V1Deployment[]> {
    return this.caches.read(this.caches.deployments, () => this.liveDeployments());
  }

  skyPods(): Promise<V1Pod[]> {
    return this.caches.read(this.caches.skyPods, () => this.call('list Pods', () => this.clients.core.listPodForAllNamespaces({ labelSelector: MANAGED_SELECTOR })));
  }

  /** Sky's Jobs, listed now (not from the cache). */
  liveJobs(): Promise<{ items: V1Job[] }> {
    return this.call('list Jobs', () => this.clients.batch.listJobForAllNamespaces({ labelSelector: MANAGED_SELECTOR }));
  }

  /** Sky's Deployments, listed now (not from the cache). */
  liveDeployments(): Promise<{ items: V1Deployment[] }> {
    return this.call('list Deployments', () => this.clients.apps.listDeploymentForAllNamespaces({ labelSelector: MANAGED_SELECTOR }));
  }

  private liveNodes(): Promise<{ items: V1Node[] }> {
    return this.call('list Nodes', () => this.clients.core.listNode());
  }

  private call<T>(action: string, request: () => Promise<T>): Promise<T> {
    return describedCall(this.cluster, action, request);
  }
}
