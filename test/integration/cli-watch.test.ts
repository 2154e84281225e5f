/**
 * `skym get --watch`: the real binary stays running, prints a row per change as it happens, and
 * ends on Ctrl-C (SIGINT, sent by pid). Across a dropped connection it carries on by itself.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterAPI, JobAPI, NamespaceAPI, SkyClient } from '../../src/client/index.js';
import { spawnSkym, type SkymProcess } from '../helpers/cli.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
let client: SkyClient;
let runs = 0;
const watchers: SkymProcess[] = [];

function watch(args: string[], url = server.url): SkymProcess {
  const watcher = spawnSkym(args, { api: url });
  watchers.push(watcher);
  return watcher;
}

async function freshNamespace(): Promise<string> {
  const name = `watch-${++runs}`;
  await new NamespaceAPI({ client }).create({ metadata: { name } });
  return name;
}

const has = (text: string) => (lines: string[]) => lines.some((line) => line.includes(text));

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
  client = new SkyClient({ url: server.url });
});

afterAll(async () => {
  // Stops any watch a failed test left running.
  await Promise.all(watchers.map((w) => w.interrupt()));
  await client?.close();
  await server?.stop();
});

describe('get --watch', () => {
  it('prints the objects, then a row per change as it happens, until SIGINT', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'before' }, spec: { run: 'x' } });

    const watcher = watch(['get', 'jobs', '-n', ns, '--watch']);
    await watcher.waitFor(has('before'));

    await jobs.create({ metadata: { name: 'during' }, spec: { run: 'x', resources: { cpu: 2 } } });
    await watcher.waitFor(has('during'));
    await jobs.updateStatus({ metadata: { name: 'during' }, status: { phase: 'RUNNING', placements: [{ cluster: 'mluo-cloud', replicas: 1 }] } });
    await watcher.waitFor(has('mluo-cloud'));
    await jobs.delete('during');
    await watcher.waitFor(has('DELETED'));

    const result = await watcher.interrupt();
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'Event     Name    Cluster  Replicas  Resources  Namespace  Status',
      `ADDED     before                  0  cpu: 0     ${ns.padEnd(9)}  PENDING`,
      `ADDED     during                  0  cpu: 2     ${ns.padEnd(9)}  PENDING`,
      // Later rows keep the columns of the first ones, widening one only for a longer value.
      `MODIFIED  during  mluo-cloud         1  cpu: 2     ${ns.padEnd(9)}  RUNNING`,
      `DELETED   during  mluo-cloud         1  cpu: 2     ${ns.padEnd(9)}  RUNNING`,
      '',
    ]);
  });

  it('-o json prints one event per line', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'existing' }, spec: { run: 'x' } });
    const watcher = watch(['get', 'jobs', '-n', ns, '-w', '-o', 'json']);
    await watcher.waitFor((l) => l.length >= 1);
    await jobs.create({ metadata: { name: 'streamed' }, spec: { run: 'x' } });
    await jobs.delete('streamed');
    const lines = await watcher.waitFor((l) => l.length >= 3);
    await watcher.interrupt();
    expect(lines.map((line) => JSON.parse(line)).map((e: { type: string; object: { metadata: { name: string } } }) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'existing'],
      ['ADDED', 'streamed'],
      ['DELETED', 'streamed'],
    ]);
  });

  it('watches one object by NAME, ignoring the others', async () => {
    const ns = await freshNamespace();
    const jobs = new JobAPI({ client, namespace: ns });
    await jobs.create({ metadata: { name: 'mine' }, spec: { run: 'x' } });
    const watcher = watch(['get', 'job', 'mine', '-n', ns, '-w']);
    await watcher.waitFor(has('mine'));
    await jobs.create({ metadata: { name: 'other' }, spec: { run: 'x' } });
    await jobs.delete('mine');
    await watcher.waitFor(has('DELETED'));
    const { stdout } = await watcher.interrupt();
    expect(stdout).not.toContain('other');
  });
});

describe('get --watch keeps its columns', () => {
  /** True when the line has a value starting exactly where the header's column does. */
  const startsAt = (line: string, at: number) => line[at] !== ' ' && line[at - 1] === ' ';

  it('rows of a workload line up with the first ones as it is placed, runs and ends', async () => {
    const clusters = new ClusterAPI({ client });
    await clusters.create({ metadata: { name: 'a-rather-long-cluster-name' }, spec: { manager: 'LOCAL' } });
    try {
      const ns = await freshNamespace();
      const jobs = new JobAPI({ client, namespace: ns });
      await jobs.create({ metadata: { name: 'stable' }, spec: { run: 'x', replicas: 2 } });
      const watcher = watch(['get', 'jobs', '-n', ns, '-w', '-o', 'wide']);
      await watcher.waitFor(has('stable'));
      await jobs.updateStatus({ metadata: { name: 'stable' }, status: { phase: 'SCHEDULED', placements: [{ cluster: 'a-rather-long-cluster-name', replicas: 2 }] } });
      await watcher.waitFor(has('SCHEDULED'));
      await jobs.updateStatus({ metadata: { name: 'stable' }, status: { phase: 'COMPLETED' } });
      await watcher.waitFor(has('COMPLETED'));
      const { stdout } = await watcher.interrupt();

      const [header, ...rows] = stdout.trimEnd().split('\n');
      expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['ADDED', 'MODIFIED', 'MODIFIED']);
      expect(rows[1]).toContain('a-rather-long-cluster-name');
      // Every row's columns start where the header's do: nothing shifted as values grew.
      for (const column of ['Namespace', 'Status', 'Age']) {
        for (const row of rows) expect(startsAt(row, header.indexOf(column)), `${column} in\n${header}\n${row}`).toBe(true);
      }
    } finally {
      await clusters.delete('a-rather-long-cluster-name');
    }
  });

  it('rows of a cluster line up as its free figures and phase change', async () => {
    const clusters = new ClusterAPI({ client });
    const name = 'watched-cluster';
    await clusters.create({ metadata: { name, labels: { suite: 'watch-width' } }, spec: { manager: 'LOCAL' } });
    try {
      const capacity = { cpu: 16, memory: 65_536, gpu: 0 };
      await clusters.updateStatus({ metadata: { name }, status: { phase: 'READY', capacity, allocatable: capacity } });
      const watcher = watch(['get', 'clusters', '-l', 'suite=watch-width', '-w', '-o', 'wide']);
      await watcher.waitFor(has('READY'));
      await clusters.updateStatus({ metadata: { name }, status: { phase: 'READY', capacity, allocatable: { cpu: 5.79, memory: 12_071.34, gpu: 0 } } });
      await watcher.waitFor((lines) => lines.some((line) => line.includes('5.79')));
      await clusters.updateStatus({ metadata: { name }, status: { phase: 'ERROR', message: 'unreachable', capacity, allocatable: capacity } });
      await watcher.waitFor(has('ERROR'));
      const { stdout } = await watcher.interrupt();

      const lines = stdout.trimEnd().split('\n');
      const header = lines[0];
      const firstLines = lines.filter((line) => /^(ADDED|MODIFIED)/.test(line));
      expect(firstLines).toHaveLength(3);
      const statusAt = header.indexOf('Status');
      expect(firstLines.map((line) => line.slice(statusAt).split(/\s{2,}/)[0])).toEqual(['READY', 'READY', 'ERROR: unreachable']);
      // The memory lines (the widest of the cell) end before the Status column in every row.
      for (const line of lines.filter((l) => l.includes('memory:'))) expect(line.trimEnd().length).toBeLessThan(statusAt);
      expect(lines.filter((l) => l.includes('memory:'))).toEqual([expect.stringContaining('64.0/64.0 GiB'), expect.stringContaining('11.79/64.0 GiB'), expect.stringContaining('64.0/64.0 GiB')]);
    } finally {
      await clusters.delete(name);
    }
  });
});

