/**
 * graphql-ws on the HTTP server's /graphql path. Every operation executes through
 * `yoga.getEnveloped()`, so WebSocket requests get the same plugins, context, validation, error
 * codes and masking as HTTP ones (as in Yoga's examples/graphql-ws). Connections and
 * subscriptions are counted and capped, and clients that stop reading are cut off
 * (websocket-guard.ts).
 */
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type ServerOptions } from 'ws';
import { payloadReplacer, serializedPayload, spliceOnSend } from './serialized-results.js';
import { DEFAULT_MAX_REQUEST_BODY_BYTES } from './use-request-body-limit.js';
import { CLOSE_TIMEOUT_MS, guardWebSockets, type WebSocketGuardOptions } from './websocket-guard.js';
import type { ResolverContext } from '../resolvers/context.js';

type Yoga = YogaServerInstance<object, ResolverContext>;
type Enveloped = ReturnType<Yoga['getEnveloped']>;

/** The enveloped execute/subscribe travel to graphql-ws's execute/subscribe in rootValue. */
interface EnvelopedRoot {
  execute: Enveloped['execute'];
  subscribe: Enveloped['subscribe'];
}

/** How long clients get to answer the closing handshake when the server stops. */
const CLOSE_GRACE_MS = 1_000;

/**
 * The errors without `extensions.http`, the status Yoga would answer over HTTP; copies, since
 * Yoga caches parse and validation errors and hands the same objects to HTTP requests.
 */
function withoutHttp(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map((error) => {
    if (error.extensions.http === undefined) return error;
    const { http: _http, ...extensions } = error.extensions;
    return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions });
  });
}

export interface GraphQLWsHandle {
  close(): Promise<void>;
}

export function mountGraphQLWs(server: Server, yoga: Yoga, guardOptions: WebSocketGuardOptions): GraphQLWsHandle {
  const options: ServerOptions & { closeTimeout: number } = {
    server,
    path: yoga.graphqlEndpoint,
    // A client that does not answer the close frame (one cut off for not reading) is dropped then.
    closeTimeout: CLOSE_TIMEOUT_MS,
    // One message may be as large as one HTTP request body, not ws's default of 100 MiB.
    maxPayload: DEFAULT_MAX_REQUEST_BODY_BYTES,
  };
  const wss = new WebSocketServer(options);
  const guard = guardWebSockets(wss, guardOptions);
  wss.on('connection', spliceOnSend);
  const disposable = useServer(
    {
      onConnect: (ctx) => guard.onConnect(ctx),
      onComplete: (ctx, id, payload) => guard.onComplete(ctx, id, payload),
      // Shared subscription results go out as JSON encoded once for all (serialized-results.ts).
      onNext: (_ctx, _id, _payload, _args, result) => serializedPayload(result),
      jsonMessageReplacer: payloadReplacer,
      execute: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, id, params) => {
        // Counted before any parsing: a subscription over a cap costs next to nothing.
        const refused = guard.onSubscribe(ctx, id, params);
        if (refused) return refused;
        // Parsing checks the caller synchronously: a JWT must be verified by then (onConnect did it;
        // this costs nothing then, and makes sure of it).
        await guardOptions.authenticator?.authenticate({ req: ctx.extra.request, connectionParams: ctx.connectionParams });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        // Parsing authenticates first, then bounds the document (useAuthenticateFirst,
        // useDocumentLimits); validation measures it before the standard rules run.
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          // A syntax error, a refusal or a limit is the client's; graphql-ws would otherwise close the whole socket.
          if (error instanceof GraphQLError) return withoutHttp([error]);
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return withoutHttp(errors);
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedRoot,
        };
      },
    },
    wss,
  );

  return {
    async close() {
      // "Going away" (1001) to every client, so it knows to reconnect elsewhere or later; the
      // server's side of each subscription then ends, and with it its store watch. A client
      // that does not answer the closing handshake promptly is cut off.
      const clients = [...wss.clients];
      const gone = clients.map((client) => new Promise((resolve) => (client.readyState === client.CLOSED ? resolve(undefined) : client.once('close', resolve))));
      const cutOff = setTimeout(() => clients.forEach((client) => client.terminate()), CLOSE_GRACE_MS);
      await disposable.dispose();
      await Promise.all(gone);
      clearTimeout(cutOff);
    },
  };
}
