/**
 * useAuthenticateFirst on a Yoga with the real schema: without a valid token nothing the caller
 * sent is read or parsed (GraphQL over HTTP: 401 before the body is read; the REST view: 401 in
 * its shape before the body is read; graphql-ws and any other parse: refused before parsing,
 * without HTTP details), and with one, requests go on as before.
 */
import { createYoga, type Plugin } from 'graphql-yoga';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../../src/server/auth/authenticator.js';
import type { AuthUser } from '../../../../src/server/auth/token-file.js';
import { bootstrapAuthorizer } from '../../../../src/server/auth/bootstrap-rbac.js';
import { useAuth } from '../../../../src/server/auth/use-auth.js';
import { useAuthenticateFirst } from '../../../../src/server/auth/use-authenticate-first.js';
import { useRestView } from '../../../../src/server/use-rest-view.js';
import { buildSchema } from '../../../../src/schema/index.js';
import { MemoryStore } from '../../../../src/storage/memory-store.js';

const TOKEN = 'viewer-token-0123456789';
const tokens = new Map<string, AuthUser>([[TOKEN, { name: 'vic', uid: '3', groups: ['sky:viewers'] }]]);
const authenticator = createAuthenticator({ tokens });
const logger = pino({ level: 'silent' });

/** What reached the parser and the validator. */
const reached = { parse: 0, validate: 0 };
const spy: Plugin = {
  onParse: () => void (reached.parse += 1),
  onValidate: () => void (reached.validate += 1),
};

const authorizer = bootstrapAuthorizer();
const yoga = createYoga({
  schema: buildSchema(),
  context: { store: new MemoryStore(), bookmarkIntervalMs: 5_000 },
  logging: false,
  plugins: [useAuthenticateFirst({ authenticator, logger }), spy, useAuth({ authenticator, logger, authorizer: () => authorizer }), useRestView()],
});

/** A request body that records whether the server started reading it. */
function watchedBody(text: string) {
  const read = { started: false };
  // highWaterMark 0: pulled only when someone reads, not to fill a queue up front.
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        read.started = true;
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { body, read };
}

beforeEach(() => {
  reached.parse = 0;
  reached.validate = 0;
});

describe('GraphQL over HTTP', () => {
  it('without a token: 401 UNAUTHENTICATED before the body is read, nothing parsed', async () => {
    const { body, read } = watchedBody(JSON.stringify({ query: `{ ${'jobs { kind } '.repeat(5_000)} }` }));
    const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringMatching(/^A bearer token is required/), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(read.started).toBe(false);
    expect(reached).toEqual({ parse: 0, validate: 0 });
  });

  it('with an unknown token: the same, "The token is not valid."', async () => {
    const response = await yoga.fetch('http://yoga/graphql?query=%7B__typename%7D', { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0].message).toBe('The token is not valid.');
    expect(reached.parse).toBe(0);
  });

  it('with a valid token: read, parsed, validated and answered as before', async () => {
    const { body, read } = watchedBody(JSON.stringify({ query: '{ __typename }' }));
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(read.started).toBe(true);
    expect(reached).toEqual({ parse: 1, validate: 1 });
  });
});

describe('the REST view', () => {
  it('without a token: 401 in its {"error": …} shape before the body is read', async () => {
    const { body, read } = watchedBody(JSON.stringify({ metadata: { name: 'x' }, spec: { image: 'i' } }));
    const response = await yoga.fetch('http://yoga/default/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^A bearer token is required/) });
    expect(read.started).toBe(false);
  });

  it('with a valid token: answered by the view (a viewer may list, not create)', async () => {
    const list = await yoga.fetch('http://yoga/default/jobs', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ kind: 'JobList', items: [] });
    const { body, read } = watchedBody(JSON.stringify({ metadata: { name: 'x' }, spec: { image: 'i' } }));
    const create = await yoga.fetch('http://yoga/default/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(create.status).toBe(403);
    expect(read.started).toBe(true);
  });
});

describe('a parse from another transport (graphql-ws passes its connection context)', () => {
  it('is refused before parsing without a token, with no HTTP details in the error', () => {
    const { parse } = yoga.getEnveloped({ connectionParams: {} });
    expect(() => parse('{ __typename ')).toThrow(expect.objectContaining({ message: expect.stringMatching(/^A bearer token is required/), extensions: { code: 'UNAUTHENTICATED' } }));
    expect(reached.parse).toBe(0);
  });

  it('parses with the token in connectionParams', () => {
    const { parse } = yoga.getEnveloped({ connectionParams: { token: TOKEN } });
    expect(parse('{ __typename }').definitions).toHaveLength(1);
  });
});
