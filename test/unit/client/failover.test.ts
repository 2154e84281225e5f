import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { failoverDecision, neverSent, operationType } from '../../../src/client/failover.js';
import { DOCUMENTS } from '../../../src/client/documents.js';

/** An error as Node reports a socket call's failure. */
const sysError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall, errno: -1 });
/** As fetch (undici) throws it: a TypeError whose cause is the socket's error. */
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
/** As ws reports a failed socket: an ErrorEvent wrapping the error. */
const wsErrorEvent = (error: unknown) => ({ type: 'error', message: String(error), error });

describe('neverSent: the request certainly did not reach a server', () => {
  it('for failures to resolve or to connect', () => {
    expect(neverSent(fetchFailed(sysError('ECONNREFUSED', 'connect')))).toBe(true);
    expect(neverSent(fetchFailed(sysError('ENOTFOUND', 'getaddrinfo')))).toBe(true);
    expect(neverSent(fetchFailed(sysError('EAI_AGAIN', 'getaddrinfo')))).toBe(true);
    expect(neverSent(fetchFailed(sysError('EHOSTUNREACH', 'connect')))).toBe(true);
    // A reset while the connection was being made (a listener that closes at once): nothing was written yet.
    expect(neverSent(fetchFailed(sysError('ECONNRESET', 'connect')))).toBe(true);
    expect(neverSent(fetchFailed(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })))).toBe(true);
    expect(neverSent(wsErrorEvent(sysError('ECONNREFUSED', 'connect')))).toBe(true);
  });

  it('not for failures after the request may have been written', () => {
    expect(neverSent(fetchFailed(sysError('ECONNRESET', 'read')))).toBe(false);
    expect(neverSent(fetchFailed(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })))).toBe(false);
    expect(neverSent(fetchFailed(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' })))).toBe(false);
    expect(neverSent(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(false);
    expect(neverSent(fetchFailed(sysError('EPIPE', 'write')))).toBe(false);
    expect(neverSent({ code: 1006, reason: '' })).toBe(false);
    expect(neverSent(new Error('something else'))).toBe(false);
    expect(neverSent(undefined)).toBe(false);
  });

  it('reads the errors fetch really throws', async () => {
    const refused = await fetch(`http://127.0.0.1:${await closedPort()}/graphql`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(neverSent(refused)).toBe(true);

    // A server that reads the request, then drops the connection without an answer.
    const dropper = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = dropper.address() as net.AddressInfo;
      const dropped = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
      expect(dropped).toBeInstanceOf(TypeError);
      expect(neverSent(dropped)).toBe(false);
    } finally {
      dropper.close();
    }
  });
});

describe('failoverDecision', () => {
  const refused = fetchFailed(sysError('ECONNREFUSED', 'connect'));
  const resetAfterSending = fetchFailed(sysError('ECONNRESET', 'read'));
  const timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

  it('sends a query to the next server after any connection failure', () => {
    for (const failure of [refused, resetAfterSending, timedOut]) expect(failoverDecision('query', failure)).toBe('next-server');
  });

  it('sends a mutation to the next server only when it never reached one', () => {
    expect(failoverDecision('mutation', refused)).toBe('next-server');
    expect(failoverDecision('mutation', fetchFailed(sysError('ENOTFOUND', 'getaddrinfo')))).toBe('next-server');
    expect(failoverDecision('mutation', resetAfterSending)).toBe('surface');
    expect(failoverDecision('mutation', timedOut)).toBe('surface');
  });
});

describe('operationType', () => {
  it('tells the client documents apart', () => {
    expect(operationType(DOCUMENTS.Job.list.toString())).toBe('query');
    expect(operationType(DOCUMENTS.Job.get.toString())).toBe('query');
    for (const verb of ['create', 'update', 'updateStatus', 'delete'] as const) expect(operationType(DOCUMENTS.Job[verb].toString())).toBe('mutation');
    expect(operationType(DOCUMENTS.Cluster.watch.toString())).toBe('subscription');
  });

  it('reads shorthand, comments and fragments', () => {
    expect(operationType('{ __typename }')).toBe('query');
    expect(operationType('# a comment\nfragment F on Job { kind }\nmutation M { deleteJob(name: "x") { ...F } }')).toBe('mutation');
    // Refused by the server without effect, whatever it says.
    expect(operationType('mutation {')).toBe('query');
  });
});

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
