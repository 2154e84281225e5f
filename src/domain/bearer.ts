/**
 * Bearer tokens, as both of Sky's token checks read them: the API server's token file
 * (src/server/auth) and the Skylet token (skylet-token.ts).
 */
import { createHash } from 'node:crypto';

/** The token of `Bearer <token>` (the scheme is case-insensitive, RFC 7235); undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * A secret's SHA-256. Secrets are compared, and looked up, by digest: how long a comparison or a
 * hash-table lookup takes then depends on the digest, which says nothing about how much of a
 * guessed token was right.
 */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
