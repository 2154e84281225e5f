/**
 * useConsole: the web console (src/console, built by Vite into dist/console by `npm run build`)
 * at /console. Only the files of that build are served, each looked up by its exact path: nothing
 * in a request names a file on disk. Vite puts a content hash in every asset's name, so assets
 * may be kept for a year; the page itself is asked again each time.
 *
 * The page runs only scripts and styles of this origin, talks only to this origin (GraphQL over
 * HTTP and WebSocket), and may not be framed by another site: a token typed into it stays here.
 */
import { existsSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { IMMUTABLE, isRead, respond, REVALIDATE, servedFile, type ServedFile } from './static-files.js';

export const CONSOLE_PATH = '/console';

/** dist/console beside dist/src (this file is dist/src/server/use-console.js once built). */
export const CONSOLE_BUILD = fileURLToPath(new URL('../../console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** URL path → file, for every file of the build; empty when the console was not built. */
export function consoleFiles(build = CONSOLE_BUILD, base = CONSOLE_PATH): Map<string, ServedFile> {
  const files = new Map<string, ServedFile>();
  if (!existsSync(join(build, 'index.html'))) return files;
  for (const path of filesUnder(build)) {
    const type = TYPES[extname(path)];
    if (!type) continue;
    const url = `${base}/${relative(build, path).split(sep).join('/')}`;
    const page = url === `${base}/index.html`;
    files.set(url, servedFile(path, type, page ? REVALIDATE : IMMUTABLE, page ? PAGE_HEADERS : undefined));
  }
  const page = files.get(`${base}/index.html`)!;
  files.set(`${base}/`, page);
  return files;
}

export interface ConsoleOptions {
  /** The built console; default dist/console. */
  build?: string;
}

export function useConsole({ build }: ConsoleOptions = {}): Plugin {
  const files = consoleFiles(build);
  return {
    // Synchronous for every other request: only a request for a console file waits for it.
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(CONSOLE_PATH) || !isRead(request)) return;
      if (url.pathname === CONSOLE_PATH) {
        endResponse(new fetchAPI.Response(null, { status: 308, headers: { location: `${CONSOLE_PATH}/${url.search}` } }));
        return;
      }
      const served = files.get(url.pathname);
      if (served) return respond(served, request, fetchAPI.Response).then(endResponse);
      const message = files.size === 0 ? 'The console is not built: run `npm run build`.' : 'Not found.';
      endResponse(new fetchAPI.Response(message, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
    },
  };
}

/** Whether this server has a console to show (the landing page sends browsers there). */
export const consoleBuilt = (build = CONSOLE_BUILD) => existsSync(join(build, 'index.html'));
