/**
 * bench/api/access: watch delivery with authorization by namespace, side by side with none.
 *
 *   npm run build && node dist/bench/api/access.js [--subscribers 1000] [--users 10]
 *        [--connections 100] [--updates 200] [--warmup 20] [--seconds 5] [--clients 16]
 *
 * Ten namespaces, one Job in each, updated in turn. Three set-ups, each a fresh server process
 * (lowdb): no authentication, each subscriber watching its user's namespace; authorization on,
 * each of the 10 users bound (RoleBinding of sky-view) to one namespace and every subscriber
 * watching all namespaces (the server leaves out what its user may not see); authorization on,
 * each watching its own namespace by name. Every subscriber gets the same events in these three.
 * A fourth: each user may see two namespaces (its own and the next), watching all namespaces
 * (each update reaches twice the subscribers).
 * Latency: update sent → event received, over all subscribers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type ServerProcess } from '../../test/helpers/server.js';
import { printTable, type Row } from '../queues/table.js';
import { CREATE, UPDATE, drive, gql, job, percentile, rssMiB } from './load.js';

const GET_IN = 'query($name: String!, $namespace: String) { job(name: $name, namespace: $namespace) { metadata { resourceVersion } } }';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    users: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    updates: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '16' },
  },
});
const subscribers = Number(args.subscribers);
const users = Number(args.users);
const connections = Math.min(Number(args.connections), subscribers);
const updates = Number(args.updates);
const warmup = Number(args.warmup);
const seconds = Number(args.seconds);
const clients = Number(args.clients);
for (const [name, value] of Object.entries({ subscribers, users, connections, updates, warmup, seconds, clients })) {
  if (!Number.isInteger(value) || value < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a whole number, got ${value}`);
}

const ADMIN = 'bench-admin-token-0123456789';
const tokenOf = (user: number) => `bench-user-${user}-token-0123456789`;
const namespaceOf = (user: number) => `ns-${user}`;

interface SetUp {
  name: string;
  auth: boolean;
  /** Watch all namespaces (and let authorization filter) rather than the user's own. */
  allNamespaces: boolean;
  /** Namespaces each user may see: its own and the next ones (ns-u … ns-(u+k-1), wrapping). */
  namespacesPerUser: number;
}
const SET_UPS: SetUp[] = [
  { name: 'no authentication, own namespace', auth: false, allNamespaces: false, namespacesPerUser: 1 },
  { name: 'authorization, all namespaces (filtered)', auth: true, allNamespaces: true, namespacesPerUser: 1 },
  { name: 'authorization, own namespace', auth: true, allNamespaces: false, namespacesPerUser: 1 },
  // Each update then reaches twice the subscribers: compare latency, not counts.
  { name: 'authorization, all namespaces, 2 namespaces per user', auth: true, allNamespaces: true, namespacesPerUser: 2 },
];
/** The users who may see namespace ns-u. */
const viewersOf = (u: number, perUser: number) => Array.from({ length: perUser }, (_, k) => (u - k + users) % users);

