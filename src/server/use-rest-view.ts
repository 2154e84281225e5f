/**
 * useRestView: the original demo's REST API over the same objects, for its curl users:
 *
 *   GET    /clusters            GET    /default/jobs            list ({kind: "JobList", items, …}; ?labelSelector=)
 *   GET    /clusters/NAME       GET    /default/jobs/NAME       one object
 *   POST   /clusters            POST   /default/jobs            create (body: the object)
 *   PUT    /clusters            PUT    /default/jobs            update (body: the object, with metadata.resourceVersion)
 *   PUT    /clusters/NAME/status  PUT  /default/jobs/NAME/status  status write (controllers)
 *   DELETE /clusters/NAME       DELETE /default/jobs/NAME       delete (answers the deleted object)
 *
 * and the same for namespaces (global) and deployments and filterpolicies (namespaced). A missing
 * object is HTTP 404 `{"error": "Object 'clusters/cluster-0' not found."}` as in the demo; other
 * API errors map their `extensions.code` to a status (409 CONFLICT, 400 BAD_USER_INPUT, …).
 *
 * Nothing here resolves anything: Yoga's SOFA plugin generates each endpoint from the schema's root
 * field (its operation, variables from path/query/body, and execution through Yoga's envelop, so
 * error codes, masking and logging are the GraphQL endpoint's). This module only says which root
 * field answers which demo path, derived per kind from src/domain/kinds.ts and checked against the
 * schema at start-up, plus two things SOFA cannot express:
 *
 * - The demo POSTs and PUTs the object itself (`{kind, metadata, spec}`, or what a GET returned);
 *   SOFA wants the mutation's variables (`{"input": {metadata, spec}}`). Such a body is rewritten
 *   to the mutation's input type, keeping only the fields that type declares at the top level and
 *   in `metadata` (so `kind`, `status`, `uid` … are dropped; a typo inside `spec` still fails
 *   loudly), with the namespace (and, for /status, the name) taken from the path.
 * - SOFA also mounts subscription webhooks (`POST /webhook` makes the server call any URL it is
 *   given); the REST view does not offer them.
 *
 * With basePath '/' the paths sit beside /graphql, /healthz and /readyz, as the demo's did;
 * SOFA's OpenAPI description is served at /openapi.json and a Swagger UI at /docs.
 */
