/**
 * useSharedSubscriptionResults: a subscription event is executed once per document, not once per
 * subscriber: the first subscriber to reach an event executes it and the others take the same
 * result.
 *
 * It runs subscriptions in place of graphql-js's `subscribe`, with the same two steps
 * (createSourceEventStream, then execute per event) plus a cache from the event object to its
 * results by document key. The watch resolvers hand every subscriber the same frozen event object
 * for a store change (src/resolvers/watch.ts). The cache keeps the most recent events only: their
 * subscribers reach an event within moments of each other, and a WeakMap would have kept every
 * event's results (and their JSON, serialized-results.ts) for as long as the store's watch
 * history keeps the event, up to 10,000 of them. A subscriber far behind executes its own.
 *
 * When results may be shared: the event, the document text and operation, and the values of the
 * variables the selection below the root field uses are the same. The root field's own arguments
 * (namespace, labelSelector, resourceVersion) only shape the source stream, so they do not split
 * the cache. Results are assumed not to depend on who asks: true while the API has no per-caller
 * visibility; a field that did would have to opt out here.
 */
import {
  createSourceEventStream,
  execute,
  Kind,
  type GraphQLError,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type OperationDefinitionNode,
} from 'graphql';
import { isAsyncIterable, isPromise, type Plugin } from 'graphql-yoga';
import { clientErrors, type ClientErrors } from './client-errors.js';
import type { Logger } from './logger.js';
import { MULTIPLE_ROOT_FIELDS, perOperation } from './operation-label.js';
import { resultStream } from './subscription-result-stream.js';
import { warningsOf } from './use-warnings.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/** Results of the most recent events, oldest first (a Map iterates in insertion order). */
const RECENT_EVENTS = 256;
const results = new Map<object, Map<string, Result>>();

/** Variables used by the selection below the root field (and in fragments), by document. */
const selectionVariables = new WeakMap<DocumentNode, Map<string | undefined, string[]>>();

function variablesBelowRoot(document: DocumentNode, operationName: string | undefined | null): string[] {
  let byOperation = selectionVariables.get(document);
  if (!byOperation) selectionVariables.set(document, (byOperation = new Map()));
  const key = operationName ?? undefined;
  let names = byOperation.get(key);
  if (names) return names;
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (key === undefined || d.name?.value === key),
  );
  const found = new Set<string>();
  const collect = (node: Parameters<typeof visit>[0]) => visit(node, { Variable: (v) => void found.add(v.name.value) });
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      // The root field's arguments shape the stream, not the result of an event.
      const field = selection as FieldNode;
      if (field.selectionSet) collect(field.selectionSet);
      for (const directive of field.directives ?? []) collect(directive);
    } else {
      collect(selection);
    }
  }
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) collect(definition);
  names = [...found].sort();
  byOperation.set(key, names);
  return names;
}

/** The cache key of this subscription's results, or undefined when they cannot be shared. */
function shareKey(args: ExecutionArgs): string | undefined {
  const text = args.document.loc?.source.body;
  if (text === undefined) return undefined;
  const names = variablesBelowRoot(args.document, args.operationName);
  const values = names.map((name) => args.variableValues?.[name]);
  return `${args.operationName ?? ''}\u0000${JSON.stringify(values)}\u0000${text}`;
}

function executeShared(args: ExecutionArgs, event: unknown, key: string | undefined, errors: ClientErrors): Result {
  // Error codes and masking are settled here, once per shared result, not per subscriber. The
  // result is frozen: every subscriber of the event gets this same object.
  const run = (): Result => {
    const result = execute({ ...args, rootValue: event });
    return isPromise(result) ? result.then(forClients(errors)) : forClients(errors)(result as ExecutionResult);
  };
  if (key === undefined || event === null || typeof event !== 'object') return run();
  let byKey = results.get(event);
  if (!byKey) {
    results.set(event, (byKey = new Map()));
    if (results.size > RECENT_EVENTS) results.delete(results.keys().next().value!);
  }
  let result = byKey.get(key);
  if (!result) byKey.set(key, (result = run()));
  return result;
}

const forClients =
  (errors: ClientErrors) =>
  (result: ExecutionResult): ExecutionResult =>
    Object.freeze(errors.result(result));

/** Told of each subscription that streams (the metrics' subscribers gauge and delivery lag). */
export interface SubscriptionObserver {
  /** A subscription of this root field starts streaming. */
  opened(rootField: string): StreamObserver;
}

export interface StreamObserver {
  /** A source event's result goes to the transport. */
  delivered(event: unknown): void;
  /** The stream ended, however it ended. */
  ended(): void;
}

const rootFieldOf = perOperation((label) => label.operation);

export async function sharedSubscribe(
  args: ExecutionArgs,
  errors: ClientErrors,
  observer?: SubscriptionObserver,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return errors.result(source as ExecutionResult);
  const key = shareKey(args);
  const stream = observer?.opened(rootFieldOf(args.document, args.operationName) ?? MULTIPLE_ROOT_FIELDS);
  return resultStream((source as AsyncIterable<unknown>)[Symbol.asyncIterator](), {
    toResult: (event) => executeShared(args, event, key, errors),
    errors,
    warnings: warningsOf(args.contextValue),
    onDelivered: stream?.delivered,
    onEnd: stream?.ended,
  });
}

/**
 * Runs every subscription, and must be the last plugin with an onSubscribe hook: it hands envelop
 * the finished result and stops there, so Yoga's masking plugin (which comes after all of ours)
 * does not wrap each subscriber's stream in two more layers; the stream codes and masks its
 * results itself (src/server/client-errors.ts). Plugins before this one still see the result in
 * their onSubscribeResult.
 */
export function useSharedSubscriptionResults({ logger, observer }: { logger: Logger; observer?: SubscriptionObserver }): Plugin {
  const errors = clientErrors(logger);
  return {
    async onSubscribe({ args, setResultAndStopExecution }) {
      try {
        setResultAndStopExecution(await sharedSubscribe(args, errors, observer));
      } catch (error) {
        setResultAndStopExecution(errors.result({ errors: [error as GraphQLError] }));
      }
    },
  };
}