async function withServer<T>(auth: boolean, fn: (server: ServerProcess) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sky-bench-access-'));
  let tokenAuthFile: string | undefined;
  if (auth) {
    tokenAuthFile = join(dir, 'tokens.csv');
    const lines = [`${ADMIN},admin,0,sky:admins`, ...Array.from({ length: users }, (_, u) => `${tokenOf(u)},user-${u},${u + 1}`)];
    await writeFile(tokenAuthFile, `${lines.join('\n')}\n`);
  }
  const server = await startServer({ store: 'lowdb', tokenAuthFile });
  try {
    return await fn(server);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function measure(setUp: SetUp): Promise<Row> {
  return withServer(setUp.auth, async (server) => {
    const admin: Record<string, string> = setUp.auth ? { authorization: `Bearer ${ADMIN}` } : {};
    const versions: string[] = [];
    for (let u = 0; u < users; u++) {
      const namespace = namespaceOf(u);
      await gql(server.url, 'mutation($input: NamespaceInput!) { createNamespace(input: $input) { kind } }', { input: { metadata: { name: namespace } } }, admin);
      if (setUp.auth) {
        const subjects = viewersOf(u, setUp.namespacesPerUser).map((v) => ({ kind: 'User', name: `user-${v}` }));
        await gql(
          server.url,
          'mutation($input: RoleBindingInput!) { createRoleBinding(input: $input) { kind } }',
          { input: { metadata: { name: 'view', namespace }, spec: { subjects, roleRef: { kind: 'ClusterRole', name: 'sky-view' } } } },
          admin,
        );
      }
      const input = job('watched');
      await gql(server.url, CREATE, { input: { ...input, metadata: { ...input.metadata, namespace } } }, admin);
      versions.push((await gql(server.url, GET_IN, { name: 'watched', namespace }, admin)).job.metadata.resourceVersion);
    }
    const since = versions.reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));

    // Connection c belongs to user c % users; subscriber s rides connection s % connections.
    const sockets: Client[] = Array.from({ length: connections }, (_, c) =>
      createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: setUp.auth ? { token: tokenOf(c % users) } : undefined }),
    );
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const perUser = new Array<number>(users).fill(0);
    const disposers: Array<() => void> = [];
    for (let s = 0; s < subscribers; s++) {
      const c = s % connections;
      const user = c % users;
      perUser[user] += 1;
      const query = setUp.allNamespaces
        ? 'subscription($rv: String) { watchJobs(resourceVersion: $rv) { type object { metadata { annotations } } } }'
        : 'subscription($rv: String, $ns: String) { watchJobs(namespace: $ns, resourceVersion: $rv) { type object { metadata { annotations } } } }';
      disposers.push(
        sockets[c].subscribe(
          { query, variables: { rv: since, ns: namespaceOf(user) } },
          {
            next: (msg: any) => {
              if (msg.errors) console.error('subscription error', msg.errors[0].message);
              const seq = msg.data?.watchJobs?.object?.metadata?.annotations?.seq;
              const t = seq && sentAt.get(seq);
              if (t) latencies.push(performance.now() - t);
            },
            error: (e) => console.error('subscription error', e),
            complete: () => {},
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 2000 + subscribers));
    const rv = [...versions];
    let expected = 0;
    for (let i = -warmup; i < updates; i++) {
      const seq = String(i + 1);
      const u = ((i % users) + users) % users;
      if (i >= 0) {
        sentAt.set(seq, performance.now());
        for (const v of viewersOf(u, setUp.allNamespaces ? setUp.namespacesPerUser : 1)) expected += perUser[v];
      }
      const update = job('watched', { seq });
      const res = await gql(server.url, UPDATE, { input: { ...update, metadata: { ...update.metadata, namespace: namespaceOf(u), resourceVersion: rv[u] } } }, admin);
      rv[u] = res.updateJob.metadata.resourceVersion;
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 2000));
    disposers.forEach((d) => d());
    await Promise.all(sockets.map((c) => c.dispose()));
    latencies.sort((a, b) => a - b);
    return {
      'set-up': setUp.name,
      'delivered / expected': `${latencies.length.toLocaleString('en-US')} / ${expected.toLocaleString('en-US')}`,
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'server RSS MiB': rssMiB(server.pid),
    };
  });
}

/**
 * createJob for `--seconds` from `--clients` loops into ns-0: without authentication; as an
 * admin (a ClusterRoleBinding); as user-0, who may create there through a RoleBinding of sky-edit.
 * What authorization adds per request: the caller's grants (cached) and the namespace argument.
 */
async function measureCreates(who: 'nobody' | 'admin' | 'user-0'): Promise<Row> {
  return withServer(who !== 'nobody', async (server) => {
    const admin: Record<string, string> = who === 'nobody' ? {} : { authorization: `Bearer ${ADMIN}` };
    await gql(server.url, 'mutation($input: NamespaceInput!) { createNamespace(input: $input) { kind } }', { input: { metadata: { name: 'ns-0' } } }, admin);
    if (who === 'user-0') {
      await gql(
        server.url,
        'mutation($input: RoleBindingInput!) { createRoleBinding(input: $input) { kind } }',
        { input: { metadata: { name: 'edit', namespace: 'ns-0' }, spec: { subjects: [{ kind: 'User', name: 'user-0' }], roleRef: { kind: 'ClusterRole', name: 'sky-edit' } } } },
        admin,
      );
    }
    const headers = who === 'user-0' ? { authorization: `Bearer ${tokenOf(0)}` } : admin;
    const create = (i: number) => {
      const input = job(`c-${i}`);
      return gql(server.url, CREATE, { input: { ...input, metadata: { ...input.metadata, namespace: 'ns-0' } } }, headers);
    };
    await drive(clients, create, { count: 500 }); // warm-up: JIT, caches
    const result = await drive(clients, (i) => create(i + 1_000_000), { ms: seconds * 1000 });
    return {
      caller: who === 'nobody' ? 'no authentication' : who === 'admin' ? 'admin (ClusterRoleBinding)' : 'user-0 (RoleBinding in ns-0)',
      'creates/s': Math.round(result.perSecond),
      'p50 ms': result.p50,
      'p99 ms': result.p99,
    };
  });
}

console.log(`bench/api/access on Node ${process.version}, ${new Date().toISOString()}`);
const creates: Row[] = [];
for (const who of ['nobody', 'admin', 'user-0'] as const) creates.push(await measureCreates(who));
printTable(`createJob: ${clients} clients for ${seconds} s, lowdb`, creates);
const rows: Row[] = [];
for (const setUp of SET_UPS) rows.push(await measure(setUp));
printTable(`watch delivery: ${subscribers} subscribers of ${users} users over ${connections} WebSockets, ${updates} updates over ${users} namespaces`, rows);
