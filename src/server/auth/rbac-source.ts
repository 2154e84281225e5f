/**
 * RbacSource: the API server's live view of Roles, ClusterRoles and their bindings, for
 * authorization. It lists the four kinds and follows them through the store's watch (every
 * server of an etcd installation sees every change); the authorizer is rebuilt on the first
 * check after a change, so a burst of edits costs one rebuild. A watch that ends (compaction,
 * a lost etcd connection) lists again after a short pause; meanwhile checks use what it had.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RbacAuthorizer } from '../../domain/rbac/authorizer.js';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, SkyObject } from '../../domain/types.js';
import { refKey, refOf } from '../../domain/object-ref.js';
import type { Store } from '../../storage/store.js';
import type { Logger } from '../logger.js';

const KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const;
type RbacKind = (typeof KINDS)[number];
const RETRY_MS = 1_000;

export class RbacSource {
  private readonly objects = new Map<RbacKind, Map<string, SkyObject>>(KINDS.map((kind) => [kind, new Map()]));
  private authorizer?: RbacAuthorizer;
  private readonly stopper = new AbortController();
  private following: Promise<void>[] = [];

  private constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** Resolves once every kind has been listed: checks never run against an empty view. */
  static async start(store: Store, logger: Logger): Promise<RbacSource> {
    const source = new RbacSource(store, logger.child({ component: 'rbac' }));
    const versions = await Promise.all(KINDS.map((kind) => source.relist(kind)));
    source.following = KINDS.map((kind, i) => source.follow(kind, versions[i]));
    return source;
  }

  /** The authorizer for what is stored now (as far as the watch has delivered). */
  current(): RbacAuthorizer {
    this.authorizer ??= new RbacAuthorizer({
      roles: this.values<Role>('Role'),
      clusterRoles: this.values<ClusterRole>('ClusterRole'),
      roleBindings: this.values<RoleBinding>('RoleBinding'),
      clusterRoleBindings: this.values<ClusterRoleBinding>('ClusterRoleBinding'),
    });
    return this.authorizer;
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.following);
  }

  private values<T>(kind: RbacKind): T[] {
    return [...this.objects.get(kind)!.values()] as T[];
  }

  private async relist(kind: RbacKind): Promise<string> {
    const { items, resourceVersion } = await this.store.list({ kind });
    this.objects.set(kind, new Map(items.map((o) => [refKey(refOf(o)), o])));
    this.authorizer = undefined;
    return resourceVersion;
  }

  private async follow(kind: RbacKind, fromResourceVersion: string): Promise<void> {
    const signal = this.stopper.signal;
    let since = fromResourceVersion;
    while (!signal.aborted) {
      try {
        for await (const event of this.store.watch({ kind, fromResourceVersion: since, signal })) {
          const byKey = this.objects.get(kind)!;
          if (event.type === 'DELETED') byKey.delete(refKey(refOf(event.object)));
          else byKey.set(refKey(refOf(event.object)), event.object);
          since = event.resourceVersion;
          this.authorizer = undefined;
        }
      } catch (error) {
        if (signal.aborted) return;
        this.logger.warn({ err: error, kind }, 'the watch of access objects ended; listing again');
      }
      if (signal.aborted) return;
      await sleep(RETRY_MS, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      since = await this.relist(kind).catch((error: unknown) => {
        this.logger.warn({ err: error, kind }, 'could not list access objects');
        return since;
      });
    }
  }
}
