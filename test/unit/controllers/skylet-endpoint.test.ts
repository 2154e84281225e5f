/**
 * Both ends of the Skylet endpoint in one process: the controller manager's server
 * (src/controllers/skylet-endpoint.ts) over real HTTP, read by the API server's client
 * (src/resolvers/skylet-logs.ts). The log source stands in for a Skylet's cluster manager; the
 * local manager behind a real Skylet is exercised end to end in test/integration/logs.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogOptions } from '../../../src/cluster-managers/types.js';
import { createSkyletEndpoint, type LogSource, type SkyletEndpoint } from '../../../src/controllers/skylet-endpoint.js';
import type { ReplicaLogLine } from '../../../src/domain/skylet-api.js';
import { skyletAuthorization } from '../../../src/domain/skylet-token.js';
import { readSkyletLogs, SkyletError } from '../../../src/resolvers/skylet-logs.js';
import type { WorkloadRef } from '../../../src/domain/object-ref.js';

const HELLO = { kind: 'Job', namespace: 'default', name: 'hello' } as const;

/** What the source was asked for, and a way to feed a follow line by line. */
interface Call {
  ref: WorkloadRef;
  options: LogOptions;
}

const calls: Call[] = [];
let feed: ((line: ReplicaLogLine) => void) | undefined;

const sources: Record<string, LogSource> = {
  // Two replicas' logs; honours tail per replica as a cluster manager does.
  ready: {
    logs(ref, options) {
      calls.push({ ref, options });
      const lines = [
        { replica: 0, line: 'a1' },
        { replica: 0, line: 'a2' },
        { replica: 1, line: 'b1' },
      ];
      return (async function* () {
        for (const replica of [0, 1]) {
          const own = lines.filter((l) => l.replica === replica);
          yield* own.slice(options.tail === undefined ? 0 : Math.max(0, own.length - options.tail));
        }
      })();
    },
  },
  // A follow that yields what the test feeds it, until its signal aborts.
  live: {
    logs(ref, options) {
      calls.push({ ref, options });
      return (async function* () {
        while (!options.signal?.aborted) {
          const line = await new Promise<ReplicaLogLine | undefined>((resolve) => {
            feed = resolve;
            options.signal?.addEventListener('abort', () => resolve(undefined), { once: true });
          });
          if (line) yield line;
        }
      })();
    },
  },
  broken: {
    logs() {
      throw new Error('the cluster manager could not be created: no kubeconfig');
    },
  },
  flaky: {
    logs() {
      return (async function* () {
        yield { replica: 0, line: 'first' };
        throw new Error('disk gone');
      })();
    },
  },
};

let endpoint: SkyletEndpoint;
let notSkylet: Server;
let notSkyletUrl: string;

beforeAll(async () => {
  endpoint = createSkyletEndpoint({ lookup: (cluster) => sources[cluster], logger: pino({ level: 'silent' }) });
  await endpoint.start();
  notSkylet = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>an internal admin page</html>');
  });
  await new Promise<void>((resolve) => notSkylet.listen(0, '127.0.0.1', resolve));
  notSkyletUrl = `http://127.0.0.1:${(notSkylet.address() as AddressInfo).port}/clusters/x`;
});

afterAll(async () => {
  await endpoint.stop();
  await new Promise((resolve) => notSkylet.close(resolve));
});

async function read(endpointUrl: string | undefined, options: Parameters<typeof readSkyletLogs>[2] = { follow: false }) {
  const lines: ReplicaLogLine[] = [];
  for await (const line of readSkyletLogs(endpointUrl, HELLO, options)) lines.push(line);
  return lines;
}

async function failure(endpointUrl: string | undefined, options?: Parameters<typeof readSkyletLogs>[2]): Promise<SkyletError> {
  const error = await read(endpointUrl, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SkyletError)) throw new Error(`expected a SkyletError, got ${String(error)}`);
  return error;
}

