/**
 * useUnreadableParams: a GraphQL request whose parameters are not valid JSON is the client's
 * mistake, answered 400 BAD_REQUEST with the parameter named.
 *
 * Yoga's parsers for GET and for url-encoded forms JSON.parse `variables` and `extensions` and let
 * the SyntaxError escape: `GET /graphql?variables=%7B` was answered 500 "Unexpected error." and
 * logged with its stack at error level. This wraps the parser of those two kinds of request (JSON
 * bodies, the usual POST, have their own 400 from Yoga and pay nothing here); errors other than a
 * SyntaxError pass unchanged.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const JSON_PARAMS = ['variables', 'extensions'] as const;

/** The JSON parameter of the URL that does not parse; undefined when it was in the body. */
function unparsableParam(url: URL): string | undefined {
  return JSON_PARAMS.find((name) => {
    const value = url.searchParams.get(name);
    if (!value) return false;
    try {
      JSON.parse(value);
      return false;
    } catch {
      return true;
    }
  });
}

function unreadable(error: SyntaxError, url: URL): GraphQLError {
  const param = unparsableParam(url);
  const what = param === undefined ? 'The request\'s "variables" or "extensions"' : `The "${param}" parameter`;
  return new GraphQLError(`${what} is not valid JSON: ${error.message}.`, {
    extensions: { code: 'BAD_REQUEST', ...(param === undefined ? {} : { field: param }), http: { status: 400 } },
  });
}

export function useUnreadableParams(): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser }) {
      const form = request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded');
      if (!requestParser || (request.method !== 'GET' && !form)) return;
      const parse = requestParser;
      setRequestParser(async (request) => {
        try {
          return await parse(request);
        } catch (error) {
          throw error instanceof SyntaxError ? unreadable(error, url) : error;
        }
      });
    },
  };
}
