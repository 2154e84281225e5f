/**
 * Namespaced objects may only be created in a namespace that exists and is not being deleted.
 * Kept apart from namespace.ts so the generic resolvers can use it without an import cycle.
 */
import { ForbiddenError, NotFoundError } from '../domain/errors.js';

import type { Namespace } from '../domain/types.js';
import type { Store } from '../storage/store.js';
import { type ObjectRef, describeRef } from '../domain/object-ref.js';

export async function requireWritableNamespace(store: Store, name: string): Promise<void> {
  const key: ObjectRef = { kind: 'Namespace', name };
  const namespace = (await store.get(key)) as Namespace | undefined;
  if (!namespace) throw new NotFoundError(describeRef(key));
  if (namespace.status.phase === 'DELETING') {
    throw new ForbiddenError(`Namespace '${name}' is being deleted; objects cannot be created in it.`);
  }
}
