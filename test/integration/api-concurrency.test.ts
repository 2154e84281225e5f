/**
 * Optimistic concurrency under load, over real HTTP, once per store backend: many clients
 * read-modify-write one object at once, retrying on CONFLICT as clients must, and no update is
 * lost; status writes running alongside never clobber the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindApi, minimalInput, uniqueName } from '../helpers/api.js';
import { startBackend, STORES, type Backend } from '../helpers/backends.js';
import { documents, post } from '../helpers/graphql.js';

describe.each(STORES)('concurrency on the %s store', (store) => {
  let backend: Backend;
  let url: string;
  const jobs = () => kindApi(url, 'Job');

  beforeAll(async () => {
    backend = await startBackend(store);
    url = backend.server.url;
  });
  afterAll(async () => backend?.stop());

  /**
   * Appends one env var to the job's spec, re-reading and retrying on CONFLICT after a jittered
   * pause that grows with each attempt (as client-go's RetryOnConflict does), so 50 writers do
   * not all retry in lock step.
   */
  async function appendEnv(name: string, env: { name: string; value: string }): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const current = await jobs().get(name);
      const response = await post(url, documents('Job').update, {
        input: {
          metadata: { name, resourceVersion: current.metadata.resourceVersion },
          spec: { ...current.spec, envs: [...current.spec.envs, env], placement: { ...current.spec.placement, clusterSelector: undefined } },
        },
      });
      if (!response.errors) return attempt;
      if (response.errors[0].extensions?.code !== 'CONFLICT') throw new Error(response.text);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(10 * 2 ** attempt, 500)));
    }
  }

  it('50 concurrent read-modify-write clients lose no update', async () => {
    const name = uniqueName('contended');
    await jobs().create(minimalInput('Job', name));
    const attempts = await Promise.all(Array.from({ length: 50 }, (_, i) => appendEnv(name, { name: `CLIENT_${i}`, value: String(i) })));

    const final = await jobs().get(name);
    expect(final.spec.envs.map((e: { name: string }) => e.name).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `CLIENT_${i}`).sort());
    expect(final.metadata.generation).toBe(51);
    // They really did collide: some client had to retry.
    expect(Math.max(...attempts)).toBeGreaterThan(1);
  }, 120_000);

  it('status writes racing spec writes never clobber the spec, and spec writes never clobber status', async () => {
    const name = uniqueName('mixed');
    await jobs().create(minimalInput('Job', name));
    const phases = ['SCHEDULED', 'RUNNING'];
    const specWriters = Array.from({ length: 20 }, (_, i) => appendEnv(name, { name: `SPEC_${i}`, value: String(i) }));
    // Blind status writes (no resourceVersion): the server retries them internally.
    const statusWriters = Array.from({ length: 20 }, (_, i) =>
      jobs().updateStatus({ metadata: { name }, status: { phase: phases[i % 2], observedGeneration: i } }),
    );
    const [statuses] = await Promise.all([Promise.all(statusWriters), Promise.all(specWriters)]);

    const final = await jobs().get(name);
    expect(final.spec.envs).toHaveLength(20);
    expect(final.metadata.generation).toBe(21);
    // The status is one that was written, whole, and no spec write reset it to PENDING.
    expect(statuses.map((s) => JSON.stringify(s.status))).toContain(JSON.stringify(final.status));
    expect(final.status.phase).not.toBe('PENDING');
  }, 120_000);
});
