import { describe, expect, it } from 'vitest';
import { ApiError, ConnectionError, errorFromGraphQL, networkReason } from '../../../src/client/errors.js';
import { BadUserInputError, ConflictError, DomainError, GoneError, NotFoundError } from '../../../src/domain/errors.js';

describe('errorFromGraphQL', () => {
  it('rebuilds the domain class of the code with the server message and extensions', () => {
    const error = errorFromGraphQL([
      { message: "Object 'jobs/default/x' not found.", extensions: { code: 'NOT_FOUND', object: 'jobs/default/x' } },
    ]);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      name: 'NotFoundError',
      code: 'NOT_FOUND',
      message: "Object 'jobs/default/x' not found.",
      details: { object: 'jobs/default/x' },
    });
  });

  it('keeps a server message the client-side constructor would have worded differently', () => {
    const error = errorFromGraphQL([{ message: 'etcd compacted revision 7', extensions: { code: 'GONE' } }]);
    expect(error).toBeInstanceOf(GoneError);
    expect(error.message).toBe('etcd compacted revision 7');
    const conflict = errorFromGraphQL([{ message: 'stale', extensions: { code: 'CONFLICT' } }]);
    expect(conflict).toBeInstanceOf(ConflictError);
  });

  it('sets the field of a BadUserInputError', () => {
    const error = errorFromGraphQL([
      { message: 'input.spec.resources.cpu: must not be negative', extensions: { code: 'BAD_USER_INPUT', field: 'input.spec.resources.cpu' } },
    ]);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).field).toBe('input.spec.resources.cpu');
  });

  it('turns other GraphQL errors into an ApiError carrying their code', () => {
    const errors = [{ message: 'Cannot query field "nope" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }];
    const error = errorFromGraphQL(errors);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', message: errors[0].message, errors });
    expect(errorFromGraphQL([{ message: 'Unexpected error.' }])).toMatchObject({ code: undefined, message: 'Unexpected error.' });
  });
});

describe('ConnectionError', () => {
  it('names the URL, the reason and how to start a server', () => {
    const cause = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const error = new ConnectionError('http://127.0.0.1:1/graphql', networkReason(cause), { cause });
    expect(error.message).toBe(
      'The Sky Manager API server at http://127.0.0.1:1/graphql is not reachable (ECONNREFUSED). ' +
        'Start it with `skym up` (API server and controllers) or `skym server` (API server only), ' +
        'or set SKYM_API to the URL of a running server.',
    );
    expect(error.cause).toBe(cause);
  });

  it('names every server of a client that reached none', () => {
    const refused = (port: number) => new ConnectionError(`http://127.0.0.1:${port}/graphql`, 'ECONNREFUSED');
    const error = ConnectionError.ofAll([refused(1), new ConnectionError('http://b:2/graphql', 'ENOTFOUND')]);
    expect(error.message).toBe(
      'None of the Sky Manager API servers is reachable: http://127.0.0.1:1/graphql (ECONNREFUSED), http://b:2/graphql (ENOTFOUND). ' +
        'Start one with `skym up` (API server and controllers) or `skym server` (API server only), or set SKYM_API to the URL of a running server.',
    );
    expect(error).toMatchObject({ url: 'http://b:2/graphql', mayHaveBeenApplied: false, unreachable: [{ url: 'http://127.0.0.1:1/graphql', reason: 'ECONNREFUSED' }, { url: 'http://b:2/graphql', reason: 'ENOTFOUND' }] });
    const one = refused(3);
    expect(ConnectionError.ofAll([one])).toBe(one);
  });

  it('says when a change may have been made', () => {
    const error = new ConnectionError('http://a:1/graphql', 'UND_ERR_SOCKET', { mayHaveBeenApplied: true });
    expect(error.message).toBe(
      'The Sky Manager API server at http://a:1/graphql was lost after the request was sent (UND_ERR_SOCKET): the change may or may not have been made; read the object again before retrying.',
    );
    expect(error.mayHaveBeenApplied).toBe(true);
  });

  it('describes a closed WebSocket by its close code', () => {
    expect(networkReason({ code: 1006, reason: '', wasClean: false })).toBe('WebSocket closed with code 1006');
  });
});
