/**
 * Label-selector semantics for watches, as in Kubernetes: a watcher sees an object while it
 * matches. When a change makes it stop matching, the watcher gets DELETED (carrying the new
 * state); when a change makes it start matching, ADDED.
 *
 * Deciding that needs the object's previous state, which store events do not carry. So each
 * watch remembers, per key, whether the object last matched ('in') or not ('out'). The snapshot
 * of a watch without resourceVersion seeds this exactly. A watch resumed from a resourceVersion
 * starts knowing nothing; for an object it has not seen yet, a non-matching MODIFIED is sent as
 * DELETED because the client may hold it from before the resume point. The cost is at most one
 * redundant DELETED per such object per resumed watch, which clients treat as "already gone";
 * the gain is that no client keeps an object that no longer matches.
 */
import type { LabelSelector } from '../domain/selector.js';
import type { SkyObject, WatchEvent } from '../domain/types.js';
import { refOf, refKey } from '../domain/object-ref.js';

export class SelectorFilter {
  private readonly membership = new Map<string, 'in' | 'out'>();

  constructor(private readonly selector: LabelSelector) {}

  /** The event to send for `event`, or undefined when this watcher should not see it. */
  apply<T extends SkyObject>(event: WatchEvent<T>): WatchEvent<T> | undefined {
    if (this.selector.requirements.length === 0 || !event.object) return event;
    const key = refKey(refOf(event.object));
    const before = this.membership.get(key);
    const matches = this.selector.matches(event.object.metadata.labels);

    if (event.type === 'DELETED') {
      this.membership.delete(key);
      return before === 'in' || (before === undefined && matches) ? event : undefined;
    }
    this.membership.set(key, matches ? 'in' : 'out');
    if (matches) return before === 'out' ? { ...event, type: 'ADDED' } : event;
    if (event.type === 'MODIFIED' && before !== 'out') return { ...event, type: 'DELETED' };
    return undefined;
  }
}
