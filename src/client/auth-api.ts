/**
 * Who the client is and what it may do, asked of the server (whoAmI, accessReview): what
 * `skym auth whoami` and `skym auth can-i` print.
 */
import { SkyClient } from './connection.js';
import type { ApiOptions } from './api.js';

export interface UserInfo {
  username: string;
  uid: string | null;
  groups: string[];
  /** False when the server does not authenticate (everyone may do everything). */
  authenticated: boolean;
}

export interface AccessQuestion {
  /** get, list, watch, create, update, delete, use. */
  verb: string;
  /** jobs, clusters, jobs/status, jobs/log, …; `*` for any. */
  resource: string;
  /** Omitted for a namespaced resource: in every namespace. */
  namespace?: string;
  name?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  reason: string;
}

export class AuthAPI {
  readonly client: SkyClient;

  constructor(options: ApiOptions = {}) {
    this.client = options.client ?? new SkyClient(options);
  }

  async whoAmI(): Promise<UserInfo> {
    const { whoAmI } = await this.client.request<{ whoAmI: UserInfo }>('query WhoAmI { whoAmI { username uid groups authenticated } }', {});
    return whoAmI;
  }

  async canI(question: AccessQuestion): Promise<AccessAnswer> {
    const { accessReview } = await this.client.request<{ accessReview: AccessAnswer }>(
      'query AccessReview($verb: String!, $resource: String!, $namespace: String, $name: String) { accessReview(verb: $verb, resource: $resource, namespace: $namespace, name: $name) { allowed reason } }',
      { ...question },
    );
    return accessReview;
  }
}
