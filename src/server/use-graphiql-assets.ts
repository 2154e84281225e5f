/**
 * useGraphiQLAssets: GraphiQL's stylesheet, script and editor workers, served by this server from
 * the @graphql-yoga/graphiql package instead of a public CDN, so the page at /graphql loads on a
 * network that reaches nothing else (src/server/graphiql-page.ts links to these URLs).
 *
 * Only the package's known built files are served, each looked up by its exact path: nothing in a
 * request names a file on disk. The path carries the package version, so browsers may keep a file
 * for a year and a new version is a new URL. Each file is read (and gzipped, for the browsers that
 * accept it) once, when first asked for (./static-files.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'graphql-yoga';
import { IMMUTABLE, isRead, respond, servedFile } from './static-files.js';

const requireHere = createRequire(import.meta.url);
const DIST = join(dirname(requireHere.resolve('@graphql-yoga/graphiql/package.json')), 'dist');
const VERSION = (requireHere('@graphql-yoga/graphiql/package.json') as { version: string }).version;

export const DEFAULT_GRAPHIQL_ASSETS_PATH = '/graphiql/assets';

const JAVASCRIPT = 'text/javascript; charset=utf-8';

/** The built files GraphiQL's page needs, by role: their paths in the package's dist/. */
const ASSETS = {
  stylesheet: { file: 'graphiql.css', type: 'text/css; charset=utf-8' },
  script: { file: 'yoga-graphiql.umd.js', type: JAVASCRIPT },
  editorWorker: { file: 'monacoeditorwork/editor.worker.bundle.js', type: JAVASCRIPT },
  jsonWorker: { file: 'monacoeditorwork/json.worker.bundle.js', type: JAVASCRIPT },
  // The package's own spelling, two dots.
  graphqlWorker: { file: 'monacoeditorwork/graphql.worker..bundle.js', type: JAVASCRIPT },
} as const;

export type GraphiQLAssetUrls = Record<keyof typeof ASSETS, string>;

/** Where each asset is served: `<basePath>/<package version>/<file>`. */
export function graphiqlAssetUrls(basePath = DEFAULT_GRAPHIQL_ASSETS_PATH): GraphiQLAssetUrls {
  const prefix = `${basePath.replace(/\/$/, '')}/${VERSION}`;
  const urls = Object.entries(ASSETS).map(([role, { file }]) => [role, `${prefix}/${file}`]);
  return Object.fromEntries(urls) as GraphiQLAssetUrls;
}

export interface GraphiQLAssetsOptions {
  /** Where the assets are served; default /graphiql/assets. */
  basePath?: string;
}

export function useGraphiQLAssets({ basePath = DEFAULT_GRAPHIQL_ASSETS_PATH }: GraphiQLAssetsOptions = {}): Plugin {
  const urls = graphiqlAssetUrls(basePath);
  const files = new Map(Object.entries(ASSETS).map(([role, { file, type }]) => [urls[role as keyof GraphiQLAssetUrls], servedFile(join(DIST, file), type, IMMUTABLE)]));
  return {
    // Synchronous for every other request: only a request for one of the files waits for it.
    onRequest({ request, url, endResponse, fetchAPI }) {
      const served = files.get(url.pathname);
      if (!served || !isRead(request)) return;
      return respond(served, request, fetchAPI.Response).then(endResponse);
    },
  };
}
