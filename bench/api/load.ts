/**
 * The load bench/api and bench/ha drive at API servers: GraphQL POSTs over keep-alive HTTP,
 * concurrent loops with latencies, and watch delivery latency over many subscribers spread over
 * one or more servers.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const CREATE = `mutation($input: JobInput!) { createJob(input: $input) { metadata { resourceVersion } } }`;
export const UPDATE = `mutation($input: JobInput!) { updateJob(input: $input) { metadata { resourceVersion } } }`;
export const GET = `query($name: String!) { job(name: $name) { metadata { resourceVersion } } }`;

/**
 * One GraphQL POST over a keep-alive node:http agent. The load shares the server's two cores;
 * undici's fetch spent about twice the CPU per request, which the server then did not get.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
export function gql(url: string, query: string, variables: object, headers: Record<string, string> = {}): Promise<any> {
  const target = new URL(url);
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: any; errors?: Array<{ message: string }> };
            if (parsed.errors?.length) reject(new Error(parsed.errors[0].message));
            else resolve(parsed.data);
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export function job(name: string, extra: Record<string, string> = {}) {
  return {
    metadata: { name, labels: { bench: 'api' }, annotations: extra },
    spec: { image: 'busybox', run: 'echo Sky!', resources: { cpu: 1, memory: 128 } },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `workers` loops calling `op(i)` until `deadline` or `count` ops; returns latencies in ms. */
export async function drive(workers: number, op: (i: number) => Promise<void>, limit: { count?: number; ms?: number }) {
  const latencies: number[] = [];
  const deadline = limit.ms ? Date.now() + limit.ms : Infinity;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline && (limit.count === undefined || next < limit.count)) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}


export interface WatchLoad {
  subscribers: number;
  connections: number;
  updates: number;
  warmup: number;
}

export interface Delivery {
  expected: number;
  delivered: number;
  p50: number;
  p99: number;
}

/**
 * Opens `subscribers` watchJobs subscriptions over `connections` WebSockets, spread round-robin
 * over `wsUrls`, and updates one Job through `writeUrl` at a steady rate. Latency runs from
 * sending an update to each subscriber receiving its event (so it includes the write); the
 * `warmup` updates before the timed ones reach every subscriber too but are not timed, as their
 * fan-out runs code V8 has not compiled yet. Returns the figures over all subscribers and per
 * WebSocket URL.
 */
export async function measureWatchDelivery(writeUrl: string, wsUrls: readonly string[], load: WatchLoad): Promise<{ all: Delivery; byUrl: Map<string, Delivery> }> {
  const connections = Math.min(load.connections, load.subscribers);
  await gql(writeUrl, CREATE, { input: job('watched') });
  const sockets: Array<{ url: string; client: Client }> = Array.from({ length: connections }, (_, i) => {
    const url = wsUrls[i % wsUrls.length];
    return { url, client: createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 }) };
  });
  const sentAt = new Map<string, number>();
  const latencies = new Map<string, number[]>(wsUrls.map((url) => [url, []]));
  const subscribersOf = new Map<string, number>(wsUrls.map((url) => [url, 0]));
  const disposers: Array<() => void> = [];
  const { resourceVersion } = (await gql(writeUrl, GET, { name: 'watched' })).job.metadata;
  for (let s = 0; s < load.subscribers; s++) {
    const { url, client } = sockets[s % connections];
    subscribersOf.set(url, subscribersOf.get(url)! + 1);
    const into = latencies.get(url)!;
    disposers.push(
      client.subscribe(
        { query: `subscription($rv: String) { watchJobs(namespace: "default", resourceVersion: $rv) { type resourceVersion object { metadata { annotations } } } }`, variables: { rv: resourceVersion } },
        {
          next: (msg: any) => {
            const seq = msg.data?.watchJobs?.object?.metadata?.annotations?.seq;
            const t = seq && sentAt.get(seq);
            if (t) into.push(performance.now() - t);
          },
          error: (e) => console.error('subscription error', e),
          complete: () => {},
        },
      ),
    );
  }
  // Give the subscriptions time to be established before measuring.
  await new Promise((r) => setTimeout(r, 2000 + load.subscribers));
  let rv = resourceVersion as string;
  for (let i = -load.warmup; i < load.updates; i++) {
    const seq = String(i + 1);
    if (i >= 0) sentAt.set(seq, performance.now());
    const update = job('watched', { seq });
    const res = await gql(writeUrl, UPDATE, { input: { ...update, metadata: { ...update.metadata, resourceVersion: rv } } });
    rv = res.updateJob.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 2000));
  disposers.forEach((d) => d());
  await Promise.all(sockets.map(({ client }) => client.dispose()));
  const summarize = (values: number[], subscribers: number): Delivery => {
    values.sort((a, b) => a - b);
    return { expected: load.updates * subscribers, delivered: values.length, p50: percentile(values, 50), p99: percentile(values, 99) };
  };
  const byUrl = new Map(wsUrls.map((url) => [url, summarize([...latencies.get(url)!], subscribersOf.get(url)!)]));
  return { all: summarize([...latencies.values()].flat(), load.subscribers), byUrl };
}
