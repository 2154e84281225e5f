/**
 * The Skylet token: the shared secret with which the API server proves itself to the Skylet
 * endpoint (src/controllers/skylet-endpoint.ts) when it reads logs, as kube-apiserver presents
 * its kubelet client credential. Without it, anyone who reaches a Skylet endpoint can read the
 * logs of every cluster that controller manager runs.
 *
 * Both sides read it from a file holding the token alone (`--skylet-token-file`, or
 * SKYM_SKYLET_TOKEN_FILE), so it never appears on a command line. `skym up`, which runs both
 * sides in one process, makes a random one when none is given.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bearerToken, secretDigest } from './bearer.js';

/** Shorter than this is guessable; `openssl rand -base64 32` gives 44 characters. */
export const MIN_SKYLET_TOKEN_LENGTH = 16;

export class SkyletTokenError extends Error {}

/** The token in `path`: its one line, trimmed; an error naming the file when there is none. */
export async function readSkyletTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SkyletTokenError(`cannot read the Skylet token file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const token = text.trim();
  if (token.length < MIN_SKYLET_TOKEN_LENGTH || /\s/.test(token)) {
    throw new SkyletTokenError(
      `the Skylet token file ${path} must hold one token of at least ${MIN_SKYLET_TOKEN_LENGTH} characters and no spaces (for example the output of: openssl rand -base64 32)`,
    );
  }
  return token;
}

/** A fresh random token (for `skym up`). */
export function newSkyletToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The Authorization header that carries `token`. */
export function skyletAuthorization(token: string): string {
  return `Bearer ${token}`;
}

/** Whether an Authorization header carries `token`, compared in constant time. */
export function carriesSkyletToken(header: string | undefined, token: string): boolean {
  const presented = bearerToken(header);
  // Digests make both sides the same length, which timingSafeEqual needs.
  return presented !== undefined && timingSafeEqual(secretDigest(presented), secretDigest(token));
}