/**
 * A TCP proxy in front of the API server whose connections can be cut, as a network blip or a
 * load balancer would: the watch's WebSocket drops while the server keeps running.
 */
async function cuttableProxy(target: string): Promise<{ url: string; connections: () => number; cut: () => void; close: () => Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  const proxy = createServer((downstream) => {
    connections++;
    const upstream = connect(Number(port), hostname);
    for (const [a, b] of [[downstream, upstream], [upstream, downstream]] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => a.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${proxyPort}/graphql`,
    connections: () => connections,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe('get --watch across a dropped connection', () => {
  it('resumes by itself and prints each change once, including those made while it was cut off', async () => {
    const proxy = await cuttableProxy(server.url);
    try {
      const ns = await freshNamespace();
      const jobs = new JobAPI({ client, namespace: ns });
      await jobs.create({ metadata: { name: 'before-cut' }, spec: { run: 'x' } });
      const watcher = watch(['get', 'jobs', '-n', ns, '-w'], proxy.url);
      await watcher.waitFor(has('before-cut'));
      await jobs.create({ metadata: { name: 'live' }, spec: { run: 'x' } });
      await watcher.waitFor(has('live'));
      const before = proxy.connections();

      proxy.cut();
      await jobs.create({ metadata: { name: 'during-cut' }, spec: { run: 'x' } });
      await watcher.waitFor(has('during-cut'));
      await jobs.delete('before-cut');
      await watcher.waitFor(has('DELETED'));
      const result = await watcher.interrupt();

      expect(proxy.connections()).toBeGreaterThan(before); // it did reconnect
      expect(result.code).toBe(0);
      const events = result.stdout.split('\n').slice(1, -1).map((line) => line.split(/\s+/).slice(0, 2).join(' '));
      expect(events).toEqual(['ADDED before-cut', 'ADDED live', 'ADDED during-cut', 'DELETED before-cut']);
    } finally {
      await proxy.close();
    }
  });
});