describe('the Skylet endpoint', () => {
  it('publishes an endpoint per cluster on 127.0.0.1 by default', () => {
    expect(endpoint.urlFor('ready')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/clusters\/ready$/);
  });

  it('streams a cluster’s lines as NDJSON, passing tail and follow to the source', async () => {
    calls.length = 0;
    const response = await fetch(`${endpoint.urlFor('ready')}/logs/jobs/default/hello?tail=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await response.text()).toBe('{"replica":0,"line":"a2"}\n{"replica":1,"line":"b1"}\n');
    expect(calls).toEqual([{ ref: { kind: 'Job', namespace: 'default', name: 'hello' }, options: expect.objectContaining({ tail: 1, follow: false }) }]);
  });

  it('answers JSON errors: 404 for a cluster it does not serve or an unknown path, 400, 405, 503', async () => {
    const answer = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${endpoint.url}${path}`, init);
      return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
    };
    expect(await answer('/clusters/elsewhere/logs/jobs/default/hello')).toEqual({
      status: 404,
      type: 'application/json',
      body: { error: 'no Skylet for cluster "elsewhere" runs here' },
    });
    expect((await answer('/clusters/ready/logs/jobs/%2e%2e/hello')).status).toBe(404);
    expect(await answer('/clusters/ready/logs/jobs/default/hello?tail=x')).toMatchObject({ status: 400, body: { error: 'tail must be a whole number of lines, not "x"' } });
    expect((await answer('/clusters/ready/logs/jobs/default/hello', { method: 'DELETE' })).status).toBe(405);
    expect(await answer('/clusters/broken/logs/jobs/default/hello')).toMatchObject({ status: 503, body: { error: 'the cluster manager could not be created: no kubeconfig' } });
  });

  it('stops the source’s follow when the reader goes away', async () => {
    calls.length = 0;
    const reader = new AbortController();
    const lines = readSkyletLogs(endpoint.urlFor('live'), HELLO, { follow: true, signal: reader.signal })[Symbol.asyncIterator]();
    const first = lines.next();
    await expect.poll(() => calls.length).toBe(1);
    feed!({ replica: 0, line: 'tick 1' });
    expect(await first).toEqual({ done: false, value: { replica: 0, line: 'tick 1' } });
    expect(calls[0].options.follow).toBe(true);
    const next = lines.next();
    reader.abort();
    expect(await next).toEqual({ done: true, value: undefined }); // quietly: the reader left
    await expect.poll(() => calls[0].options.signal?.aborted).toBe(true);
  });
});

