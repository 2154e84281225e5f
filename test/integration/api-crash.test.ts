/**
 * Durability of the lowdb store through the real server: clients write continuously, the
 * server is killed with SIGKILL mid-stream, a new server starts on the same --data-dir. Every
 * write a client was told succeeded must be there, the server must start cleanly, and
 * resourceVersions must carry on above every acknowledged one (a reused version would make
 * resuming watchers skip changes).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kindApi, minimalInput } from '../helpers/api.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

interface Written {
  /** The phase of the last acknowledged write, and the phase of a write still in flight. */
  acknowledged?: string;
  inFlight?: string;
  rv: bigint;
}

describe('a lowdb-backed server killed with SIGKILL', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write and starts again cleanly', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sky-crash-'));
    const objects = new Map<string, Written>();
    let maxAcknowledged = 0n;

    for (let round = 0; round < 2; round++) {
      server = await startServer({ store: 'lowdb', dataDir });
      const jobs = kindApi(server.url, 'Job');
      let acknowledgedThisRound = 0;
      let stopped = false;

      // Four writers, each creating jobs and moving them through phases, one write at a time.
      const writer = async (id: number) => {
        const phases = ['SCHEDULED', 'RUNNING', 'COMPLETED'];
        for (let i = 0; !stopped; i++) {
          const name = `r${round}-w${id}-${Math.floor(i / 4)}`;
          const step = i % 4;
          const phase = step === 0 ? 'PENDING' : phases[step - 1];
          const entry = objects.get(name) ?? { rv: 0n };
          objects.set(name, entry);
          entry.inFlight = phase;
          try {
            const object =
              step === 0
                ? await jobs.create(minimalInput('Job', name))
                : await jobs.updateStatus({ metadata: { name }, status: { phase } });
            entry.acknowledged = phase;
            entry.inFlight = undefined;
            entry.rv = BigInt(object.metadata.resourceVersion);
            if (entry.rv > maxAcknowledged) maxAcknowledged = entry.rv;
            acknowledgedThisRound++;
          } catch {
            return; // the server is gone; this write may or may not have landed
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      while (acknowledgedThisRound < 150) await new Promise((resolve) => setTimeout(resolve, 5));
      const exit = await server.kill('SIGKILL');
      stopped = true;
      await Promise.all(writers);
      expect(exit.signal).toBe('SIGKILL');

      server = await startServer({ store: 'lowdb', dataDir });
      const stored = new Map((await kindApi(server.url, 'Job').list({ namespace: 'default' })).items.map((j) => [j.metadata.name, j]));
      for (const [name, written] of objects) {
        const object = stored.get(name);
        if (written.acknowledged === undefined) {
          // Never acknowledged: absent, or present from a create that landed before the kill.
          if (object) expect(object.status.phase).toBe(written.inFlight);
          continue;
        }
        expect(object, `acknowledged job ${name} is missing`).toBeDefined();
        expect(BigInt(object!.metadata.resourceVersion)).toBeGreaterThanOrEqual(written.rv);
        expect([written.acknowledged, written.inFlight]).toContain(object!.status.phase);
      }
      // Versions carry on above everything acknowledged before the crash.
      const after = await kindApi(server.url, 'Job').create(minimalInput('Job', `after-${round}`));
      expect(BigInt(after.metadata.resourceVersion)).toBeGreaterThan(maxAcknowledged);
      expect((await kindApi(server.url, 'Namespace').get('default')).status.phase).toBe('ACTIVE');
      await server.stop();
      server = undefined;
    }
  }, 180_000);
});
