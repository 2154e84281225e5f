/**
 * SlurmRestClient against a fake slurmrestd (a node:http server answering as 22.05's does, with
 * documents captured from a real one): which requests it makes with which headers, and what its
 * errors say. The real slurmrestd is in test/integration/slurm-e2e-rest.test.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SubmissionSpec } from '../../../src/cluster-managers/slurm/batch.js';
import { SlurmRestClient } from '../../../src/cluster-managers/slurm/rest-client.js';
import { SlurmRestToken } from '../../../src/cluster-managers/slurm/rest-token.js';

const captured = (file: string) => readFileSync(new URL(`./slurm-captured/${file}`, import.meta.url), 'utf8');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let url: string;
let dir: string;
let tokenFile: string;
let seen: Seen[] = [];
let answer: (request: Seen, response: ServerResponse) => void;

const TOKEN = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sun: 'alice', exp: 4_000_000_000 })).toString('base64url')}.c2ln`;

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sky-rest-client-'));
  tokenFile = path.join(dir, 'hpc.jwt');
  await writeFile(tokenFile, `SLURM_JWT=${TOKEN}\n`);
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body };
      seen.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(() => {
  seen = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const client = (options: { timeoutMs?: number; at?: string } = {}) =>
  new SlurmRestClient({ url: options.at ?? url, token: new SlurmRestToken({ file: tokenFile }), timeoutMs: options.timeoutMs });

const spec: SubmissionSpec = {
  ref: { kind: 'Job', namespace: 'team-a', name: 'train' },
  cluster: 'hpc',
  uid: 'uid-1',
  from: 0,
  to: 1,
  firstReplicaIndex: 0,
  run: 'echo Sky!',
  envs: [],
  resources: { cpu: 1, memory: 0, gpu: 0 },
  restartPolicy: 'NEVER',
  dir: '/shared/sky/hpc/team-a/jobs/train',
};

describe('SlurmRestClient', () => {
  it('reads nodes and jobs from openapi/v0.0.38 with the token and its user in the headers', async () => {
    answer = (request, response) => response.writeHead(200).end(captured(request.url.endsWith('/nodes') ? 'sinfo-b.json' : 'squeue-b-1.json'));
    const rest = client();
    const nodes = await rest.nodes();
    const jobs = await rest.jobs();
    expect(nodes.length).toBeGreaterThan(0);
    expect(jobs.length).toBeGreaterThan(0);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /slurm/v0.0.38/nodes', 'GET /slurm/v0.0.38/jobs']);
    expect(seen[0].headers).toMatchObject({ 'x-slurm-user-name': 'alice', 'x-slurm-user-token': TOKEN });
  });

  it('submits the batch script with the job description, and answers with the job id', async () => {
    answer = (_, response) => json(response, 200, { errors: [], job_id: 42, step_id: 'BATCH' });
    expect(await client().submit(spec)).toBe('42');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/slurm/v0.0.38/job/submit', headers: { 'content-type': 'application/json' } });
    const body = JSON.parse(seen[0].body);
    expect(body.script).toMatch(/^#!\/bin\/sh\n/);
    expect(body.job).toMatchObject({ name: 'sky.team-a.train', array: '0-1', environment: { PATH: expect.stringContaining('/usr/bin') } });
  });

  it('cancels each id with its own DELETE; what has already ended is fine, another error is thrown after all were tried', async () => {
    answer = (request, response) => {
      if (request.url.endsWith('/12')) return json(response, 500, { errors: [{ error: 'Invalid job id specified', error_number: 2017 }] });
      if (request.url.endsWith('/14')) return json(response, 500, { errors: [{ error: 'Access/permission denied', error_number: 2002 }] });
      json(response, 200, { errors: [] });
    };
    await client().cancel(['12', '13_[3-5]']);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['DELETE /slurm/v0.0.38/job/12', 'DELETE /slurm/v0.0.38/job/13_%5B3-5%5D']);
    seen = [];
    await expect(client().cancel(['14', '15'])).rejects.toThrow('DELETE /slurm/v0.0.38/job/14: Access/permission denied');
    expect(seen).toHaveLength(2);
  });

  it('says a refused token names its file, and what 22.05’s "Unspecified error" may mean', async () => {
    answer = (_, response) => response.writeHead(401).end('Authentication failure');
    await expect(client().nodes()).rejects.toThrow(`the token in ${tokenFile} for user alice was refused`);
    answer = (_, response) => json(response, 500, { errors: [{ error: 'Unspecified error', errno: -1 }] });
    await expect(client().nodes()).rejects.toThrow(
      `GET /slurm/v0.0.38/nodes: Unspecified error (slurmrestd 22.05 says so both when slurmctld cannot be reached and when it refuses the token in ${tokenFile})`,
    );
  });

  it('says when the API version is not served, the server is not there, or does not answer in time', async () => {
    answer = (_, response) => response.writeHead(404).end('Not Found');
    await expect(client().jobs()).rejects.toThrow('not found; this slurmrestd does not serve openapi/v0.0.38');
    answer = (_, response) => response.writeHead(502).end('<html>Bad Gateway</html>');
    await expect(client().jobs()).rejects.toThrow('GET /slurm/v0.0.38/jobs: HTTP 502 <html>Bad Gateway</html>');
    answer = () => undefined;
    await expect(client({ timeoutMs: 200 }).jobs()).rejects.toThrow('GET /slurm/v0.0.38/jobs: no answer within 200 ms');
    // A port nothing listens on: the server's own, closed in a moment.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client({ at: `http://127.0.0.1:${port}` }).jobs()).rejects.toThrow(`slurmrestd http://127.0.0.1:${port}: GET /slurm/v0.0.38/jobs: ECONNREFUSED`);
  });
});
