import type { GraphQLFormattedError } from 'graphql';
import { Errors } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { describeObjectKey, explainError, UsageError } from '../../../cli/errors.js';
import { ApiError, ConnectionError, errorFromGraphQL } from '../../../src/client/errors.js';

/** An error as the client builds it from the server's answer. */
const fromServer = (message: string, extensions: GraphQLFormattedError['extensions']) => errorFromGraphQL([{ message, extensions }]);

describe('explainError', () => {
  it('names a missing object the way the user typed it', () => {
    expect(explainError(fromServer("Object 'jobs/default/x' not found.", { code: 'NOT_FOUND', object: 'jobs/default/x' }))).toEqual({
      message: 'job "x" not found in namespace "default"',
      code: 'NOT_FOUND',
      exitCode: 1,
    });
    expect(explainError(fromServer("Object 'clusters/a' not found.", { code: 'NOT_FOUND', object: 'clusters/a' })).message).toBe('cluster "a" not found');
    expect(explainError(fromServer('', { code: 'NOT_FOUND', object: 'filterpolicies/team-a/p' })).message).toBe('filterpolicy "p" not found in namespace "team-a"');
  });

  it('adds where the token comes from to UNAUTHENTICATED; FORBIDDEN stays the server\'s sentence', () => {
    expect(explainError(fromServer('The token is not valid.', { code: 'UNAUTHENTICATED' }))).toEqual({
      message: 'The token is not valid. Set the token with SKYM_TOKEN or `skym config set token TOKEN`.',
      code: 'UNAUTHENTICATED',
      exitCode: 1,
    });
    const forbidden = 'User "vic" may not create jobs in namespace "default".';
    expect(explainError(fromServer(forbidden, { code: 'FORBIDDEN' }))).toEqual({ message: forbidden, code: 'FORBIDDEN', exitCode: 1 });
  });

  it('says how to create a missing namespace', () => {
    expect(explainError(fromServer('', { code: 'NOT_FOUND', object: 'namespaces/team-b' })).message).toBe(
      'namespace "team-b" not found; create it with `skym create namespace team-b`',
    );
  });

  it('explains a conflict as someone else\'s change', () => {
    const conflict = fromServer('stale', { code: 'CONFLICT', object: 'clusters/a', expectedResourceVersion: '3', actualResourceVersion: '5' });
    expect(explainError(conflict).message).toBe('cluster "a" was changed by someone else; get it again and retry');
    expect(explainError(fromServer('stale', { code: 'CONFLICT', object: 'jobs/team-a/j' })).message).toBe(
      'job "j" in namespace "team-a" was changed by someone else; get it again and retry',
    );
  });

  it('points an existing object at apply', () => {
    expect(explainError(fromServer('', { code: 'ALREADY_EXISTS', object: 'jobs/default/hello' })).message).toBe(
      'job "hello" already exists in namespace "default"; change it with `skym apply`',
    );
  });

  it('shows the field of bad input as the user wrote it, once', () => {
    const bad = fromServer('input.spec.resources.cpu: must be at least 0, got -1', { code: 'BAD_USER_INPUT', field: 'input.spec.resources.cpu' });
    expect(explainError(bad)).toEqual({ message: 'invalid spec.resources.cpu: must be at least 0, got -1', code: 'BAD_USER_INPUT', field: 'spec.resources.cpu', exitCode: 1 });
    const coercion = fromServer('Variable "$input" got invalid value { runn: "x" } at "input.spec"; Field "runn" is not defined by type "WorkloadSpecInput".', {
      code: 'BAD_USER_INPUT',
      field: 'input.spec.runn',
    });
    expect(explainError(coercion).message).toBe('invalid spec.runn: Field "runn" is not defined by type "WorkloadSpecInput".');
  });

  it('says that the server is not running and how to start one', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:50051'), { code: 'ECONNREFUSED' });
    const error = new ConnectionError('http://127.0.0.1:50051/graphql', 'ECONNREFUSED', { cause: new TypeError('fetch failed', { cause: refused }) });
    const { message, code, exitCode } = explainError(error);
    expect(message).toBe(
      'the Sky Manager API server at http://127.0.0.1:50051/graphql is not running or not reachable (ECONNREFUSED).\n' +
        'Start one with `skym up` (API server and controllers) or `skym server` (API server only), ' +
        'or point skym at a running one with --api URL, SKYM_API or `skym config set api URL`.',
    );
    expect([code, exitCode]).toEqual(['CONNECTION', 1]);
  });

  it('names every server when several are down, and says when a change may have been made', () => {
    const none = ConnectionError.ofAll([new ConnectionError('http://a:1/graphql', 'ECONNREFUSED'), new ConnectionError('http://b:1/graphql', 'ECONNREFUSED')]);
    expect(explainError(none).message).toBe(
      'none of the Sky Manager API servers is running or reachable: http://a:1/graphql (ECONNREFUSED), http://b:1/graphql (ECONNREFUSED).\n' +
        'Start one with `skym up` (API server and controllers) or `skym server` (API server only), ' +
        'or point skym at a running one with --api URL, SKYM_API or `skym config set api URL`.',
    );
    const cause = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const lost = new ConnectionError('http://a:1/graphql', 'UND_ERR_SOCKET', { cause, mayHaveBeenApplied: true });
    expect(explainError(lost)).toEqual({
      message:
        'the connection to the Sky Manager API server at http://a:1/graphql was lost after the request was sent (UND_ERR_SOCKET): ' +
        'the change may or may not have been made; look with `skym get` before trying again.',
      code: 'CONNECTION',
      exitCode: 1,
    });
  });

  it('passes other messages through, keeping oclif\'s usage exit status', () => {
    expect(explainError(new ApiError('Unexpected error.')).message).toBe('the API server could not do that: Unexpected error.');
    expect(explainError(new UsageError('give NAMEs or --selector, not both'))).toEqual({ message: 'give NAMEs or --selector, not both', exitCode: 1 });
    expect(explainError(new Errors.CLIError('Missing 1 required arg', { exit: 2 })).exitCode).toBe(2);
  });
});

describe('describeObjectKey', () => {
  it('reads the API\'s keys and refuses anything else', () => {
    expect(describeObjectKey('deployments/default/web')).toEqual({ subject: 'deployment "web"', where: ' in namespace "default"' });
    expect(describeObjectKey('namespaces/x')).toEqual({ subject: 'namespace "x"', where: '' });
    expect(describeObjectKey('pods/x')).toBeUndefined();
    expect(describeObjectKey('jobs')).toBeUndefined();
  });
});
