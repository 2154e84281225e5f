/** SkyletController without processes: one Skylet per Cluster in the listers, from a recording factory. */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SkyletController, type SkyletLike } from '../../../src/controllers/skylet-controller.js';
import type { Cluster } from '../../../src/domain/types.js';
import { FakeListers, FakeWriters } from '../../helpers/fake-listers.js';
import { cluster } from '../scheduler/fixtures.js';

const logger = pino({ level: 'silent' });

function setup(...clusters: Cluster[]) {
  return setupOwning(undefined, ...clusters);
}

function setupOwning(owns: ((cluster: string) => boolean) | undefined, ...clusters: Cluster[]) {
  const listers = new FakeListers().seed(...clusters);
  const events: string[] = [];
  const controller = new SkyletController({
    owns,
    listers,
    writer: new FakeWriters({ listers }),
    stateDir: '/nonexistent',
    logger,
    createSkylet: (c): SkyletLike => ({
      name: c.metadata.name,
      start: async (started) => void events.push(`start ${started.metadata.name}@${started.metadata.generation}`),
      stop: async () => void events.push(`stop ${c.metadata.name}@${c.metadata.generation}`),
      logs: () => {
        throw new Error('no logs in this test');
      },
    }),
  });
  running.push(controller);
  return { listers, events, controller };
}

const running: SkyletController[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
});

describe('SkyletController', () => {
  it('starts a Skylet for each Cluster, and stops it when the Cluster goes', async () => {
    const { listers, events, controller } = setup(cluster('a'));
    controller.start();
    await vi.waitFor(() => expect(events).toEqual(['start a@1']));
    expect(controller.skylet('a')?.name).toBe('a');

    listers.apply(cluster('b'));
    await vi.waitFor(() => expect(events).toEqual(['start a@1', 'start b@1']));

    listers.remove(cluster('a'));
    await vi.waitFor(() => expect(events).toEqual(['start a@1', 'start b@1', 'stop a@1']));
    expect(controller.skylet('a')).toBeUndefined();
  });

  it('keeps a Skylet over status changes and restarts it for a new spec generation', async () => {
    const { listers, events, controller } = setup(cluster('a'));
    controller.start();
    await vi.waitFor(() => expect(events).toEqual(['start a@1']));

    listers.apply(cluster('a', { phase: 'ERROR' })); // a status write: same generation
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['start a@1']);
    const next = cluster('a');
    listers.apply({ ...next, metadata: { ...next.metadata, generation: 2 } });
    await vi.waitFor(() => expect(events).toEqual(['start a@1', 'stop a@1', 'start a@2']));
  });

  it('stops every Skylet when it stops', async () => {
    const { events, controller } = setup(cluster('a'), cluster('b'));
    controller.start();
    await vi.waitFor(() => expect(events).toHaveLength(2));
    await controller.stop();
    expect(events.slice(2).sort()).toEqual(['stop a@1', 'stop b@1']);
    expect(controller.skylet('a')).toBeUndefined();
  });

  it('runs only the Skylets of the clusters this replica owns, and follows changes of ownership', async () => {
    const mine = new Set(['a']);
    const { events, controller } = setupOwning((c) => mine.has(c), cluster('a'), cluster('b'));
    controller.start();
    await vi.waitFor(() => expect(events).toEqual(['start a@1']));
    expect(controller.runs('b')).toBe(false);
    mine.add('b');
    mine.delete('a');
    controller.enqueue('a');
    controller.enqueue('b');
    await vi.waitFor(() => expect(events).toEqual(['start a@1', 'stop a@1', 'start b@1']));
    expect(controller.runs('a')).toBe(false);
    expect(controller.runs('b')).toBe(true);
  });
});
