/**
 * Watch-based caches of one member cluster, so that status() (every second) and capacity() (every
 * probe) read memory instead of listing every Sky Job, Deployment and Pod, and every Node and
 * unfinished Pod, on each call; those lists grow with every Job ever run on the cluster.
 *
 * Five informers: the Sky-labelled Jobs, Deployments and Pods (status), and all Nodes plus all
 * unfinished Pods (capacity; a pod that finishes leaves the field-selected watch as a DELETED
 * event). Each group starts on first use, so a manager that is only created costs nothing.
 *
 * `read` serves an informer's contents while it is fresh; before its first list, or once its
 * watch has been down longer than the staleness bound, it makes the live request instead, which
 * fails as it always did when the API server is gone: that is what turns the cluster ERROR.
 */
import type { KubeConfig, V1Deployment, V1Job, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Clients } from './clients.js';
import { Informer, type InformerOptions, type KubeObject, type ListResult } from './informer.js';
import { MANAGED_SELECTOR } from './labels.js';
import { listWatchSource } from './source.js';

export const PENDING_OR_RUNNING = 'status.phase!=Succeeded,status.phase!=Failed';

export interface MemberCachesOptions {
  /** Bounds opening a watch, like any other request. */
  requestTimeoutMs: number;
  informer?: InformerOptions;
}

/** The informer's contents when fresh, else the live list; starts the informer for next time. */
export async function readThrough<T extends KubeObject>(informer: Informer<T>, live: () => Promise<{ items: T[] }>): Promise<T[]> {
  informer.start();
  if (informer.fresh()) return informer.list();
  return (await live()).items;
}

export class MemberCaches {
  /** Told of every change to the Sky Jobs, Deployments and Pods (what status() reads). */
  private readonly statusListeners = new Set<() => void>();
  readonly jobs: Informer<V1Job>;
  readonly deployments: Informer<V1Deployment>;
  readonly skyPods: Informer<V1Pod>;
  readonly nodes: Informer<V1Node>;
  readonly activePods: Informer<V1Pod>;

  constructor(kubeConfig: KubeConfig, clients: Clients, options: MemberCachesOptions) {
    const { batch, apps, core } = clients;
    type Selectors = { labelSelector?: string; fieldSelector?: string };
    const make = <T extends KubeObject>(path: string, list: () => Promise<ListResult<T>>, selectors: Selectors, informer = options.informer) =>
      new Informer<T>(listWatchSource<T>(kubeConfig, { path, list, connectTimeoutMs: options.requestTimeoutMs, ...selectors }), informer);
    const sky = { labelSelector: MANAGED_SELECTOR };
    const active = { fieldSelector: PENDING_OR_RUNNING };
    const statusInformer = { ...options.informer, onChange: () => this.statusChanged() };
    this.jobs = make('/apis/batch/v1/jobs', () => batch.listJobForAllNamespaces(sky), sky, statusInformer);
    this.deployments = make('/apis/apps/v1/deployments', () => apps.listDeploymentForAllNamespaces(sky), sky, statusInformer);
    this.skyPods = make('/api/v1/pods', () => core.listPodForAllNamespaces(sky), sky, statusInformer);
    this.nodes = make('/api/v1/nodes', () => core.listNode(), {});
    this.activePods = make('/api/v1/pods', () => core.listPodForAllNamespaces(active), active);
  }

  /**
   * `listener` is called after every change to the Sky Jobs, Deployments or Pods; returns the
   * unsubscribe. Starts those informers: a change must be seen even before the first status().
   */
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    for (const informer of [this.jobs, this.deployments, this.skyPods]) informer.start();
    return () => this.statusListeners.delete(listener);
  }

  private statusChanged(): void {
    for (const listener of this.statusListeners) listener();
  }

  read<T extends KubeObject>(informer: Informer<T>, live: () => Promise<{ items: T[] }>): Promise<T[]> {
    return readThrough(informer, live);
  }

  close(): void {
    this.statusListeners.clear();
    for (const informer of [this.jobs, this.deployments, this.skyPods, this.nodes, this.activePods]) informer.stop();
  }
}
