/** The cache key of an object: "namespace/name", or "name" for global kinds (work-queue keys). */
import type { SkyObject } from '../domain/types.js';

export function objectKey(object: SkyObject): string {
  const { namespace, name } = object.metadata;
  return namespace === undefined ? name : `${namespace}/${name}`;
}
