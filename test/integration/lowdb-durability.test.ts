/**
 * `kill -9` durability of the lowdb store: a separate process (test/fixtures/lowdb-writer.ts)
 * writes as fast as it can and reports every acknowledged write; the test SIGKILLs it mid-stream,
 * reopens the data directory and checks that every acknowledged write is there. Three rounds on
 * one directory, so recovery from a crash is itself crashed and recovered from; the writer's small
 * compaction threshold makes kills land during compactions too.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowdbStore } from '../../src/storage/lowdb-store.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = join(ROOT, 'dist/test/fixtures/lowdb-writer.js');
/** What the fixture is built from; if any is newer than the build, the build is stale. */
const SOURCE_DIRS = ['src/storage', 'src/domain', 'test/fixtures'];
const ACKS_BEFORE_KILL = 2_000;

interface Report {
  created: Set<string>;
  deleting: Set<string>;
  deleted: Set<string>;
  maxSeen: number;
}

describe('lowdb store killed with SIGKILL', () => {
  let dataDir: string;

  beforeAll(async () => {
    await buildFixtureIfStale();
    dataDir = await mkdtemp(join(tmpdir(), 'sky-durability-'));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, round after round', async () => {
    const all: Report = { created: new Set(), deleting: new Set(), deleted: new Set(), maxSeen: 0 };
    for (const round of ['r1', 'r2', 'r3']) {
      const report = await writeUntilKilled(dataDir, round);
      expect(report.created.size).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
      for (const name of report.created) all.created.add(name);
      for (const name of report.deleting) all.deleting.add(name);
      for (const name of report.deleted) all.deleted.add(name);
      all.maxSeen = Math.max(all.maxSeen, report.maxSeen);

      const store = await LowdbStore.open({ dataDir });
      try {
        const { items, resourceVersion } = await store.list({ kind: 'Job' });
        const present = new Set(items.map((job) => job.metadata.name));
        const lost = [...all.created].filter((name) => !all.deleting.has(name) && !present.has(name));
        const resurrected = [...all.deleted].filter((name) => present.has(name));
        expect(lost, `acknowledged creates missing after ${round}`).toEqual([]);
        expect(resurrected, `acknowledged deletes undone after ${round}`).toEqual([]);
        // No reader was ever shown a version the crash took back (it would be handed out again).
        expect(Number(resourceVersion)).toBeGreaterThanOrEqual(all.maxSeen);
      } finally {
        await store.close();
      }
      await expectSnapshotParses(dataDir);
    }
  });
});

/** Runs the writer until it has acknowledged enough writes, then SIGKILLs it. */
async function writeUntilKilled(dataDir: string, prefix: string): Promise<Report> {
  const child = spawn(process.execPath, [FIXTURE, dataDir, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const report: Report = { created: new Set(), deleting: new Set(), deleted: new Set(), maxSeen: 0 };
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const [what, value] = line.split(' ');
      if (what === 'created') report.created.add(value);
      else if (what === 'deleting') report.deleting.add(value);
      else if (what === 'deleted') report.deleted.add(value);
      else if (what === 'seen') report.maxSeen = Math.max(report.maxSeen, Number(value));
      if (report.created.size === ACKS_BEFORE_KILL) process.kill(child.pid!, 'SIGKILL');
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }
  // Lines already in the pipe when the kill landed were read above: they count too.
  const ending = await exited;
  if (ending !== 'SIGKILL') throw new Error(`the writer ended by itself (${ending}): ${stderr}`);
  return report;
}

async function expectSnapshotParses(dataDir: string): Promise<void> {
  const files = await readdir(dataDir);
  if (!files.includes('sky.json')) return;
  const snapshot = JSON.parse(await readFile(join(dataDir, 'sky.json'), 'utf8'));
  expect(snapshot.format).toBe(2);
}

async function buildFixtureIfStale(): Promise<void> {
  const built = await stat(FIXTURE).then((s) => s.mtimeMs, () => 0);
  let newest = 0;
  for (const dir of SOURCE_DIRS) {
    for (const name of await readdir(join(ROOT, dir))) {
      if (name.endsWith('.ts')) newest = Math.max(newest, (await stat(join(ROOT, dir, name))).mtimeMs);
    }
  }
  if (built > newest) return;
  // Only the fixture and what it imports, with the project's options: seconds, not a full build.
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      'test/fixtures/lowdb-writer.ts',
      '--outDir', 'dist',
      '--rootDir', '.',
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--target', 'es2022',
      '--strict',
      '--skipLibCheck',
      '--types', 'node',
    ],
    { cwd: ROOT },
  );
}
