/**
 * useDocumentLimits: every GraphQL document is bounded before the expensive work on it
 * (./document-limits.ts has the limits and their errors):
 * - before it is parsed: its length, then its tokens;
 * - before it is validated: depth, aliases, fields, repeated fields, directives, fragment spreads
 *   and cost, measured in one linear pass (./document-measure.ts). The standard rules run only on a
 *   document within all of them. Limits written as validation rules (graphql-armor's depth, alias
 *   and cost rules are) would not do: graphql-js runs every rule in one parallel visit, so the
 *   quadratic OverlappingFieldsCanBeMerged would still run on a document with 3,000 aliases.
 *
 * Both wrap the parse and validate functions rather than run beside them, so a document Yoga has
 * cached (parsed and validated before) costs nothing more, and graphql-ws, which parses and
 * validates through the same envelop (src/server/graphql-ws.ts), gets the same limits.
 *
 * A document nested deeper than graphql-js's recursive parser or validator can follow (possible
 * only with a raised --max-tokens) is refused with a 400 too, instead of a stack overflow that
 * would be answered as an unexpected error (500).
 *
 * Every refusal is HTTP 400. Yoga marks any error thrown by parse as one the GraphQL-over-HTTP
 * spec answers with 200 to `application/json` clients (usePreventMutationViaGET sets
 * `http.spec`), so the status of a result refused at parse is set on the result itself.
 */
import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { badRequestHttp, measureLimitErrors, textLimitErrors, type DocumentLimits } from './document-limits.js';
import { measureDocument } from './document-measure.js';

/** A stack overflow (RangeError) in the parser or validator, as the client's error; anything else is rethrown. */
function nestedTooDeeply(error: unknown, stage: 'parsed' | 'validated'): GraphQLError {
  if (!(error instanceof RangeError)) throw error;
  return new GraphQLError(`Document is nested too deeply to be ${stage}.`, {
    extensions: { code: stage === 'parsed' ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED', http: badRequestHttp() },
  });
}

export function useDocumentLimits(limits: DocumentLimits): Plugin {
  /** The errors this plugin threw at parse (Yoga caches and rethrows them for the same text). */
  const refusedAtParse = new WeakSet<GraphQLError>();
  const refuse = (error: GraphQLError) => {
    refusedAtParse.add(error);
    return error;
  };

  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        const [tooBig] = textLimitErrors(typeof source === 'string' ? source : source.body, limits);
        if (tooBig) throw refuse(tooBig);
        try {
          return parseFn(source, options);
        } catch (error) {
          throw refuse(nestedTooDeeply(error, 'parsed'));
        }
      });
    },
    onExecutionResult({ result, setResult }) {
      if (isAsyncIterable(result) || !result?.errors?.some((error) => refusedAtParse.has(error as GraphQLError))) return;
      setResult({ ...result, extensions: { ...result.extensions, http: { status: 400 } } });
    },
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((schema, document, rules, typeInfo, options) => {
        try {
          const tooBig = measureLimitErrors(measureDocument(schema, document), limits);
          return tooBig.length > 0 ? tooBig : validateFn(schema, document, rules, typeInfo, options);
        } catch (error) {
          return [nestedTooDeeply(error, 'validated')];
        }
      });
    },
  };
}
