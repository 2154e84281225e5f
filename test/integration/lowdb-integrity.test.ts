/**
 * A damaged lowdb data directory under the real `skym server` (and `skym up`): the server
 * refuses to start when acknowledged writes are gone, naming the file, the line and the repair
 * flag; `--repair-data-dir` (or SKYM_REPAIR_DATA_DIR) starts it from what is intact with warnings
 * and leaves a directory the next start opens cleanly; a torn final write starts with a warning;
 * a directory written by the previous format opens and is migrated once.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kindApi, minimalInput } from '../helpers/api.js';
import { PROJECT_ROOT } from '../helpers/root.js';
import { startServer, type ServerProcess } from '../helpers/server.js';
import { makeJob } from '../fixtures/store-objects.js';

/** pino's number for warn. */
const WARN = 40;

describe('a lowdb-backed server on a damaged data directory', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sky-integrity-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (extraArgs: string[] = [], env: Record<string, string> = {}) => {
    server = await startServer({ store: 'lowdb', dataDir, extraArgs, env });
    return server;
  };
  const stop = async () => {
    await server!.stop();
    server = undefined;
  };
  const jobNames = async () => (await kindApi(server!.url, 'Job').list()).items.map((job) => job.metadata.name).sort();
  const warnings = (logs: string) =>
    logs
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level === WARN)
      .map((entry) => entry.msg);
  const segment = async () => join(dataDir, (await readdir(dataDir)).filter((name) => /^wal\.\d+\.jsonl$/.test(name)).sort().at(-1)!);
  const refusal = (extraArgs: string[] = []) => start(extraArgs).then(
    () => {
      throw new Error('the server started');
    },
    (error: Error) => error.message,
  );

  it('refuses a cut-short log naming the file and --repair-data-dir; repairs with the flag; then starts cleanly', async () => {
    await start();
    const jobs = kindApi(server!.url, 'Job');
    let last = '';
    for (let i = 0; i < 60; i++) last = (await jobs.create(minimalInput('Job', `job-${i}`))).metadata.resourceVersion;
    await stop();
    const wal = await segment();
    await truncate(wal, Math.floor((await stat(wal)).size / 2));

    const message = await refusal();
    expect(message).toContain(`server exited during start-up (1)`);
    expect(message).toMatch(new RegExp(`${wal}:\\d+: the segment breaks off here .*, but its header records resourceVersion ${last} as committed; lost: resourceVersions \\d+-${last}`));
    expect(message).toContain('--repair-data-dir (SKYM_REPAIR_DATA_DIR=true)');

    await start(['--repair-data-dir']);
    const kept = await jobNames();
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.length).toBeLessThan(40);
    const repairLog = warnings(server!.logs());
    expect(repairLog).toEqual([
      expect.stringMatching(new RegExp(`^Repairing ${dataDir}: dropped ${wal}:\\d+: the segment breaks off here`)),
      expect.stringMatching(new RegExp(`^Repaired ${dataDir}: it now holds the \\d+ intact object\\(s\\) at resourceVersion ${last}, and opens cleanly\\.$`)),
    ]);
    expect((await kindApi(server!.url, 'Job').create(minimalInput('Job', 'after'))).metadata.resourceVersion).toBe(String(Number(last) + 1));
    await stop();

    await start();
    expect(await jobNames()).toEqual([...kept, 'after'].sort());
    expect(warnings(server!.logs())).toEqual([]);
  });

  it('refuses a deleted last segment, and SKYM_REPAIR_DATA_DIR=true repairs it too', async () => {
    await start();
    const jobs = kindApi(server!.url, 'Job');
    for (let i = 0; i < 5; i++) await jobs.create(minimalInput('Job', `job-${i}`));
    await stop();
    const wal = await segment();
    await rm(wal);

    expect(await refusal()).toContain(`${wal}: the segment is missing; ${join(dataDir, 'sky.json')} (resourceVersion 0) names it as the log that continues it`);
    await start([], { SKYM_REPAIR_DATA_DIR: 'true' });
    expect(await jobNames()).toEqual([]);
    expect(warnings(server!.logs())).toHaveLength(2);
  });

  it('starts after a torn final write, warning that it dropped it', async () => {
    await start();
    const { resourceVersion } = (await kindApi(server!.url, 'Job').create(minimalInput('Job', 'kept'))).metadata;
    await stop();
    const wal = await segment();
    const torn = '{"crc":"00000000","event":{"type":"ADDED","obj';
    await appendFile(wal, torn);

    await start();
    expect(await jobNames()).toEqual(['kept']);
    const line = Number(resourceVersion) + 2; // after the header and the records
    expect(warnings(server!.logs())).toEqual([
      expect.stringMatching(new RegExp(`^${wal}:${line}: dropped a torn write \\(${torn.length} bytes; .*never acknowledged; the log ends at resourceVersion ${resourceVersion}\\.$`)),
    ]);
  });

  it('opens a data directory of the previous format, migrating it once', async () => {
    const event = (name: string, version: number) => {
      const object = makeJob(name);
      object.metadata.resourceVersion = String(version);
      return JSON.stringify({ type: 'ADDED', object, resourceVersion: String(version) }) + '\n';
    };
    await writeFile(join(dataDir, 'sky.json'), '{"format":1,"resourceVersion":"0","objects":[\n]}\n');
    await writeFile(join(dataDir, 'wal.1.jsonl'), event('old-a', 1) + event('old-b', 2));

    await start();
    expect(await jobNames()).toEqual(['old-a', 'old-b']);
    expect(warnings(server!.logs())).toEqual([expect.stringMatching(/^Migrated the lowdb data directory .* to format 2/)]);
    await stop();
    expect(JSON.parse(await readFile(join(dataDir, 'sky.json'), 'utf8'))).toMatchObject({ format: 2, resourceVersion: '2' });

    await start();
    expect(await jobNames()).toEqual(['old-a', 'old-b']);
    expect(warnings(server!.logs())).toEqual([]);
  });

  it('skym up refuses the same way and takes --repair-data-dir', async () => {
    await start();
    await kindApi(server!.url, 'Job').create(minimalInput('Job', 'gone'));
    await stop();
    await rm(await segment());

    const refused = await runUp(dataDir, []);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('has lost acknowledged writes');
    expect(refused.output).toContain('--repair-data-dir');
    const repaired = await runUp(dataDir, ['--repair-data-dir']);
    expect(repaired.output).toContain('Sky Manager is up.');
    expect(repaired.output).toContain('Repaired');
  });
});

/** Runs `skym up` without the local cluster until it is up (then SIGTERM) or exits by itself. */
function runUp(dataDir: string, flags: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'run.js'), 'up', '--port', '0', '--data-dir', dataDir, '--no-local-cluster', ...flags], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SKYM_LOG_LEVEL: 'warn', KUBECONFIG: join(dataDir, 'no-such-kubeconfig') },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('Sky Manager is up.') && child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}
