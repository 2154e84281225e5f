/**
 * Files this server sends as they are (GraphiQL's built assets, the console's): read and gzipped
 * once, on first request, and answered with their type, length and caching rule.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** Node's Buffers from readFile and gzip are backed by a plain ArrayBuffer, as a body must be. */
type Bytes = Uint8Array<ArrayBuffer>;

export interface ServedFile {
  type: string;
  /** The Cache-Control header. */
  cacheControl: string;
  /** More headers for this file (e.g. a page's Content-Security-Policy). */
  headers?: Record<string, string>;
  plain: () => Promise<Bytes>;
  gzipped: () => Promise<Bytes>;
}

/** For a URL that changes with its content (a version or a hash in the path). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** For a URL whose content changes in place (a page): always asked again, answered from cache when unchanged. */
export const REVALIDATE = 'no-cache';

/** The promise of the first call, kept: concurrent first requests read the file once. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export function servedFile(path: string, type: string, cacheControl: string, headers?: Record<string, string>): ServedFile {
  const plain = once(async () => (await readFile(path)) as Bytes);
  return { type, cacheControl, headers, plain, gzipped: once(async () => (await gzip(await plain())) as Bytes) };
}

const acceptsGzip = (request: Request) => /\bgzip\b/i.test(request.headers.get('accept-encoding') ?? '');

export async function respond(served: ServedFile, request: Request, ResponseClass: typeof Response): Promise<Response> {
  const gzipped = acceptsGzip(request);
  const body = await (gzipped ? served.gzipped() : served.plain());
  const headers: Record<string, string> = {
    'content-type': served.type,
    'content-length': String(body.byteLength),
    'cache-control': served.cacheControl,
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
    ...served.headers,
  };
  if (gzipped) headers['content-encoding'] = 'gzip';
  return new ResponseClass(request.method === 'HEAD' ? null : body, { status: 200, headers });
}

export const isRead = (request: Request) => request.method === 'GET' || request.method === 'HEAD';
