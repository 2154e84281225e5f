/**
 * A real, throw-away etcd for integration tests: Debian's /usr/bin/etcd on free loopback ports
 * with a temporary data directory. `stop()` kills it by pid and removes the directory; every test
 * that starts one must call it (in afterAll). `restart()` kills it and starts it again on the
 * same ports and data, as a crashed and restarted etcd would be, for reconnect tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePort } from '../../fixtures/ports.js';

const ETCD_BINARY = process.env.ETCD_BINARY ?? '/usr/bin/etcd';
const START_TIMEOUT_MS = 20_000;

export interface EtcdProcess {
  /** "http://127.0.0.1:<port>", for EtcdStore's `endpoints`. */
  endpoint: string;
  /** Of the current etcd process (a restart changes it). */
  readonly pid: number;
  stop(): Promise<void>;
  /** SIGKILLs etcd and starts it again with the same ports and data directory. */
  restart(): Promise<void>;
}

export async function startEtcd(): Promise<EtcdProcess> {
  // A free port can be taken between probing and etcd binding it; then etcd exits and we retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(): Promise<EtcdProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sky-etcd-'));
  const ports = { client: await freePort(), peer: await freePort() };
  let member: Member;
  try {
    member = await launch(dataDir, ports);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint: member.endpoint,
    get pid() {
      return member.pid;
    },
    async stop() {
      await member.kill('SIGTERM');
      await rm(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await member.kill('SIGKILL');
      member = await launch(dataDir, ports);
    },
  };
}

interface Member {
  endpoint: string;
  pid: number;
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Starts etcd and waits until it reports healthy; kills it again if it does not. */
async function launch(dataDir: string, ports: { client: number; peer: number }): Promise<Member> {
  const endpoint = `http://127.0.0.1:${ports.client}`;
  const peer = `http://127.0.0.1:${ports.peer}`;
  const child = spawn(
    ETCD_BINARY,
    [
      '--name', 'test',
      '--data-dir', dataDir,
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `test=${peer}`,
      '--logger', 'zap',
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // spawn reports a missing binary asynchronously, as an 'error' event.
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  failed.catch(() => undefined); // awaited below only while starting
  if (child.pid === undefined) await failed;
  const pid = child.pid!;
  const member: Member = { endpoint, pid, kill: (signal) => kill(child, pid, signal, exited) };
  try {
    await Promise.race([waitHealthy(endpoint, child, () => stderr), failed]);
  } catch (error) {
    await member.kill('SIGKILL');
    throw error;
  }
  return member;
}

async function waitHealthy(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`etcd exited during start-up (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
      const body = (await response.json()) as { health?: string };
      if (body.health === 'true') return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd at ${endpoint} not healthy after ${START_TIMEOUT_MS} ms: ${stderr()}`);
}

async function kill(child: ChildProcess, pid: number, signal: 'SIGTERM' | 'SIGKILL', exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(pid, signal);
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}


/** Compacts etcd's history up to `revision` (physically), so older watches get compacted errors. */
export async function compactEtcd(endpoint: string, revision: string | number): Promise<void> {
  const client = new Etcd3({ hosts: endpoint });
  try {
    await client.kv.compact({ revision, physical: true });
  } finally {
    client.close();
  }
}