describe('reading a Skylet (the API server side)', () => {
  it('reads the lines of a cluster', async () => {
    expect(await read(endpoint.urlFor('ready'))).toEqual([
      { replica: 0, line: 'a1' },
      { replica: 0, line: 'a2' },
      { replica: 1, line: 'b1' },
    ]);
  });

  it('says why a cluster cannot be read, in words fit for a warning', async () => {
    expect((await failure(undefined)).message).toBe('no Skylet has published an endpoint for it yet (is the controller manager running?)');
    expect((await failure('file:///etc/passwd')).message).toBe('its skyletEndpoint is not usable: must be an http:// or https:// URL, not file:');
    expect((await failure(endpoint.urlFor('elsewhere'))).message).toBe(
      `its Skylet at ${endpoint.urlFor('elsewhere')} answered HTTP 404: no Skylet for cluster "elsewhere" runs here`,
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/clusters/x`;
    await new Promise((resolve) => closed.close(resolve));
    expect((await failure(deadUrl)).message).toBe(`cannot reach its Skylet at ${deadUrl} (ECONNREFUSED)`);
  });

  it('does not pass on what a URL that is not a Skylet serves', async () => {
    const error = await failure(notSkyletUrl);
    expect(error.message).toBe(`${notSkyletUrl} does not answer as a Skylet does (content-type "text/html" instead of application/x-ndjson)`);
    expect(error.message).not.toContain('admin');
  });

  it('reports a stream that breaks off, after the lines that came', async () => {
    const lines: ReplicaLogLine[] = [];
    const error = await (async () => {
      for await (const line of readSkyletLogs(endpoint.urlFor('flaky'), HELLO, { follow: false })) lines.push(line);
    })().catch((e: unknown) => e);
    expect(lines).toEqual([{ replica: 0, line: 'first' }]);
    expect(error).toBeInstanceOf(SkyletError);
    expect((error as Error).message).toMatch(new RegExp(`^the log stream from its Skylet at ${endpoint.urlFor('flaky')} broke off \\(`));
  });

  it('refuses link-local and metadata addresses unless allowed', async () => {
    for (const url of ['http://169.254.169.254/clusters/x', 'http://[fe80::1]:7070/clusters/x', 'http://[::ffff:169.254.169.254]/clusters/x']) {
      const host = new URL(url).hostname;
      expect((await failure(url, { follow: false })).message).toBe(
        `cannot reach its Skylet at ${url}: ${host} is a link-local or cloud metadata address, refused (skym server --skylet-allow-link-local allows it)`,
      );
    }
    // Allowed, the read goes out (and here finds nothing listening within the deadline).
    const allowed = await failure('http://169.254.169.254/clusters/x', { follow: false, allowLinkLocal: true, connectTimeoutMs: 50 });
    expect(allowed.message).not.toMatch(/link-local/);
  });

  it('fails a read that passes its deadline', async () => {
    const error = await failure(endpoint.urlFor('live'), { follow: true, deadlineMs: 200 });
    expect(error.message).toBe(`its Skylet at ${endpoint.urlFor('live')} did not send all of the logs within 0.2 s`);
  });
});

describe('the Skylet endpoint with a Skylet token', () => {
  const TOKEN = 'c2t5bS1za3lsZXQtdGVzdC10b2tlbg';
  let guarded: SkyletEndpoint;

  beforeAll(async () => {
    guarded = createSkyletEndpoint({ lookup: (cluster) => sources[cluster], token: TOKEN, logger: pino({ level: 'silent' }) });
    await guarded.start();
  });
  afterAll(() => guarded.stop());

  it('answers 401 to a request without the token or with another, before saying anything else', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const response = await fetch(`${guarded.urlFor('elsewhere')}/logs/jobs/default/hello`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="skylet"');
      expect((await response.json()).error).toMatch(/needs the Skylet token/);
    }
  });

  it('serves the API server’s client when it sends the token', async () => {
    expect(await read(guarded.urlFor('ready'), { follow: false, token: TOKEN })).toEqual([
      { replica: 0, line: 'a1' },
      { replica: 0, line: 'a2' },
      { replica: 1, line: 'b1' },
    ]);
  });

  it('refuses the token itself, and a credential collected for another endpoint', async () => {
    // What a listener published as some cluster's endpoint collects from the API server.
    const collected = skyletAuthorization(TOKEN, 'http://127.0.0.1:9/clusters/ready');
    for (const authorization of [`Bearer ${TOKEN}`, collected, skyletAuthorization(TOKEN, guarded.urlFor('live'))]) {
      const response = await fetch(`${guarded.urlFor('ready')}/logs/jobs/default/hello`, { headers: { authorization } });
      expect(response.status).toBe(401);
    }
    const own = await fetch(`${guarded.urlFor('ready')}/logs/jobs/default/hello`, { headers: { authorization: skyletAuthorization(TOKEN, guarded.urlFor('ready')) } });
    expect(own.status).toBe(200);
    await own.body?.cancel();
  });

  it('tells the API server’s client why when it has no token', async () => {
    expect((await failure(guarded.urlFor('ready'))).message).toMatch(/answered HTTP 401: this Skylet endpoint needs the Skylet token/);
  });
});
