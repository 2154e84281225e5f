/**
 * bench/lowdb: what the lowdb store's integrity checks cost, in three parts.
 *
 *   npm run build && node dist/bench/lowdb/run.js [--objects 100000] [--commits 400] [--baseline DIR]
 *
 * 1. checksum: µs per typical WAL record for CRC-32 (zlib's), SHA-1 and SHA-256, next to the
 *    JSON.stringify every record already pays.
 * 2. group commit: one flush of 8 records, the three ways side by side and interleaved (so that
 *    the machine's noise falls on all three alike): append + fdatasync (format 1), and
 *    pwrite + fdatasync + the header's committed mark written after it, asynchronously or with a
 *    blocking pwrite (what src/storage/write-ahead-log.ts does).
 * 3. creates: CPU time (user + system, all threads) and rate of 40,000 creates by 16 concurrent
 *    writers straight into a LowdbStore, three rounds.
 * 4. start-up: LowdbStore.open on a data directory of `--objects` jobs (snapshot plus a log
 *    tail).
 *
 * With `--baseline DIR` (a built checkout of another commit, e.g. a git worktree), parts 3 and 4
 * run that build's store too, interleaved with this one.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { writeSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LowdbStore } from '../../src/storage/lowdb-store.js';
import { SnapshotFile } from '../../src/storage/snapshot-file.js';
import { makeJob } from '../../test/fixtures/store-objects.js';

const { values: args } = parseArgs({
  options: {
    objects: { type: 'string', default: '100000' },
    commits: { type: 'string', default: '400' },
    baseline: { type: 'string' },
  },
});

interface Build {
  name: string;
  LowdbStore: { open(options: { dataDir: string; compactionBytes?: number }): Promise<LowdbStore> };
  SnapshotFile: new (path: string) => { size(): Promise<number> };
}

function checksums(): void {
  const object = makeJob('job-12345');
  object.metadata.resourceVersion = '12345';
  const event = { type: 'ADDED', object, resourceVersion: '12345' };
  const line = JSON.stringify(event);
  const perRecord = (run: () => unknown) => {
    const n = 100_000;
    for (let i = 0; i < 5_000; i++) run();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run();
    return (Number(process.hrtime.bigint() - start) / n / 1000).toFixed(2);
  };
  console.log(`\nchecksum of one ${Buffer.byteLength(line)}-byte WAL record, µs`);
  console.table([
    { what: 'JSON.stringify (paid anyway)', us: perRecord(() => JSON.stringify(event)) },
    { what: 'CRC-32, zlib.crc32 (used)', us: perRecord(() => crc32(line)) },
    { what: 'SHA-1', us: perRecord(() => createHash('sha1').update(line).digest('hex')) },
    { what: 'SHA-256', us: perRecord(() => createHash('sha256').update(line).digest('hex')) },
  ]);
}

async function groupCommits(count: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'sky-bench-lowdb-'));
  const batch = Buffer.alloc(8 * 600, 0x78);
  const header = Buffer.alloc(256, 0x20);
  const ways = [
    { name: 'append + fdatasync (format 1)', flags: 'a', flush: async (f: FileState) => (await f.handle.write(batch, 0, batch.length), await f.handle.datasync()) },
    {
      name: 'pwrite + fdatasync + async header pwrite',
      flags: 'w+',
      flush: async (f: FileState) => {
        await f.handle.write(batch, 0, batch.length, f.offset);
        await f.handle.datasync();
        f.offset += batch.length;
        await f.handle.write(header, 0, header.length, 0);
      },
    },
    {
      name: 'pwrite + fdatasync + blocking header pwrite (used)',
      flags: 'w+',
      flush: async (f: FileState) => {
        await f.handle.write(batch, 0, batch.length, f.offset);
        await f.handle.datasync();
        f.offset += batch.length;
        writeSync(f.handle.fd, header, 0, header.length, 0);
      },
    },
  ];
  interface FileState {
    handle: Awaited<ReturnType<typeof open>>;
    offset: number;
    ms: number[];
  }
  const files: FileState[] = [];
  for (const [i, way] of ways.entries()) {
    const handle = await open(join(dir, `segment-${i}`), way.flags);
    await handle.write(header, 0, header.length, 0);
    files.push({ handle, offset: header.length, ms: [] });
  }
  for (let n = 0; n < count; n++) {
    for (const [i, way] of ways.entries()) {
      const start = process.hrtime.bigint();
      await way.flush(files[i]);
      files[i].ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  for (const f of files) await f.handle.close();
  await rm(dir, { recursive: true, force: true });
  const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))].toFixed(3);
  console.log(`\none group commit of 8 records (4.8 KB), ${count} of each, interleaved; ms`);
  console.table(ways.map((way, i) => ({ way: way.name, p50: quantile(files[i].ms, 0.5), p90: quantile(files[i].ms, 0.9) })));
}

async function startUp(objects: number, builds: Build[]): Promise<void> {
  const dirs = await Promise.all(builds.map(() => mkdtemp(join(tmpdir(), 'sky-bench-lowdb-'))));
  try {
    for (const [i, build] of builds.entries()) {
      const store = await build.LowdbStore.open({ dataDir: dirs[i] });
      for (let n = 0; n < objects; n += 100) {
        await Promise.all(Array.from({ length: Math.min(100, objects - n) }, (_, j) => store.create(makeJob(`job-${n + j}`))));
      }
      await store.compact();
      for (let n = 0; n < 2_000; n++) await store.create(makeJob(`tail-${n}`));
      await store.close();
    }
    // Five opens each, interleaved; the minimum is the figure least disturbed by other work.
    const times = builds.map(() => ({ open: [] as number[], megabytes: 0 }));
    for (let round = 1; round <= 5; round++) {
      for (const [i, build] of builds.entries()) {
        const start = performance.now();
        const opened = await build.LowdbStore.open({ dataDir: dirs[i] });
        times[i].open.push(performance.now() - start);
        await opened.close();
        times[i].megabytes = (await new build.SnapshotFile(join(dirs[i], 'sky.json')).size()) / 1e6;
      }
    }
    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `${sorted[0].toFixed(0)} / ${sorted[Math.floor(sorted.length / 2)].toFixed(0)}`;
    };
    console.log(`\nstart-up with ${objects} jobs in the snapshot and 2,000 in the log; LowdbStore.open, ms, min / median of 5`);
    console.table(builds.map((build, i) => ({ build: build.name, 'snapshot MB': times[i].megabytes.toFixed(1), open: summary(times[i].open) })));
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

async function creates(builds: Build[], count = 40_000): Promise<void> {
  const jobs = Array.from({ length: count }, (_, i) => makeJob(`job-${i}`));
  const rows = [];
  for (let round = 1; round <= 3; round++) {
    for (const build of builds) {
      const dataDir = await mkdtemp(join(tmpdir(), 'sky-bench-lowdb-'));
      try {
        const store = await build.LowdbStore.open({ dataDir });
        let next = 0;
        const cpu = process.cpuUsage();
        const start = performance.now();
        await Promise.all(Array.from({ length: 16 }, async () => {
          while (next < jobs.length) await store.create(jobs[next++]);
        }));
        const used = process.cpuUsage(cpu);
        const ms = performance.now() - start;
        await store.close();
        rows.push({ build: build.name, round, 'CPU µs/create': ((used.user + used.system) / count).toFixed(1), 'creates/s': ((count / ms) * 1000).toFixed(0) });
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  }
  console.log(`\n${count} creates by 16 concurrent writers into a LowdbStore`);
  console.table(rows);
}

const builds: Build[] = [{ name: 'this', LowdbStore, SnapshotFile }];
if (args.baseline) {
  const root = resolve(args.baseline);
  builds.unshift({
    name: `baseline ${root}`,
    LowdbStore: ((await import(join(root, 'dist/src/storage/lowdb-store.js'))) as { LowdbStore: Build['LowdbStore'] }).LowdbStore,
    SnapshotFile: ((await import(join(root, 'dist/src/storage/snapshot-file.js'))) as { SnapshotFile: Build['SnapshotFile'] }).SnapshotFile,
  });
}
checksums();
await groupCommits(Number(args.commits));
await creates(builds);
await startUp(Number(args.objects), builds);
