/**
 * Raw GraphQL over the wire for the API tests: `post` over HTTP (fetch), `Watch` over WebSocket
 * (graphql-ws with `ws`). Deliberately not src/client: these tests pin the server's contract as
 * any client sees it, including error shapes and HTTP status codes.
 */
import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface WireError {
  message: string;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
  path?: (string | number)[];
}

export interface Response<T> {
  status: number;
  data?: T | null;
  errors?: WireError[];
  text: string;
}

/** `headers` adds to the request's (an `authorization` for a server with a token file). */
export async function post<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T | null; errors?: WireError[] } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Left empty; callers assert on status and text.
  }
  return { status: response.status, data: body.data, errors: body.errors, text };
}

/** The data of a request that must succeed; fails the test with the server's errors otherwise. */
export async function data<T = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<T> {
  const response = await post<T>(url, query, variables, headers);
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL request failed (HTTP ${response.status}): ${response.text}`);
  }
  return response.data;
}

/** The single error of a request that must fail. */
export async function failure(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<WireError & { status: number }> {
  const response = await post(url, query, variables, headers);
  if (!response.errors?.length) throw new Error(`expected an error, got HTTP ${response.status}: ${response.text}`);
  return { ...response.errors[0], status: response.status };
}

// ------------------------------------------------------------------ documents per kind

const META = 'metadata { name namespace uid labels annotations resourceVersion generation creationTimestamp }';
const CONDITIONS = 'conditions { type status reason message lastTransitionTime }';
const RESOURCES = 'cpu memory gpu accelerator';
const QUOTA = 'cpu memory gpu accelerators { name gpu }';
const USAGE = 'cpu memory gpu accelerators { name gpu }';
const WORKLOAD = `kind ${META}
  spec { image run envs { name value } resources { ${RESOURCES} } replicas restartPolicy
         placement { clusterSelector preferences { selector weight } strategy } waitTimeout }
  status { phase ${CONDITIONS} placements { cluster replicas }
           replicaStatus { cluster pending running succeeded failed externalId exitCodes message }
           observedGeneration startTime completionTime readyReplicas }`;

export const FIELDS = {
  Cluster: `kind ${META}
    spec { manager kubernetes { context kubeconfigPath } slurm { slurmConf sshHost partition } local { cpu memory gpu } }
    status { phase ${CONDITIONS} capacity { ${RESOURCES} } allocatable { ${RESOURCES} }
             nodes { name ready capacity { ${RESOURCES} } allocatable { ${RESOURCES} } } acceleratorTypes message }`,
  Namespace: `kind ${META} status { phase ${CONDITIONS} }`,
  Job: WORKLOAD,
  Deployment: WORKLOAD,
  FilterPolicy: `kind ${META} spec { clusterFilter { include exclude clusterSelector } labelsSelector } status { phase ${CONDITIONS} }`,
  Queue: `kind ${META}
    spec { namespaces namespaceSelector quota { ${QUOTA} } cohort borrowingLimit { ${QUOTA} } lendingLimit { ${QUOTA} } weight
           queueingStrategy starvationTimeout paused preemption { withinQueue reclaimWithinCohort maxPerMinute } }
    status { phase ${CONDITIONS} usage { ${USAGE} } borrowed { ${USAGE} } pending admitted share }`,
  PriorityClass: `kind ${META} spec { value preemptionPolicy description globalDefault } status { phase ${CONDITIONS} }`,
  Lease: `kind ${META} spec { holderIdentity leaseDurationSeconds acquireTime renewTime leaseTransitions } status { phase ${CONDITIONS} }`,
  Role: `kind ${META} spec { rules { verbs resources resourceNames } } status { phase ${CONDITIONS} }`,
  ClusterRole: `kind ${META} spec { rules { verbs resources resourceNames } } status { phase ${CONDITIONS} }`,
  RoleBinding: `kind ${META} spec { subjects { kind name } roleRef { kind name } } status { phase ${CONDITIONS} }`,
  ClusterRoleBinding: `kind ${META} spec { subjects { kind name } roleRef { kind name } } status { phase ${CONDITIONS} }`,
} as const;

export type TestKind = keyof typeof FIELDS;

const NAMES: Record<TestKind, { singular: string; plural: string; namespaced: boolean; status: string }> = {
  Cluster: { singular: 'Cluster', plural: 'Clusters', namespaced: false, status: 'ClusterStatusUpdateInput' },
  Namespace: { singular: 'Namespace', plural: 'Namespaces', namespaced: false, status: 'NamespaceStatusUpdateInput' },
  Job: { singular: 'Job', plural: 'Jobs', namespaced: true, status: 'JobStatusUpdateInput' },
  Deployment: { singular: 'Deployment', plural: 'Deployments', namespaced: true, status: 'DeploymentStatusUpdateInput' },
  FilterPolicy: { singular: 'FilterPolicy', plural: 'FilterPolicies', namespaced: true, status: 'FilterPolicyStatusUpdateInput' },
  Queue: { singular: 'Queue', plural: 'Queues', namespaced: false, status: 'QueueStatusUpdateInput' },
  PriorityClass: { singular: 'PriorityClass', plural: 'PriorityClasses', namespaced: false, status: 'PriorityClassStatusUpdateInput' },
  Lease: { singular: 'Lease', plural: 'Leases', namespaced: false, status: 'LeaseStatusUpdateInput' },
  Role: { singular: 'Role', plural: 'Roles', namespaced: true, status: 'RoleStatusUpdateInput' },
  ClusterRole: { singular: 'ClusterRole', plural: 'ClusterRoles', namespaced: false, status: 'ClusterRoleStatusUpdateInput' },
  RoleBinding: { singular: 'RoleBinding', plural: 'RoleBindings', namespaced: true, status: 'RoleBindingStatusUpdateInput' },
  ClusterRoleBinding: { singular: 'ClusterRoleBinding', plural: 'ClusterRoleBindings', namespaced: false, status: 'ClusterRoleBindingStatusUpdateInput' },
};

const lower = (s: string) => s[0].toLowerCase() + s.slice(1);

/** The operations of one kind, each aliased `result` (`event` for the watch). */
export function documents(kind: TestKind) {
  const { singular: S, plural: P, namespaced, status } = NAMES[kind];
  const f = FIELDS[kind];
  const nsVar = namespaced ? '$namespace: String, ' : '';
  const nsArg = namespaced ? 'namespace: $namespace, ' : '';
  return {
    create: `mutation($input: ${S}Input!) { result: create${S}(input: $input) { ${f} } }`,
    update: `mutation($input: ${S}Input!) { result: update${S}(input: $input) { ${f} } }`,
    updateStatus: `mutation($input: ${status}!) { result: update${S}Status(input: $input) { ${f} } }`,
    get: `query(${nsVar}$name: String!) { result: ${lower(S)}(${nsArg}name: $name) { ${f} } }`,
    delete: `mutation(${nsVar}$name: String!) { result: delete${S}(${nsArg}name: $name) { ${f} } }`,
    list: `query(${nsVar}$labelSelector: String) { result: ${lower(P)}(${nsArg}labelSelector: $labelSelector) { kind resourceVersion items { ${f} } } }`,
    watch: `subscription(${nsVar}$resourceVersion: String, $labelSelector: String) {
      event: watch${P}(${nsArg}resourceVersion: $resourceVersion, labelSelector: $labelSelector) { type resourceVersion object { ${f} } } }`,
  };
}

// ------------------------------------------------------------------ subscriptions

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  resourceVersion: string;
  object: { kind: string; metadata: { name: string; namespace?: string | null; resourceVersion: string; labels: Record<string, string> }; [k: string]: any } | null;
}

/**
 * One graphql-ws subscription on its own connection, collecting what arrives. `terminate()`
 * drops the TCP connection without a goodbye, as a crashed client or a cut network would.
 */
export class Watch<E = WatchEvent> {
  readonly events: E[] = [];
  /** Every `next` payload as sent, extensions included (some carry no data, only extensions). */
  readonly payloads: FormattedExecutionResult<{ event: E }, unknown>[] = [];
  /** The errors of an `error` message (or of a `next` carrying errors), or the close event. */
  error?: unknown;
  completed = false;
  private readonly client: Client;
  private socket?: WebSocket;
  private changed?: () => void;

  /**
   * `headers` go on the upgrade request, `connectionParams` in connection_init (how a browser,
   * which cannot set headers on a WebSocket, sends a token).
   */
  constructor(
    wsUrl: string,
    query: string,
    variables: Record<string, unknown> = {},
    { headers, connectionParams }: { headers?: Record<string, string>; connectionParams?: Record<string, unknown> } = {},
  ) {
    class WebSocketWithHeaders extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    this.client = createClient({
      url: wsUrl,
      webSocketImpl: headers ? WebSocketWithHeaders : WebSocket,
      connectionParams,
      lazy: true,
      retryAttempts: 0,
      on: { connected: (socket) => (this.socket = socket as WebSocket) },
    });
    this.client.subscribe<{ event: E }>(
      { query, variables },
      {
        next: (result) => {
          this.payloads.push(result);
          if (result.errors) this.error = result.errors;
          else if (result.data) this.events.push(result.data.event);
          this.changed?.();
        },
        error: (error) => {
          this.error = error;
          this.changed?.();
        },
        complete: () => {
          this.completed = true;
          this.changed?.();
        },
      },
    );
  }

  /** Waits until `done(events)` holds; fails on a subscription error or after timeoutMs. */
  async until(done: (events: E[]) => boolean, timeoutMs = 10_000): Promise<E[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done(this.events)) return this.events;
      if (this.error !== undefined) throw new Error(`subscription failed: ${JSON.stringify(this.error)}`);
      if (this.completed) throw new Error(`subscription completed after ${this.events.length} events`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms with ${this.events.length} events: ${JSON.stringify(this.events).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits for the subscription to fail and returns what it failed with. */
  async failure(timeoutMs = 10_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (this.error === undefined) {
      if (Date.now() > deadline) throw new Error(`no error after ${timeoutMs} ms; events: ${JSON.stringify(this.events).slice(0, 1000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.error;
  }

  /** Ends the subscription the polite way (complete message, then close). */
  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** Kills the connection abruptly. */
  terminate(): void {
    this.socket?.terminate();
  }
}
