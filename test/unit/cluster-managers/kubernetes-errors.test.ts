import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeFailure, httpCode, isAlreadyExists, isNotFound } from '../../../src/cluster-managers/kubernetes/errors.js';

const status = (code: number, reason: string, message: string) =>
  new ApiException(code, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', status: 'Failure', code, reason, message }), { 'content-type': 'application/json' });

describe('describeFailure', () => {
  it("names the cluster, the action and the API server's own words, not the headers", () => {
    const error = describeFailure('east', 'create Job default/hello', status(422, 'Invalid', 'Job.batch "hello" is invalid: spec.completions: Required value'));
    expect(error.message).toBe(`cluster 'east': create Job default/hello: 422 Invalid: Job.batch "hello" is invalid: spec.completions: Required value`);
    expect(error.code).toBe(422);
    expect(error.reason).toBe('Invalid');
  });

  it('keeps a body that is not a Status as text, and a missing one out', () => {
    expect(describeFailure('east', 'list Nodes', new ApiException(503, 'x', 'upstream down', {})).message).toBe(`cluster 'east': list Nodes: 503: upstream down`);
    expect(describeFailure('east', 'list Nodes', new ApiException(401, 'Unauthorized', undefined, {})).message).toBe(`cluster 'east': list Nodes: 401`);
  });

  it('says when the API server could not be reached', () => {
    const fetchError = Object.assign(new Error('request to https://127.0.0.1:6443/api/v1/nodes failed, reason: connect ECONNREFUSED 127.0.0.1:6443'), { name: 'FetchError' });
    expect(describeFailure('east', 'list Nodes', fetchError).message).toBe(`cluster 'east': list Nodes: cannot reach the API server: connect ECONNREFUSED 127.0.0.1:6443`);
    expect(httpCode(describeFailure('east', 'list Nodes', fetchError))).toBeUndefined();
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(describeFailure('east', 'list Nodes', abort).message).toMatch(/aborted/);
  });

  it('classifies codes, before and after description', () => {
    expect(isNotFound(status(404, 'NotFound', 'x'))).toBe(true);
    expect(isAlreadyExists(status(409, 'AlreadyExists', 'x'))).toBe(true);
    expect(isNotFound(describeFailure('east', 'read', status(404, 'NotFound', 'x')))).toBe(true);
  });
});
