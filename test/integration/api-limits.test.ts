/**
 * The object limits over real HTTP (src/domain/limits.ts): the values issue 12 found accepted are
 * refused with BAD_USER_INPUT naming the field and the maximum, nothing is stored, and the server
 * goes on serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NODE_RESOURCES, MAX_OBJECT_BYTES, MAX_REPLICAS, MAX_RUN_BYTES } from '../../src/domain/limits.js';
import { kindApi } from '../helpers/api.js';
import { startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
const jobs = () => kindApi(server.url, 'Job');

beforeAll(async () => {
  server = await startServer({ store: 'memory' });
});
afterAll(async () => server?.stop());

const job = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });

describe('values past their maximum', () => {
  it.each([
    ['a billion replicas', { replicas: 1_000_000_000 }, 'input.spec.replicas', `1000000000 is more than the maximum ${MAX_REPLICAS}.`],
    ['cpu 1e308', { resources: { cpu: 1e308 } }, 'input.spec.resources.cpu', `is more than the maximum ${MAX_NODE_RESOURCES.cpu}.`],
    ['memory 1e300', { resources: { memory: 1e300 } }, 'input.spec.resources.memory', `is more than the maximum ${MAX_NODE_RESOURCES.memory}.`],
    ['a 10 MB run', { run: 'x'.repeat(10 * 1024 * 1024) }, 'input.spec.run', `more than the maximum ${MAX_RUN_BYTES}.`],
    ['a 5,000-character accelerator', { resources: { accelerator: 'A'.repeat(5000) } }, 'input.spec.resources.accelerator', 'more than the maximum 63'],
    ['a whole object over 1 MiB', { envs: Array.from({ length: 40 }, (_, i) => ({ name: `E${i}`, value: 'v'.repeat(32_768) })) }, 'input', `more than the maximum ${MAX_OBJECT_BYTES}.`],
  ])('%s is BAD_USER_INPUT naming the field and the limit, and is not stored', async (_what, spec, field, limit) => {
    const error = await jobs().createError(job('too-big', spec));
    expect(error.status).toBeLessThan(500);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toContain(limit);
    expect(error.message.length).toBeLessThan(300);
    expect((await jobs().list()).items.map((j) => j.metadata.name)).not.toContain('too-big');
  });

  it('at the maximum, a Job is accepted', async () => {
    const created = await jobs().create(job('at-max', { replicas: MAX_REPLICAS, run: 'x'.repeat(MAX_RUN_BYTES) }));
    expect(created.metadata.name).toBe('at-max');
  });
});
