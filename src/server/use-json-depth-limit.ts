/**
 * useJsonDepthLimit: a JSON request body that nests deeper than `maxJsonDepth` (--max-json-depth)
 * is refused with 400 BAD_REQUEST before it is parsed; JSON.parse is about ten times slower per
 * byte on deep nesting (jsonDepth in ./document-limits.ts).
 *
 * - GraphQL over HTTP, a POST with a JSON body: the body is read here, in place of Yoga's JSON
 *   parser, with Yoga's answers for a body that is not JSON or not an object. This plugin comes
 *   before useRequestBodyLimit, which wraps whichever parser is set when a body has no
 *   Content-Length.
 * - GraphQL over HTTP, a POST of a url-encoded form: its `variables` and `extensions` are
 *   measured before Yoga's form parser JSON.parses them. (A GET's are bounded by the URL's length.)
 * - The REST view's writes: measured on a copy of the body at onRequest, before the view or SOFA
 *   parses it, and refused in the view's `{"error": …}` shape.
 */
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { jsonDepth, limitError } from './document-limits.js';
import { restRequestMatcher } from './rest-request.js';
import { restError } from './use-rest-view.js';

const JSON_TYPES = ['application/json', 'application/graphql+json'];

function isJson(request: Request): boolean {
  const type = request.headers.get('content-type')?.split(',')[0].split(';')[0].trim();
  return type !== undefined && JSON_TYPES.includes(type);
}

/** The body's nesting, refused when over `max` (0: no limit). */
function checkDepth(text: string, max: number): void {
  if (max === 0) return;
  const depth = jsonDepth(text);
  if (depth > max) throw limitError('jsonDepth', max, depth);
}

/** Yoga's POST-JSON parser, with the depth measured first. */
async function parseJsonBody(request: Request, max: number): Promise<GraphQLParams> {
  const text = await request.text();
  checkDepth(text, max);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const { name, message } = error as Error;
    throw new GraphQLError('POST body sent invalid JSON.', { extensions: { http: { spec: true, status: 400 }, code: 'BAD_REQUEST', originalError: { name, message } } });
  }
  if (body === null || typeof body !== 'object') {
    throw new GraphQLError(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`, { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
  }
  return body as GraphQLParams;
}

export function useJsonDepthLimit(maxJsonDepth: number, { restBasePath = '/' }: { restBasePath?: string } = {}): Plugin {
  const isRestRequest = restRequestMatcher(restBasePath);
  return {
    onRequest({ request, url, endResponse }) {
      if (maxJsonDepth === 0 || (request.method !== 'POST' && request.method !== 'PUT') || !isJson(request) || !isRestRequest(request.method, url.pathname)) return;
      return request
        .clone()
        .text()
        .then((text) => {
          try {
            checkDepth(text, maxJsonDepth);
          } catch (error) {
            endResponse(restError([error as GraphQLError]));
          }
        });
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method !== 'POST') return;
      if (isJson(request)) {
        setRequestParser((req) => parseJsonBody(req, maxJsonDepth));
        return;
      }
      const parse = requestParser;
      if (!parse || maxJsonDepth === 0 || !request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')) return;
      setRequestParser(async (req) => {
        const text = await req.text();
        const form = new URLSearchParams(text);
        for (const name of ['variables', 'extensions']) checkDepth(form.get(name) ?? '', maxJsonDepth);
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body: text }));
      });
    },
  };
}
