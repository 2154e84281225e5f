/**
 * useRequestBodyLimit on a small Yoga: a declared Content-Length is checked on the header alone,
 * a chunked body is counted as it streams, and both answer 413 REQUEST_ENTITY_TOO_LARGE.
 */
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useRequestBodyLimit } from '../../../src/server/use-request-body-limit.js';

const LIMIT = 200;
const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { echo(text: String!): String! }', resolvers: { Query: { echo: (_: unknown, { text }: { text: string }) => text } } }),
  maxRequestBodySize: false,
  plugins: [useRequestBodyLimit(LIMIT)],
  logging: false,
});

const body = (text: string) => JSON.stringify({ query: 'query($t: String!) { echo(text: $t) }', variables: { t: text } });

/** A body without Content-Length: the bytes arrive as a stream (chunked on the wire). */
function streamed(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(body(text));
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 50) controller.enqueue(bytes.slice(i, i + 50));
      controller.close();
    },
  });
}

async function post(init: RequestInit & { duplex?: 'half' }) {
  const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...(init.headers as object) } });
  return { status: response.status, body: (await response.json()) as { data?: { echo: string }; errors?: Array<{ extensions?: { code?: string } }> } };
}

describe('useRequestBodyLimit', () => {
  it('passes bodies within the limit, with or without Content-Length', async () => {
    const small = body('hi');
    expect(await post({ body: small, headers: { 'content-length': String(small.length) } })).toMatchObject({ status: 200, body: { data: { echo: 'hi' } } });
    expect(await post({ body: streamed('hi'), duplex: 'half' })).toMatchObject({ status: 200, body: { data: { echo: 'hi' } } });
  });

  it('refuses a declared length over the limit before reading the body', async () => {
    const big = body('x'.repeat(LIMIT));
    const answer = await post({ body: big, headers: { 'content-length': String(big.length) } });
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0].extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('counts a streamed body and refuses it once it passes the limit', async () => {
    const answer = await post({ body: streamed('x'.repeat(LIMIT)), duplex: 'half' });
    expect(answer.status).toBe(413);
    expect(answer.body.errors?.[0].extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses a Content-Length that is not one plain number', async () => {
    for (const contentLength of ['-1', '10, 10', 'abc']) {
      const answer = await post({ body: body('hi'), headers: { 'content-length': contentLength } });
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    }
  });
});
