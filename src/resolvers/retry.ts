/**
 * Server-side retries of read-modify-write: a write that lost a resourceVersion race to another
 * writer is applied again to the fresh object, so callers that own their fields never see the
 * race. A caller's own precondition failing is not a race and is not retried.
 */
import { ConflictError } from '../domain/errors.js';

/** Tries this often before reporting the CONFLICT. */
export const WRITE_ATTEMPTS = 50;

/**
 * A store may check writes against changes it has accepted but not yet made durable (and so
 * visible to reads), so an immediate re-read can return the same stale version. A short,
 * growing, jittered pause lets that change land.
 */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(2 ** attempt, 100);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `write` (read, change, write with the version read) until it does not lose a race. */
export async function retryOnConflict<T>(write: () => Promise<T>, retry = true): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!retry || !(error instanceof ConflictError) || attempt >= WRITE_ATTEMPTS) throw error;
      await backoff(attempt);
    }
  }
}
