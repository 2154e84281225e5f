import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Informer } from '../../../src/cluster-managers/kubernetes/informer.js';
import { listWatchSource } from '../../../src/cluster-managers/kubernetes/source.js';
import { startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';

/** A stand-in for a watch endpoint: each test sets how it answers. */
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let kubeConfig: KubeConfig;
const urls: URL[] = [];

let api: FakeApiServer;

beforeAll(async () => {
  api = await startFakeApiServer((req, res) => {
    urls.push(new URL(req.url ?? '/', 'http://x'));
    handler(req, res);
  });
  kubeConfig = api.kubeConfig;
});

afterAll(() => api.close());

interface Pod {
  metadata: { name: string; namespace: string; resourceVersion: string };
}
const pod = (name: string, resourceVersion: string): Pod => ({ metadata: { name, namespace: 'ns', resourceVersion } });
const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;

function source(connectTimeoutMs = 2000) {
  return listWatchSource<Pod>(kubeConfig, {
    path: '/api/v1/pods',
    labelSelector: 'sky.dev/managed-by=sky-manager',
    list: async () => ({ items: [pod('a', '3')], metadata: { resourceVersion: '4' } }),
    connectTimeoutMs,
    timeoutSeconds: 30,
  });
}

describe('listWatchSource over client-node Watch', () => {
  it('asks for a bounded, bookmarked watch from the version, and an Informer follows its events', async () => {
    const open: ServerResponse[] = [];
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(line('ADDED', pod('b', '5')));
      open.push(res);
    };
    const informer = new Informer<Pod>(source());
    try {
      informer.start();
      await vi.waitFor(() => expect(informer.list().map((p) => p.metadata.name).sort()).toEqual(['a', 'b']));
      const url = urls[urls.length - 1];
      expect(url.pathname).toBe('/api/v1/pods');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        watch: 'true',
        resourceVersion: '4',
        labelSelector: 'sky.dev/managed-by=sky-manager',
        timeoutSeconds: '30',
        allowWatchBookmarks: 'true',
      });
      open[0].write(line('DELETED', pod('a', '6')));
      await vi.waitFor(() => expect(informer.list().map((p) => p.metadata.name)).toEqual(['b']));
      expect(informer.fresh()).toBe(true);
    } finally {
      informer.stop();
      for (const res of open) res.end();
    }
  });

  it('rejects a watch the server refuses with its status code (410 makes the informer list again)', async () => {
    handler = (_req, res) => {
      res.writeHead(410, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired' }));
    };
    const error = await source()
      .watch('1', () => undefined, () => undefined)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as { statusCode?: number }).statusCode).toBe(410);
  });

  it('gives up on a watch the server does not answer within the connect timeout', async () => {
    const held: ServerResponse[] = [];
    handler = (_req, res) => held.push(res);
    try {
      await expect(source(100).watch('1', () => undefined, () => undefined)).rejects.toThrow(/not accepted within 100 ms/);
    } finally {
      for (const res of held) res.end();
    }
  });

  it('reports the end of an open stream to done, and abort() stops delivering events', async () => {
    const open: ServerResponse[] = [];
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      open.push(res);
    };
    const events: string[] = [];
    const done = vi.fn();
    const handle = await source().watch('1', (type) => events.push(type), done);
    open[0].write(line('ADDED', pod('x', '2')));
    await vi.waitFor(() => expect(events).toEqual(['ADDED']));
    open[0].end();
    await vi.waitFor(() => expect(done).toHaveBeenCalledTimes(1));
    handle.abort();
  });
});
