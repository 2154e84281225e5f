/**
 * One GET to a Skylet endpoint, over node:http(s) rather than fetch for one reason: the address
 * it connects to can be checked. A hostname is resolved by our lookup, which refuses link-local
 * and metadata addresses (src/domain/metadata-address.ts) at the moment of connecting, so a name
 * that resolves elsewhere when checked and here when used (DNS rebinding) gains nothing.
 * Redirects are never followed: node:http does not.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isLinkLocalOrMetadata } from '../domain/metadata-address.js';

export interface SkyletGetOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Allow link-local and metadata addresses (`--skylet-allow-link-local`). */
  allowLinkLocal?: boolean;
}

export class RefusedAddressError extends Error {}

const refused = (host: string, address: string) =>
  new RefusedAddressError(
    `${host === address ? address : `${host} resolves to ${address}, which`} is a link-local or cloud metadata address, refused (skym server --skylet-allow-link-local allows it)`,
  );

type Resolve = (hostname: string, options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** A lookup (dns.lookup by default) that refuses any answer holding a link-local or metadata address. */
export const lookupRefusingLinkLocal = (resolve: Resolve = dnsLookup): LookupFunction => (hostname, options, callback) => {
  resolve(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((a) => isLinkLocalOrMetadata(a.address));
    if (bad) return callback(refused(hostname, bad.address), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

const guardedLookup = lookupRefusingLinkLocal();

/** The response (not yet read), or a rejection: refused address, network failure, abort. */
export function getSkylet(url: URL, { headers, signal, allowLinkLocal = false }: SkyletGetOptions): Promise<IncomingMessage> {
  // An IP literal is connected to without any lookup, so it is checked here.
  if (!allowLinkLocal && isLinkLocalOrMetadata(url.hostname)) return Promise.reject(refused(url.hostname, url.hostname));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, signal, ...(allowLinkLocal ? {} : { lookup: guardedLookup }) }, resolve);
    req.once('error', reject);
    req.end();
  });
}
