/**
 * The Skylet token: the shared secret with which the API server proves itself to the Skylet
 * endpoint (src/controllers/skylet-endpoint.ts) when it reads logs, as kube-apiserver presents
 * its kubelet client credential. Without it, anyone who reaches a Skylet endpoint can read the
 * logs of every cluster that controller manager runs.
 *
 * Both sides read it from a file holding the token alone (`--skylet-token-file`, or
 * SKYM_SKYLET_TOKEN_FILE), so it never appears on a command line. `skym up`, which runs both
 * sides in one process, makes a random one when none is given.
 *
 * The token itself never travels. The API server fetches whatever URL a Cluster's status names,
 * so what it sends must be worthless anywhere else: each request carries a credential bound to
 * the endpoint it goes to, HMAC-SHA256(token, endpoint). A listener that an attacker published as
 * some cluster's endpoint collects a credential for that listener's URL only, which no Skylet
 * endpoint accepts; a Skylet endpoint accepts only the credential of an endpoint it publishes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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

/** One spelling per endpoint, so that both sides sign the same bytes: no trailing slash. */
function canonicalEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url.href;
}

/** The credential that `token` gives for requests to `endpoint` (a cluster's skyletEndpoint). */
export function endpointCredential(token: string, endpoint: string): string {
  return createHmac('sha256', token).update(canonicalEndpoint(endpoint)).digest('base64url');
}

/** The Authorization header the API server sends to `endpoint`. */
export function skyletAuthorization(token: string, endpoint: string): string {
  return `Bearer ${endpointCredential(token, endpoint)}`;
}

/** Whether an Authorization header carries `endpoint`'s credential, compared in constant time. */
export function carriesSkyletCredential(header: string | undefined, token: string, endpoint: string): boolean {
  const presented = bearerToken(header);
  // Digests make both sides the same length, which timingSafeEqual needs.
  return presented !== undefined && timingSafeEqual(secretDigest(presented), secretDigest(endpointCredential(token, endpoint)));
}
