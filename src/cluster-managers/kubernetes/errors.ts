/**
 * Errors of a member cluster's API in one line that names the cluster, what was asked and what
 * the cluster answered. client-node's ApiException carries the HTTP code and the raw Status body
 * (its own message dumps headers too); network failures arrive as node-fetch errors.
 */
import { ApiException } from '@kubernetes/client-node';

/** A Kubernetes Status, the body of every error the API server answers with. */
interface Status {
  reason?: string;
  message?: string;
  code?: number;
}

function statusOf(error: ApiException<unknown>): Status | undefined {
  const body = error.body;
  if (body && typeof body === 'object') return body as Status;
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as Status;
  } catch {
    return body.trim() ? { message: body.trim() } : undefined;
  }
}

/** The HTTP status code of a failed API call; undefined when the cluster was not reached at all. */
export function httpCode(error: unknown): number | undefined {
  if (error instanceof KubernetesError) return error.code;
  return error instanceof ApiException ? error.code : undefined;
}

export const isNotFound = (error: unknown) => httpCode(error) === 404;
export const isAlreadyExists = (error: unknown) => httpCode(error) === 409;

/** A failed call to a member cluster, with the cluster's own words. */
export class KubernetesError extends Error {
  constructor(
    message: string,
    /** HTTP status code; undefined when the cluster was not reached. */
    readonly code?: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubernetesError';
  }
}

/**
 * `cluster 'east': create Job default/hello: 422 Invalid: Job.batch "hello" is invalid: ...`, or
 * `cluster 'east': list Nodes: cannot reach the API server: connect ECONNREFUSED 127.0.0.1:6443`.
 */
export function describeFailure(cluster: string, action: string, error: unknown): KubernetesError {
  const prefix = `cluster '${cluster}': ${action}`;
  if (error instanceof KubernetesError) {
    // Described already, or a bare answer (a log stream's) that still needs its cluster and action.
    return error.message.startsWith("cluster '") ? error : new KubernetesError(`${prefix}: ${error.message}`, error.code, error.reason);
  }
  if (error instanceof ApiException) {
    const status = statusOf(error);
    const reason = status?.reason;
    let detail = reason ? `${error.code} ${reason}` : String(error.code);
    if (status?.message) detail += `: ${status.message}`;
    return new KubernetesError(`${prefix}: ${detail}`, error.code, reason);
  }
  const err = error as { name?: string; message?: string; code?: string };
  if (err?.name === 'AbortError') return new KubernetesError(`${prefix}: the request was aborted (timed out or the manager closed)`);
  const message = err?.message ?? String(error);
  // node-fetch: "request to https://127.0.0.1:6443/api/v1/nodes failed, reason: connect ECONNREFUSED 127.0.0.1:6443".
  const reason = /reason: (.*)$/.exec(message)?.[1] ?? message;
  return new KubernetesError(`${prefix}: cannot reach the API server: ${reason}`);
}

/** Runs one API call, turning its failure into a one-line error that names the cluster. */
export async function describedCall<T>(cluster: string, action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw describeFailure(cluster, action, error);
  }
}