import { useSofa } from '@graphql-yoga/plugin-sofa';
import { isInputObjectType, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { KIND_INFO, KINDS, type Kind } from '../domain/kinds.js';
import { rootFieldStems } from '../domain/root-fields.js';
import { GRAPHQL_PATH } from '../domain/api-address.js';

export interface RestViewOptions {
  /** Where the REST paths start; '/' gives the demo's `/clusters` and `/default/jobs`. */
  basePath?: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RestRoute {
  kind: Kind;
  /** The root field SOFA builds the endpoint from, as SOFA names it: `Query.jobs`. */
  field: string;
  method: Method;
  /** Relative to basePath; `:namespace` and `:name` are path parameters. */
  path: string;
  /** Writes whose body is an object to turn into the mutation's `input` of this type. */
  input?: string;
}

/** Every REST endpoint, per kind: the demo's paths mapped onto the kind's root fields. */
export function restRoutes(): RestRoute[] {
  return KINDS.flatMap((kind) => {
    const { plural: pluralPath, namespaced } = KIND_INFO[kind];
    const { single, plural } = rootFieldStems(kind);
    const collection = namespaced ? `/:namespace/${pluralPath}` : `/${pluralPath}`;
    const routes: RestRoute[] = [
      { kind, field: `Query.${plural}`, method: 'GET', path: collection },
      { kind, field: `Query.${single}`, method: 'GET', path: `${collection}/:name` },
      { kind, field: `Mutation.create${kind}`, method: 'POST', path: collection, input: `${kind}Input` },
      { kind, field: `Mutation.update${kind}`, method: 'PUT', path: collection, input: `${kind}Input` },
      { kind, field: `Mutation.update${kind}Status`, method: 'PUT', path: `${collection}/:name/status`, input: `${kind}StatusUpdateInput` },
      { kind, field: `Mutation.delete${kind}`, method: 'DELETE', path: `${collection}/:name` },
    ];
    return routes;
  });
}

const STATUS_OF_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  GONE: 410,
};

interface ErrorLike {
  message?: string;
  extensions?: { code?: unknown; http?: { status?: number } };
}

/** The demo's error shape, `{"error": "…"}`, with the HTTP status the API's code stands for. */
export function restError(errors: readonly ErrorLike[]): Response {
  const [first] = errors;
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
  const status = (code && STATUS_OF_CODE[code]) || first?.extensions?.http?.status || 500;
  return Response.json({ error: first?.message ?? 'Unexpected error.' }, { status });
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** `/:namespace/jobs/:name` against a path: its parameters, or undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of want.entries()) {
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(have[i]);
    else if (segment !== have[i]) return undefined;
  }
  return params;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields an input type of the schema declares. */
function inputFields(schema: GraphQLSchema, typeName: string): Set<string> {
  const type = schema.getType(typeName);
  if (!isInputObjectType(type)) throw new Error(`REST view: input type ${typeName} is not in the schema`);
  return new Set(Object.keys(type.getFields()));
}

const pick = (object: Record<string, unknown>, keys: Set<string>) => Object.fromEntries(Object.entries(object).filter(([key]) => keys.has(key)));

/**
 * The mutation's `input` from a demo-style body (or from `{"input": …}` as SOFA takes it), with
 * the path's namespace and name; a body that names another one is refused rather than written
 * elsewhere than the URL says.
 */
export function toInput(
  body: Record<string, unknown>,
  fields: { top: Set<string>; metadata: Set<string> },
  params: Record<string, string>,
): { input: Record<string, unknown> } | { error: string } {
  const object = isObject(body.input) ? body.input : body;
  const metadata = isObject(object.metadata) ? pick(object.metadata, fields.metadata) : {};
  for (const key of ['namespace', 'name'] as const) {
    const fromPath = params[key];
    if (fromPath === undefined) continue;
    if (metadata[key] !== undefined && metadata[key] !== fromPath) {
      return { error: `metadata.${key} is "${String(metadata[key])}" but the path says "${fromPath}"` };
    }
    metadata[key] = fromPath;
  }
  return { input: { ...pick(object, fields.top), metadata } };
}

export function useRestView({ basePath = '/' }: RestViewOptions = {}): Plugin {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  const routes = restRoutes();
  const writes = routes.filter((route) => route.input !== undefined);
  // Filled from the schema when Yoga sets it: which fields each write's input type declares.
  const inputs = new Map<string, { top: Set<string>; metadata: Set<string> }>();

  const sofa = useSofa({
    basePath: base === '' ? '/' : base,
    routes: Object.fromEntries(routes.map((route) => [route.field, { method: route.method, path: route.path }])),
    errorHandler: restError as never, // SOFA types it with fets' Response; the runtime takes any Response
  });

  // SOFA routes every request it sees through its router (a URLPattern match per route), which
  // cost GraphQL requests about a tenth of the server's CPU; /graphql never reaches it.
  let graphqlEndpoint = GRAPHQL_PATH;
  const sofaOffGraphQL: Plugin = {
    ...sofa,
    onRequest(payload) {
      if (payload.url.pathname === graphqlEndpoint) return;
      return sofa.onRequest?.(payload);
    },
  };

  return {
    onYogaInit({ yoga }) {
      graphqlEndpoint = yoga.graphqlEndpoint;
    },

    onPluginInit({ addPlugin }) {
      // Added right after this plugin, so the body rewrite below runs before SOFA reads the body.
      addPlugin(sofaOffGraphQL);
    },

    onSchemaChange({ schema }) {
      // The routes follow the schema's naming; a renamed root field fails here, at start-up.
      for (const route of routes) {
        const [root, name] = route.field.split('.');
        const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
        if (!type?.getFields()[name]) throw new Error(`REST view: ${route.field} is not in the schema`);
      }
      const metadata = inputFields(schema, 'ObjectMetaInput');
      for (const route of writes) inputs.set(route.input!, { top: inputFields(schema, route.input!), metadata });
    },

    async onRequest({ request, url, setRequest, endResponse, fetchAPI }) {
      if (url.pathname === graphqlEndpoint || !url.pathname.startsWith(`${base}/`)) return;
      const path = url.pathname.slice(base.length);
      // Names are decoded from the path, here and in SOFA; a broken %-escape is the caller's mistake.
      if (!decodable(path)) {
        endResponse(fetchAPI.Response.json({ error: `The path ${url.pathname} has a malformed %-escape.` }, { status: 400 }));
        return;
      }
      const method = request.method as Method;
      const route = routes.find((r) => r.method === method && matchPath(r.path, path));
      if (!route && /^\/webhook(\/[^/]+)?$/.test(path)) {
        endResponse(fetchAPI.Response.json({ error: `Not found: ${request.method} ${url.pathname}` }, { status: 404 }));
        return;
      }
      if (!route?.input) return;
      let body: unknown;
      try {
        body = await request.clone().json();
      } catch {
        return; // not JSON: SOFA answers 400 with its own message
      }
      if (!isObject(body)) return;
      const result = toInput(body, inputs.get(route.input)!, matchPath(route.path, path)!);
      if ('error' in result) {
        endResponse(fetchAPI.Response.json({ error: result.error }, { status: 400 }));
        return;
      }
      const headers = new fetchAPI.Headers(request.headers);
      headers.set('content-type', 'application/json');
      headers.delete('content-length');
      setRequest(new fetchAPI.Request(request.url, { method: request.method, headers, body: JSON.stringify(result) }));
    },
  };
}
