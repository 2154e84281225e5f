import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followPodLog } from '../../../src/cluster-managers/kubernetes/log-stream.js';
import { startFakeApiServer, type FakeApiServer } from './fake-apiserver.js';

/** A stand-in for the pod log endpoint: each test sets how it answers. */
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let kubeConfig: KubeConfig;
const requests: string[] = [];
const authorizations: (string | undefined)[] = [];

let api: FakeApiServer;

beforeAll(async () => {
  api = await startFakeApiServer((req, res) => {
    requests.push(req.url ?? '');
    authorizations.push(req.headers.authorization);
    handler(req, res);
  }, 'secret-token');
  kubeConfig = api.kubeConfig;
});

afterAll(() => api.close());

const request = { namespace: 'ns', pod: 'web-0', container: 'sky', tail: 5 };

describe('followPodLog', () => {
  it('delivers lines as they come, split across chunks, and the last unterminated one', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one\ntw');
      setTimeout(() => res.end('o\nthree'), 20);
    };
    const lines: string[] = [];
    await followPodLog(kubeConfig, request, (line) => lines.push(line), new AbortController().signal);
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(authorizations.at(-1)).toBe('Bearer secret-token');
    expect(requests.at(-1)).toBe('/api/v1/namespaces/ns/pods/web-0/log?container=sky&follow=true&tailLines=5');
  });

  it("rejects with the API server's code and message", async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 400, message: 'container "sky" in pod "web-0" is waiting to start: ContainerCreating' }));
    };
    await expect(followPodLog(kubeConfig, request, () => undefined, new AbortController().signal)).rejects.toMatchObject({
      code: 400,
      message: '400: container "sky" in pod "web-0" is waiting to start: ContainerCreating',
    });
  });

  it('ends quietly when aborted mid-stream or when the connection drops', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('first\n');
    };
    const controller = new AbortController();
    const lines: string[] = [];
    const following = followPodLog(kubeConfig, request, (line) => {
      lines.push(line);
      controller.abort();
    }, controller.signal);
    await expect(following).resolves.toBeUndefined();
    expect(lines).toEqual(['first']);

    handler = (_req, res) => {
      res.writeHead(200);
      res.write('partial\n');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const dropped: string[] = [];
    await followPodLog(kubeConfig, request, (line) => dropped.push(line), new AbortController().signal);
    expect(dropped).toEqual(['partial']);
  });

  it('does not even ask when already aborted', async () => {
    const before = requests.length;
    const controller = new AbortController();
    controller.abort();
    await followPodLog(kubeConfig, request, () => undefined, controller.signal);
    expect(requests.length).toBe(before);
  });
});
