/**
 * Who created a workload, recorded by the API server in an annotation at creation (from the
 * authenticated caller; never from what the caller sent, and kept as it is by every update), so
 * the scheduler can tell which clusters its creator may `use`. Work created on a server without
 * authentication has none, and may run anywhere.
 */
import type { Identity } from './rbac/authorizer.js';
import type { StringMap } from './types.js';

export const CREATOR_ANNOTATION = 'sky.io/created-by';

export function creatorAnnotation(user: Identity): string {
  return JSON.stringify({ username: user.name, groups: [...user.groups] });
}

/** The annotations with the creator's as the server decides it: `user`'s on create, the stored one on update. */
export function withCreator(annotations: StringMap, recorded: string | undefined): StringMap {
  const { [CREATOR_ANNOTATION]: _sent, ...rest } = annotations;
  return recorded === undefined ? rest : { ...rest, [CREATOR_ANNOTATION]: recorded };
}

/** The creator recorded on the object, or undefined (none, or not readable: treated as none). */
export function creatorOf(annotations: StringMap | undefined): Identity | undefined {
  const text = annotations?.[CREATOR_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as { username?: unknown; groups?: unknown };
    if (typeof value.username !== 'string' || !Array.isArray(value.groups) || !value.groups.every((g) => typeof g === 'string')) return undefined;
    return { name: value.username, groups: value.groups };
  } catch {
    return undefined;
  }
}
